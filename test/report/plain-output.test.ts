import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { HostStats, TaskResult } from '../../src/engine/events.js';
import { createPlainOutput, describeResult, renderRecap } from '../../src/report/plain-output.js';

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });
const options = { style: plain, check: true, verbosity: 0, diff: false };

const COMMAND = 'command/shell without creates/removes: what it does is known only when it runs';
const unknownCommand: TaskResult = {
  task: 'touch a marker',
  module: 'command',
  status: 'unknown',
  changes: [],
  unknown: { reason: COMMAND },
};
const unknownReader: TaskResult = {
  task: 'start the app',
  module: 'service',
  status: 'unknown',
  changes: [],
  unknown: { reason: "reads 'build', which only a real run of 'build the app' produces", dependsOn: 'build the app' },
};

describe('plain output of an unknown task', () => {
  it('is an unknown line with the reason and the task it depends on', () => {
    expect(describeResult('web1', unknownReader, options)).toEqual([
      "unknown: [web1] => reads 'build', which only a real run of 'build the app' produces (depends on 'build the app')",
    ]);
    expect(describeResult('web1', unknownCommand, options)).toEqual([`unknown: [web1] => ${COMMAND}`]);
  });

  it('has a colour of its own, not that of skipped, ok, changed or failed', () => {
    const [line] = describeResult('web1', unknownCommand, { ...options, style: coloured });
    expect(line).toBe(coloured.blue(`unknown: [web1] => ${COMMAND}`));
    const others = [
      coloured.green('x'),
      coloured.yellow('x'),
      coloured.cyan('x'),
      coloured.red('x'),
      coloured.magenta('x'),
      coloured.gray('x'),
    ].map((text) => text.slice(0, text.indexOf('x')));
    expect(others).not.toContain(line.slice(0, line.indexOf('u')));
  });

  it('shows unknown loop items with their reason, without -v', () => {
    const result: TaskResult = {
      task: 'install packages',
      module: 'apt',
      status: 'changed',
      changes: [{ summary: 'install nginx' }],
      items: [
        { label: 'nginx', status: 'changed', changes: [{ summary: 'install nginx' }] },
        { label: 'curl', status: 'ok', changes: [] },
        {
          label: 'pgbouncer',
          status: 'unknown',
          changes: [],
          unknown: {
            reason: "reads 'repo', which only a real run of 'add the repo' produces",
            dependsOn: 'add the repo',
          },
        },
      ],
    };
    expect(describeResult('db1', result, options)).toEqual([
      'changed: [db1] (check mode: would change)',
      '  changed: [db1] (item=nginx)',
      "  unknown: [db1] (item=pgbouncer) => reads 'repo', which only a real run of 'add the repo' produces (depends on 'add the repo')",
      '  - install nginx',
    ]);
  });

  it('no longer says unverifiable, and a skipped task is still skipping', () => {
    const lines = [
      ...describeResult('web1', unknownCommand, { ...options, verbosity: 2 }),
      ...describeResult(
        'web1',
        { task: 't', module: 'copy', status: 'skipped', changes: [], skipReason: 'when' },
        options,
      ),
    ];
    expect(lines.join('\n')).not.toMatch(/unverifiable/);
    expect(lines.at(-1)).toBe('skipping: [web1]');
  });

  it('goes through the plain event listener as one line per host', () => {
    let written = '';
    const events = createPlainOutput({ ...options, write: (text) => (written += text) });
    events.taskStart?.({ name: 'start the app', module: 'service', handler: false, hosts: ['web1'] });
    events.hostResult?.('web1', unknownReader);
    expect(written.split('\n').filter(Boolean).at(-1)).toBe(
      "unknown: [web1] => reads 'build', which only a real run of 'build the app' produces (depends on 'build the app')",
    );
  });
});

describe('PLAY RECAP', () => {
  const stats = (extra: Partial<HostStats>): HostStats => ({
    ok: 0,
    changed: 0,
    unreachable: 0,
    failed: 0,
    skipped: 0,
    unknown: 0,
    rescued: 0,
    ignored: 0,
    ...extra,
  });

  it('counts unknown after skipped, keeping every other field and its spacing', () => {
    const recap = renderRecap(
      [
        { host: 'web1', stats: stats({ ok: 3, changed: 1, skipped: 1, unknown: 2 }) },
        { host: 'db', stats: stats({ ok: 1, ignored: 1 }) },
      ],
      plain,
    );
    expect(recap.split('\n').slice(1, -1)).toEqual([
      'PLAY RECAP *******************************************************************',
      'web1 : ok=3  changed=1  unreachable=0  failed=0  skipped=1  unknown=2  rescued=0  ignored=0',
      'db   : ok=1  changed=0  unreachable=0  failed=0  skipped=0  unknown=0  rescued=0  ignored=1',
    ]);
  });

  it('does not colour a host red or yellow for unknown tasks alone', () => {
    const recap = renderRecap([{ host: 'web1', stats: stats({ ok: 1, unknown: 1 }) }], coloured);
    expect(recap).toContain(`${coloured.green('web1')} : ok=1`);
  });
});
