import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LabError, labDown, labStatus, labUp, listLabHosts } from '../src/lab/index.js';
import { findLabLeftovers, LAB_TEST_HOSTS } from './helpers/lab.js';

/**
 * Brings the test lab (lab-a, lab-b) up once per test run and takes down what it started afterwards.
 * Tests read the status with inject('lab') or from the JSON file in env DROVER_LAB_STATUS_FILE
 * (see test/helpers/lab.ts). DROVER_LAB_KEEP=1 leaves the lab running for the next run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => process.stderr.write(`[lab] ${line}\n`);
  const before = await labStatus(LAB_TEST_HOSTS);
  const alreadyRunning = before.hosts.filter((h) => h.state === 'running').map((h) => h.name);
  const status = await labUp(LAB_TEST_HOSTS, { log });
  const file = join(tmpdir(), `drover-lab-status-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(status, null, 2));
  process.env.DROVER_LAB_STATUS_FILE = file;
  project.provide('lab', status);
  return async () => {
    rmSync(file, { force: true });
    if (process.env.DROVER_LAB_KEEP) return;
    const started = LAB_TEST_HOSTS.filter((h) => !alreadyRunning.includes(h));
    if (started.length > 0) await labDown(started, { log });
    if ((await listLabHosts()).length > 0) return;
    // The whole lab is down: check that it left nothing behind.
    const leftovers = findLabLeftovers();
    if (leftovers.length > 0) throw new LabError(`lab down left these behind: ${leftovers.join('; ')}`);
  };
}
