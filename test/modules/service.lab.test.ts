import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/index.js';
import { runModule } from '../helpers/run-module-task.js';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import { module as service } from '../../src/modules/service.js';
import { module as systemd } from '../../src/modules/systemd.js';
import { ensureTestLab, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { connectToLabHost } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

const HOST = 'mod-service';
const UNIT = 'drovertest-svc';
// Under /usr/local/lib, as a package would install it: systemd cannot mask a unit whose file is in /etc.
const UNIT_FILE = `/usr/local/lib/systemd/system/${UNIT}.service`;
let lab: LabStatus;
let conn: Connection;

function unitText(description: string): string {
  return `[Unit]\nDescription=${description}\n[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/true\n[Install]\nWantedBy=multi-user.target\n`;
}

async function run(args: Record<string, unknown>, check = false) {
  const result = await runModule(conn, service, args, { check });
  if (result.failedChange) throw new Error(`${result.failedChange.summary}: ${result.failedChange.result.stderr}`);
  return result;
}

const brief = (changes: Array<{ summary: string; from?: string; to?: string }>) =>
  changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }));
const sh = (command: string) => runOnLabHostOk(lab, HOST, command);
const prop = async (property: string) => (await sh(`systemctl show -p ${property} --value ${UNIT}`)).trim();

beforeAll(async () => {
  lab = await ensureTestLab([HOST]);
  conn = await connectToLabHost(lab, HOST);
  await sh(
    `mkdir -p /usr/local/lib/systemd/system && printf '%s' '${unitText('drover test')}' > ${UNIT_FILE} && systemctl daemon-reload`,
  );
});

afterAll(async () => {
  if (lab)
    await runOnLabHost(
      lab,
      HOST,
      `systemctl unmask ${UNIT}; systemctl disable --now ${UNIT}; rm -f ${UNIT_FILE}; systemctl daemon-reload`,
    );
  await conn?.close();
  await labDown([HOST]);
});

