import { describe, expect, it } from 'vitest';
import { renderConf, module as supervisorProgram } from '../../src/modules/supervisor_program.js';
import { parseArgs } from '../helpers/run-module-task.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';
import { parseStatusProbe, type SupervisorStatus } from '../../src/modules/supervisor_program/status.js';
import { ABSENT, fileState, planWith } from './helpers.js';

const args = {
  name: 'web',
  command: '/opt/app/bin/serve --port=80%(process_num)d',
  numprocs: 2,
  environment: { DB_PASSWORD: `s3cr"et %x` },
  state: 'started',
};
const running: SupervisorStatus = {
  installed: true,
  daemonUp: true,
  loaded: true,
  processes: [
    { name: 'web:web_00', state: 'RUNNING' },
    { name: 'web:web_01', state: 'RUNNING' },
  ],
  output: '',
};
const conf = renderConf(parseArgs(supervisorProgram, args));
const onDisk = (text: string) => fileState({ mode: '0600', sha256: sha256Hex(text), content: Buffer.from(text) });

describe('supervisor_program', () => {
  it('renders one program section; % in environment values is doubled and quotes chosen to fit', () => {
    expect(conf).toContain(
      '[program:web]\ncommand=/opt/app/bin/serve --port=80%(process_num)d\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=2\n',
    );
    expect(conf).toContain(`environment=DB_PASSWORD='s3cr"et %%x'\n`);
  });

  it('writes and loads a missing program with mode 0600 when it has an environment', () => {
    const plan = planWith(supervisorProgram, args, {
      conf: ABSENT,
      status: { ...running, loaded: false, processes: [] },
    });
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'create /etc/supervisor/conf.d/web.conf',
      'load program web (supervisorctl update web)',
    ]);
    expect(plan.changes[0]).toMatchObject({ kind: 'put', mode: '0600' });
    expect(plan.changes[1]).toMatchObject({
      kind: 'command',
      command: `supervisorctl reread && supervisorctl update web`,
    });
  });

  it('is idempotent, and finds a hand edit with the secret masked in the diff', () => {
    expect(planWith(supervisorProgram, args, { conf: onDisk(conf), status: running }).changes).toEqual([]);
    const edited = conf.replace('numprocs=2', 'numprocs=3');
    const plan = planWith(supervisorProgram, args, { conf: onDisk(edited), status: running });
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'update content of /etc/supervisor/conf.d/web.conf',
      'apply the changed configuration of web (supervisorctl update web restarts it)',
    ]);
    expect(plan.changes[0].diff?.before).toContain('numprocs=3\n');
    expect(plan.changes[0].diff?.after).toContain('environment=DB_PASSWORD="********"');
    expect(JSON.stringify(plan.changes[0].diff)).not.toContain('s3cr');
  });

  it('marks a changed secret as changed without showing either value', () => {
    const old = renderConf(parseArgs(supervisorProgram, { ...args, environment: { DB_PASSWORD: 'old-one' } }));
    const diff = planWith(supervisorProgram, args, { conf: onDisk(old), status: running }).changes[0].diff!;
    expect(diff.before).toContain('environment=DB_PASSWORD="********"');
    expect(diff.after).toContain('environment=DB_PASSWORD="********(changed)"');
    expect(JSON.stringify(diff)).not.toMatch(/old-one|s3cr/);
  });

  it('starts a stopped process, stops running ones, restarts on every run', () => {
    const half = { ...running, processes: [running.processes[0], { name: 'web:web_01', state: 'STOPPED' }] };
    expect(planWith(supervisorProgram, args, { conf: onDisk(conf), status: half }).changes).toMatchObject([
      { command: `supervisorctl start 'web:*'`, from: 'web_00 RUNNING, web_01 STOPPED', to: 'RUNNING' },
    ]);
    expect(
      planWith(supervisorProgram, { ...args, state: 'stopped' }, { conf: onDisk(conf), status: running }).changes.map(
        (c) => c.summary,
      ),
    ).toEqual(['stop web']);
    expect(
      planWith(supervisorProgram, { ...args, state: 'restarted' }, { conf: onDisk(conf), status: running }).changes.map(
        (c) => c.summary,
      ),
    ).toEqual(['restart web']);
  });

  it('absent stops, removes and unloads; nothing when already gone', () => {
    expect(
      planWith(
        supervisorProgram,
        { name: 'web', state: 'absent' },
        { conf: onDisk(conf), status: running },
      ).changes.map((c) => c.summary),
    ).toEqual(['stop web', 'remove /etc/supervisor/conf.d/web.conf', 'unload program web (supervisorctl update web)']);
    expect(
      planWith(
        supervisorProgram,
        { name: 'web', state: 'absent' },
        { conf: ABSENT, status: { ...running, loaded: false, processes: [] } },
      ).changes,
    ).toEqual([]);
  });

  it('reads supervisorctl status answers', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    expect(parseStatusProbe(`installed=yes\ncode=4\nout64=${b64('web: ERROR (no such group)')}`)).toMatchObject({
      daemonUp: true,
      loaded: false,
    });
    expect(
      parseStatusProbe(`installed=yes\ncode=7\nout64=${b64('unix:///var/run/supervisor.sock no such file')}`),
    ).toMatchObject({ daemonUp: false, loaded: false });
    expect(
      parseStatusProbe(
        `installed=yes\ncode=0\nout64=${b64('web:web_00   RUNNING   pid 1, uptime 0:01:00\nweb:web_01   FATAL     Exited too quickly')}`,
      ).processes,
    ).toEqual([
      { name: 'web:web_00', state: 'RUNNING' },
      { name: 'web:web_01', state: 'FATAL' },
    ]);
  });

  it('rejects values supervisor would misread', () => {
    expect(() => parseArgs(supervisorProgram, { name: 'web', command: 'run ; rm -rf /' })).toThrow(
      /start of a comment/,
    );
    expect(() =>
      parseArgs(supervisorProgram, { name: 'web', command: 'x', environment: { A: `it's "both"` } }),
    ).toThrow(/cannot contain both/);
    expect(() => parseArgs(supervisorProgram, { name: 'a b', command: 'x' })).toThrow(/program name/);
    expect(() =>
      parseArgs(supervisorProgram, { name: 'web', command: 'x', numprocs: 2, process_name: 'same' }),
    ).toThrow(/process_num/);
  });
});
