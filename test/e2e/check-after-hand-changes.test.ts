/**
 * check stays honest on a deployment changed by hand: after each hand change, check predicts exactly
 * the changes the next run makes (tasks it cannot tell are unknown, naming the earlier task they wait
 * for, never a guessed change or a failure), writes nothing on the hosts, and the run leaves a
 * deployment that a second check finds converged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import type { RunReport } from '../../src/report/run-report.js';
import {
  drover,
  hostState,
  onHost,
  REFERENCE_HOSTS,
  referenceLab,
  runDemo,
  stateDifference,
  tasksWithStatus,
  unknownTasks,
} from './reference-deployment.js';

const work = mkdtempSync(join(tmpdir(), 'drover-e2e-hand-'));
const readReport = (file: string): RunReport => JSON.parse(readFileSync(file, 'utf8')) as RunReport;
const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);
const apt = (args: string) => `DEBIAN_FRONTEND=noninteractive apt-get ${args} -y -q >/dev/null`;

let lab: LabStatus;
let labWasRunning = false;
/** Per host, the tasks a check of the converged deployment reports unknown (commands without guards). */
let alwaysUnknown: Record<string, string[]> = {};
/** Set while a case runs; a case that did not finish leaves the deployment for the next one to repair. */
let dirty = false;

beforeAll(async () => {
  labWasRunning = (await referenceLab()).hosts.every((h) => h.state === 'running');
  const demo = await runDemo();
  log(`npm run demo took ${demo.seconds.toFixed(1)} s${labWasRunning ? ' (on a running lab)' : ''}`);
  expect(demo.result.code, demo.result.stdout.slice(-4000)).toBe(0);
  lab = await referenceLab();
}, 1_800_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  if (!process.env.DROVER_LAB_KEEP && !labWasRunning) await labDown(REFERENCE_HOSTS);
});

interface HandChange {
  title: string;
  host: string;
  command: string;
  /** Per host, the tasks check must report changed. */
  changed: Record<string, string[]>;
  /** Per host, the tasks check must report unknown, each with the earlier tasks it may depend on. */
  unknown: Record<string, Record<string, string[]>>;
}

const SUPERVISOR_SERVICE = 'keep supervisor running and started at boot';
const WORKER = 'run the queue worker under supervisor';

const CASES: HandChange[] = [
  {
    title: 'supervisor purged on backoffice',
    host: 'backoffice',
    command: apt('purge supervisor'),
    changed: { backoffice: ['install supervisor'] },
    unknown: {
      backoffice: {
        [SUPERVISOR_SERVICE]: ['install supervisor'],
        [WORKER]: ['install supervisor', SUPERVISOR_SERVICE],
      },
    },
  },
  {
    title: 'PostgreSQL stopped on db1',
    host: 'db1',
    command: 'systemctl stop postgresql',
    changed: { db1: ['run PostgreSQL'] },
    unknown: {
      db1: {
        'create the application role': ['run PostgreSQL'],
        'create the application database with its settings': ['run PostgreSQL'],
      },
    },
  },
  {
    // The web role installs nginx-light, which on bookworm is a transitional package: the server itself
    // (/usr/sbin/nginx) comes with the nginx package it depends on. Both go, nginx-common (the
    // configuration and nginx.service) stays, as `apt-get remove` leaves it.
    title: 'nginx-light removed on backend1',
    host: 'backend1',
    command: apt('remove nginx-light nginx'),
    changed: { backend1: ['install nginx'] },
    unknown: {
      backend1: {
        'serve the application through its uWSGI socket': ['install nginx'],
        // Installing nginx-light starts nginx: whether "run nginx" still has to is for the run to tell.
        'run nginx': ['install nginx'],
      },
    },
  },
  {
    title: 'the virtualenv deleted on backend2',
    host: 'backend2',
    command: 'rm -rf /opt/shop/venv',
    changed: { backend2: ['create the virtualenv as the application user'] },
    unknown: {},
  },
  {
    title: 'supervisor stopped on backoffice',
    host: 'backoffice',
    command: 'systemctl stop supervisor',
    changed: { backoffice: [SUPERVISOR_SERVICE] },
    unknown: { backoffice: { [WORKER]: [SUPERVISOR_SERVICE] } },
  },
];

/** Every host's state, side by side. */
const statesOf = () => Promise.all(REFERENCE_HOSTS.map((host) => hostState(lab, host)));

/** Per host, the tasks of `a` that are not in `b` or `except` (hosts with none are left out). */
function missingFrom(
  a: Record<string, string[]>,
  b: Record<string, string[]>,
  except: Record<string, string[]> = {},
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [host, tasks] of Object.entries(a)) {
    const left = tasks.filter((t) => !(b[host] ?? []).includes(t) && !(except[host] ?? []).includes(t));
    if (left.length > 0) out[host] = left;
  }
  return out;
}

const namesOf = (unknown: Record<string, Record<string, string | undefined>>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(unknown).map(([host, tasks]) => [host, Object.keys(tasks).sort()]));