describe('service on a lab host (systemd as PID 1)', () => {
  it('fails clearly for a unit systemd does not know, in check mode too', async () => {
    await recordFixture(conn, service, { name: 'drovertest-missing', state: 'started' }, 'unit-not-found', {
      description: 'a unit systemd does not know (LoadState not-found, is-enabled prints nothing): the task fails',
    });
    for (const check of [false, true]) {
      const result = await run({ name: 'drovertest-missing', state: 'started' }, check);
      expect(result.plan.failed).toMatch(/^could not find the requested service drovertest-missing on this host/);
      expect(result.executed).toEqual([]);
    }
  });

  it('starts and enables, converges, reports a manual stop in check mode only, and repairs it', async () => {
    const args = { name: UNIT, state: 'started', enabled: 'yes' };
    await recordFixture(conn, service, args, 'stopped-disabled', {
      description: 'a unit that is loaded, inactive and disabled: enable it, then start it',
    });
    const first = await run(args);
    expect(brief(first.plan.changes)).toEqual([
      { summary: `enable ${UNIT} at boot`, from: 'disabled', to: 'enabled' },
      { summary: `start ${UNIT}`, from: 'stopped', to: 'started' },
    ]);
    expect(await prop('ActiveState')).toBe('active');
    expect((await sh(`systemctl is-enabled ${UNIT}`)).trim()).toBe('enabled');
    expect((await run(args)).plan.changes).toEqual([]);
    await recordFixture(conn, service, args, 'converged', {
      description: 'the unit is active (running) and enabled: nothing to do',
    });

    await sh(`systemctl stop ${UNIT}`);
    await recordFixture(conn, service, args, 'stopped-by-hand', {
      description: 'the unit stopped by hand, still enabled: a start only',
    });
    const checked = await run(args, true);
    expect(checked.executed).toEqual([]);
    expect(brief(checked.plan.changes)).toEqual([{ summary: `start ${UNIT}`, from: 'stopped', to: 'started' }]);
    expect(await prop('ActiveState')).toBe('inactive');

    await run(args);
    expect(await prop('ActiveState')).toBe('active');
  });

  it('restarts and reloads on every run (a new main process only for restart)', async () => {
    const pid = await prop('MainPID');
    const reloaded = await run({ name: UNIT, state: 'reloaded' });
    expect(brief(reloaded.plan.changes)).toEqual([{ summary: `reload ${UNIT}`, from: 'started', to: 'reloaded' }]);
    expect(await prop('MainPID')).toBe(pid);
    const restarted = await run({ name: UNIT, state: 'restarted' });
    expect(restarted.plan.changes.map((c) => c.summary)).toEqual([`restart ${UNIT}`]);
    expect(await prop('MainPID')).not.toBe(pid);
    expect((await run({ name: UNIT, state: 'restarted' })).plan.changes).toHaveLength(1);
  });

  it('runs daemon-reload only when the unit file changed on disk', async () => {
    await sh(`printf '%s' '${unitText('drover test, changed')}' > ${UNIT_FILE}`);
    await recordFixture(conn, service, { name: UNIT, state: 'started', daemon_reload: true }, 'unit-file-changed', {
      description: 'the unit file changed on disk since systemd read it (NeedDaemonReload=yes): daemon-reload',
    });
    const reloaded = await run({ name: UNIT, state: 'started', daemon_reload: true });
    expect(reloaded.plan.changes.map((c) => c.summary)).toEqual([
      `reload systemd unit files (${UNIT} changed on disk)`,
    ]);
    expect(await prop('Description')).toBe('drover test, changed');
    expect((await run({ name: UNIT, state: 'started', daemon_reload: true })).plan.changes).toEqual([]);
  });

  it('stops, disables, masks and unmasks under the systemd name too', async () => {
    await recordFixture(conn, systemd, { name: UNIT, state: 'stopped', enabled: false, masked: true }, 'to-be-masked', {
      description: 'an active, enabled unit that should be stopped, disabled and masked: three changes in that order',
    });
    const stopped = await runModule(
      conn,
      systemd,
      { name: UNIT, state: 'stopped', enabled: false, masked: true },
      { check: false },
    );
    expect(stopped.failedChange).toBeUndefined();
    expect(stopped.plan.changes.map((c) => c.summary)).toEqual([
      `disable ${UNIT} at boot`,
      `stop ${UNIT}`,
      `mask ${UNIT}`,
    ]);
    expect(await prop('ActiveState')).toBe('inactive');
    expect((await runOnLabHost(lab, HOST, `systemctl is-enabled ${UNIT}`)).stdout.trim()).toBe('masked');
    expect((await run({ name: UNIT, state: 'stopped', enabled: false, masked: true })).plan.changes).toEqual([]);
    await recordFixture(conn, systemd, { name: UNIT, state: 'stopped', enabled: false, masked: true }, 'masked', {
      description: 'the unit is masked and inactive (LoadState masked, is-enabled masked, exit 1): nothing to do',
    });
    await recordFixture(conn, systemd, { name: UNIT, masked: false }, 'to-be-unmasked', {
      description: 'a masked unit that should be unmasked: one unmask',
    });
    const unmasked = await run({ name: UNIT, masked: false });
    expect(brief(unmasked.plan.changes)).toEqual([{ summary: `unmask ${UNIT}`, from: 'masked', to: 'unmasked' }]);
    expect((await runOnLabHost(lab, HOST, `systemctl is-enabled ${UNIT}`)).stdout.trim()).toBe('disabled');
  });

  it('answers the probe in the format the fixture tests parse', async () => {
    const answer = await conn.exec(service.probe!(service.schema.parse({ name: UNIT, state: 'started' })));
    expect(answer.stdout).toMatch(/^systemd=yes\nId=drovertest-svc\.service\nLoadState=loaded\n/);
    const missing = await conn.exec(
      service.probe!(service.schema.parse({ name: 'drovertest-missing', state: 'started' })),
    );
    expect(missing.stdout).toContain('LoadState=not-found');
  });
});
