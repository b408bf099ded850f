import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { parseSystemdProbe, type UnitState } from '../../src/modules/service/systemd-probe.js';
import { module as service } from '../../src/modules/service.js';
import { module as systemd } from '../../src/modules/systemd.js';
import { planWith } from './helpers.js';

// Probe answers captured on a Debian 12 lab host (systemd-nspawn).
const CAPTURED = {
  sshRunning:
    'systemd=yes\nId=ssh.service\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nNeedDaemonReload=no\nIsEnabledCode=0\nIsEnabled=enabled\n',
  sshFileChanged:
    'systemd=yes\nId=ssh.service\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nNeedDaemonReload=yes\nIsEnabledCode=0\nIsEnabled=enabled\n',
  stoppedDisabled:
    'systemd=yes\nId=drovertest-svc.service\nLoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=disabled\nNeedDaemonReload=no\nIsEnabledCode=1\nIsEnabled=disabled\n',
  journaldStatic:
    'systemd=yes\nId=systemd-journald.service\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=static\nNeedDaemonReload=no\nIsEnabledCode=0\nIsEnabled=static\n',
  masked:
    'systemd=yes\nId=zzmask.service\nLoadState=masked\nActiveState=inactive\nSubState=dead\nUnitFileState=masked\nNeedDaemonReload=no\nIsEnabledCode=1\nIsEnabled=masked\n',
  missing:
    'systemd=yes\nId=drovertest-missing.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\nNeedDaemonReload=no\nIsEnabledCode=1\nIsEnabled=\n',
  noSystemd: 'systemd=no\n',
  programGone:
    'systemd=yes\nId=nginx.service\nLoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=enabled\nNeedDaemonReload=no\nIsEnabledCode=0\nIsEnabled=enabled\nMissingProgram=/usr/sbin/nginx\n',
};

const state = (key: keyof typeof CAPTURED, name = 'x'): UnitState => parseSystemdProbe(CAPTURED[key], name);
const brief = (changes: Array<{ summary: string; from?: string; to?: string }>) =>
  changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }));

describe('systemd probe parsing', () => {
  it('reads the unit properties systemctl prints', () => {
    expect(state('sshFileChanged')).toEqual({
      systemd: true,
      unit: {
        id: 'ssh.service',
        loadState: 'loaded',
        activeState: 'active',
        subState: 'running',
        unitFileState: 'enabled',
        isEnabled: 'enabled',
        isEnabledCode: 0,
        needDaemonReload: true,
      },
    });
    expect(state('noSystemd')).toEqual({ systemd: false });
    expect(parseSystemdProbe(CAPTURED.sshRunning, undefined)).toEqual({ systemd: true });
  });
});