describe('check after hand changes on the reference deployment', () => {
  it('finds nothing to change on the converged deployment (what stays unknown there is allowed later)', async () => {
    const file = join(work, 'converged-check.json');
    const check = await drover('check', '--report', file);
    log(`check of the converged deployment took ${check.seconds.toFixed(1)} s`);
    expect(check.result.code, check.result.stdout.slice(-3000)).toBe(0);
    const report = readReport(file);
    expect(tasksWithStatus(report, 'changed')).toEqual({});
    expect(tasksWithStatus(report, 'failed')).toEqual({});
    alwaysUnknown = namesOf(unknownTasks(report));
    // Only commands without guards are unknown on a converged deployment.
    for (const entry of Object.values(report.hosts))
      for (const task of entry.tasks.filter((t) => t.status === 'unknown'))
        expect(['command', 'shell'], task.task).toContain(task.module);
    log(`unknown on every converged check: ${JSON.stringify(alwaysUnknown)}`);
  });

  for (const [index, hand] of CASES.entries()) {
    it(`${index + 1}. ${hand.title}: check predicts the run, writes nothing, and the run converges`, async () => {
      const started = Date.now();
      if (dirty) {
        const repair = await drover('run');
        log(`repair run after the previous case took ${repair.seconds.toFixed(1)} s (exit ${repair.result.code})`);
      }
      dirty = true;
      const timing: string[] = [];
      const timed = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        const value = await step();
        timing.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        return value;
      };

      await timed('hand change', () => onHost(lab, hand.host, hand.command));
      const before = await timed('state before', statesOf);

      const checkFile = join(work, `case-${index + 1}-check.json`);
      const check = await timed('check', () => drover('check', '--report', checkFile));
      const after = await timed('state after', statesOf);
      REFERENCE_HOSTS.forEach((host, i) =>
        expect.soft(stateDifference(before[i], after[i]), `check wrote on ${host}`).toEqual([]),
      );
      expect.soft(check.result.code, check.result.stdout.slice(-4000)).toBe(0);
      const predicted = readReport(checkFile);
      const predictedChanged = tasksWithStatus(predicted, 'changed');
      const predictedUnknown = unknownTasks(predicted);
      log(`case ${index + 1} check: changed ${JSON.stringify(predictedChanged)}`);
      log(`case ${index + 1} check: unknown ${JSON.stringify(predictedUnknown)}`);
      const checkFailed = tasksWithStatus(predicted, 'failed');
      if (Object.keys(checkFailed).length > 0)
        log(
          `case ${index + 1} check: failed ${JSON.stringify(
            Object.values(predicted.hosts).flatMap((h) =>
              h.tasks.filter((t) => t.status === 'failed').map((t) => ({ task: t.task, error: t.error })),
            ),
          )}`,
        );
      expect.soft(checkFailed, 'tasks that failed in check').toEqual({});

      const runFile = join(work, `case-${index + 1}-run.json`);
      const run = await timed('run', () => drover('run', '--report', runFile));
      expect.soft(run.result.code, run.result.stdout.slice(-4000)).toBe(0);
      const made = tasksWithStatus(readReport(runFile), 'changed');
      log(`case ${index + 1} run: changed ${JSON.stringify(made)}`);

      const recheckFile = join(work, `case-${index + 1}-recheck.json`);
      const recheck = await timed('second check', () => drover('check', '--report', recheckFile));
      const converged = readReport(recheckFile);
      log(
        `case ${index + 1} second check: exit ${recheck.result.code}, changed ${JSON.stringify(
          tasksWithStatus(converged, 'changed'),
        )}, unknown ${JSON.stringify(unknownTasks(converged))}`,
      );
      log(`case ${index + 1} (${hand.title}): ${timing.join(', ')}; ${((Date.now() - started) / 1000).toFixed(1)} s`);

      // Honest: nothing predicted that the run did not make, nothing made that was neither predicted nor unknown.
      const unknownNames = namesOf(predictedUnknown);
      expect.soft(missingFrom(predictedChanged, made), 'check predicted, the run did not make').toEqual({});
      expect.soft(missingFrom(made, predictedChanged, unknownNames), 'the run made, check did not predict').toEqual({});

      // What check says, task by task.
      expect.soft(predictedChanged).toEqual(hand.changed);
      const expectedUnknown = Object.fromEntries(
        Object.entries(hand.unknown).map(([host, tasks]) => [host, Object.keys(tasks)]),
      );
      const withAlways = (byHost: Record<string, string[]>) => {
        const out: Record<string, string[]> = {};
        for (const host of new Set([...Object.keys(byHost), ...Object.keys(alwaysUnknown)]))
          out[host] = [...new Set([...(byHost[host] ?? []), ...(alwaysUnknown[host] ?? [])])].sort();
        return out;
      };
      expect.soft(withAlways(unknownNames)).toEqual(withAlways(expectedUnknown));
      for (const [host, tasks] of Object.entries(hand.unknown))
        for (const [task, providers] of Object.entries(tasks))
          expect.soft(providers, `what '${task}' on ${host} depends on`).toContain(predictedUnknown[host]?.[task]);
      // Every unknown task names a task that came before it on that host.
      for (const [host, tasks] of Object.entries(predictedUnknown)) {
        const order = predicted.hosts[host].tasks.map((t) => t.task);
        for (const [task, dependsOn] of Object.entries(tasks))
          expect
            .soft(order.indexOf(dependsOn ?? ''), `'${task}' on ${host} depends on '${dependsOn}', an earlier task`)
            .toBeGreaterThanOrEqual(0);
        for (const [task, dependsOn] of Object.entries(tasks))
          expect.soft(order.indexOf(dependsOn ?? '')).toBeLessThan(order.indexOf(task));
      }

      // The run repaired the hand change: a second check finds nothing but what is always unknown.
      expect.soft(recheck.result.code, recheck.result.stdout.slice(-3000)).toBe(0);
      expect.soft(tasksWithStatus(converged, 'changed')).toEqual({});
      expect.soft(namesOf(unknownTasks(converged))).toEqual(alwaysUnknown);
      dirty = run.result.code !== 0 || Object.keys(tasksWithStatus(converged, 'changed')).length > 0;
    });
  }
});
