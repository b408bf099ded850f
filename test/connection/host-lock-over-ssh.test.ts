/** The host lock over SSH: concurrent runs keep every line; a lock whose holder died is taken over. */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHostLockScript, HostLockReader } from '../../src/connection/host-lock.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { lineByLinePlay, missingLines, sharedFile } from '../helpers/concurrent-runs.js';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';
import { connectToSshd, sshTarget, startSshd, type TestSshd } from '../helpers/sshd.js';

let sshd: TestSshd;
let project: TempProject;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  sshd = await startSshd({ name: 'hostlock', subnet: 32 });
  project = createTempProject('drover-host-lock-ssh-');
});
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
  sshd?.stop();
  project?.remove();
});

describe('the host lock over SSH', () => {
  it('keeps every line of two runs editing one file at once, and one of them waited', async () => {
    const inventory = project.write('inventory.ini', `${sshd.namespace}\n`);
    const file = sharedFile(project.dir);
    const target = sshTarget(sshd);
    const runAs = (name: string) =>
      runEngine(project.write(`${name}.yml`, lineByLinePlay(file, name)), inventory, {
        hostLock: true,
        connect: () => new SshConnection(target.settings, target.options),
      });
    const [a, b] = await Promise.all([runAs('A'), runAs('B')]);
    for (const run of [a, b]) expect([...run.results.values()].flat().filter((r) => r.status === 'failed')).toEqual([]);
    expect(missingLines(file)).toEqual([]);
    expect([...a.warnings, ...b.warnings].filter((w) => w.includes('holds this host'))).toHaveLength(1);
  });

  it('takes over a lock whose holding shell was killed outright', async () => {
    const holder = await connectToSshd(sshd, {}, cleanups);
    const held = await holder.hold!(buildHostLockScript('a run that dies'), (out) =>
      new HostLockReader(() => {}).feed(out),
    );
    // The holding shell dies without its trap running (SIGKILL): the lock directory stays behind.
    execFileSync('pkill', ['-KILL', '-f', 'drover-host-lock: locked']);
    await held.release();
    const next = await connectToSshd(sshd, {}, cleanups);
    const waits: string[] = [];
    const reader = new HostLockReader((pid) => waits.push(pid));
    const taken = await next.hold!(buildHostLockScript('the next run'), (out) => reader.feed(out));
    await taken.release();
    expect(waits).toEqual([]);
  });
});