describe('service plans', () => {
  it('starts and enables a stopped, disabled unit; nothing for a running, enabled one', () => {
    const plan = planWith(service, { name: 'app', state: 'started', enabled: true }, state('stoppedDisabled'));
    expect(brief(plan.changes)).toEqual([
      { summary: 'enable app at boot', from: 'disabled', to: 'enabled' },
      { summary: 'start app', from: 'stopped', to: 'started' },
    ]);
    expect(plan.changes.map((c) => c.kind === 'command' && c.command)).toEqual([
      'systemctl enable -- app',
      'systemctl start -- app',
    ]);
    expect(planWith(service, { name: 'ssh', state: 'started', enabled: 'yes' }, state('sshRunning')).changes).toEqual(
      [],
    );
  });

  it('stops and disables a running unit, with --no-block when asked', () => {
    const plan = planWith(
      service,
      { name: 'ssh', state: 'stopped', enabled: false, no_block: true },
      state('sshRunning'),
    );
    expect(plan.changes.map((c) => c.kind === 'command' && c.command)).toEqual([
      'systemctl disable -- ssh',
      'systemctl stop --no-block -- ssh',
    ]);
  });

  it('restarts or reloads on every run, and starts a stopped unit instead (as Ansible)', () => {
    expect(brief(planWith(service, { name: 'ssh', state: 'restarted' }, state('sshRunning')).changes)).toEqual([
      { summary: 'restart ssh', from: 'started', to: 'restarted' },
    ]);
    expect(brief(planWith(service, { name: 'ssh', state: 'reloaded' }, state('sshRunning')).changes)).toEqual([
      { summary: 'reload ssh', from: 'started', to: 'reloaded' },
    ]);
    expect(brief(planWith(service, { name: 'app', state: 'reloaded' }, state('stoppedDisabled')).changes)).toEqual([
      { summary: 'start app', from: 'stopped', to: 'started' },
    ]);
  });

  it('runs daemon-reload only when the unit file changed, or always without a name', () => {
    expect(
      planWith(service, { name: 'ssh', state: 'started', daemon_reload: true }, state('sshRunning')).changes,
    ).toEqual([]);
    expect(
      planWith(service, { name: 'ssh', state: 'started', daemon_reload: true }, state('sshFileChanged')).changes.map(
        (c) => c.summary,
      ),
    ).toEqual(['reload systemd unit files (ssh changed on disk)']);
    expect(
      planWith(service, { daemon_reload: true }, { systemd: true }).changes.map(
        (c) => c.kind === 'command' && c.command,
      ),
    ).toEqual(['systemctl daemon-reload']);
  });

  it('leaves enabled alone on static units', () => {
    expect(planWith(service, { name: 'systemd-journald', enabled: false }, state('journaldStatic')).changes).toEqual(
      [],
    );
    expect(planWith(service, { name: 'systemd-journald', enabled: true }, state('journaldStatic')).changes).toEqual([]);
  });

  it('unmasks before starting and masks after stopping', () => {
    expect(
      planWith(service, { name: 'zzmask', masked: false, state: 'started' }, state('masked')).changes.map(
        (c) => c.summary,
      ),
    ).toEqual(['unmask zzmask', 'start zzmask']);
    expect(
      planWith(service, { name: 'ssh', masked: true, state: 'stopped' }, state('sshRunning')).changes.map(
        (c) => c.summary,
      ),
    ).toEqual(['stop ssh', 'mask ssh']);
    expect(planWith(service, { name: 'zzmask', masked: true }, state('masked')).changes).toEqual([]);
  });

  it('needs a unit systemd does not know (an earlier package install may bring it), and fails without systemd', () => {
    const missing = planWith(service, { name: 'nginx', state: 'started' }, state('missing'));
    expect(missing.unmet).toEqual({
      missing:
        'could not find the requested service nginx on this host (systemd has no unit drovertest-missing.service)',
      fix: 'install the package that provides it, or write its unit file, in an earlier task',
      providedBy: [{ package: 'nginx' }, { path: '/etc/systemd/system/drovertest-missing.service' }],
    });
    expect(missing.changes.map((c) => c.summary)).toEqual(['start nginx']);
    // A unit whose program was removed with its package: starting it needs that package back first.
    const gone = planWith(service, { name: 'nginx', state: 'started' }, state('programGone'));
    expect(gone.unmet?.missing).toBe('the program of nginx.service (/usr/sbin/nginx) is not on this host');
    expect(gone.unmet?.providedBy).toEqual([{ package: '*' }, { path: '/usr/sbin/nginx' }]);
    expect(gone.changes.map((c) => c.summary)).toEqual(['start nginx']);
    expect(planWith(service, { name: 'nginx', state: 'started' }, state('noSystemd')).failed).toMatch(
      /systemd is not running on this host/,
    );
  });

  it('validates: a name unless only daemon_reload, something to do, no option-like names', () => {
    expect(() => parseArgs(service, { state: 'started' })).toThrow(/name is required/);
    expect(() => parseArgs(service, { name: 'nginx' })).toThrow(/nothing to do/);
    expect(() => parseArgs(service, { name: '--now', state: 'started' })).toThrow(/must be a unit name/);
    expect(() => parseArgs(service, { name: 'nginx', state: 'running' })).toThrow(
      /must be one of started, stopped, restarted, reloaded/,
    );
    expect(parseArgs(service, { unit: 'nginx', enabled: 'no' })).toMatchObject({ unit: 'nginx', enabled: false });
  });

  it('is also registered as systemd with the same behaviour', () => {
    expect(systemd.name).toBe('systemd');
    expect(brief(planWith(systemd, { name: 'app', state: 'started' }, state('stoppedDisabled')).changes)).toEqual([
      { summary: 'start app', from: 'stopped', to: 'started' },
    ]);
  });
});
