import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import type { RabbitState } from '../../src/modules/rabbitmq/rabbitmqctl.js';
import { module as rabbitmqVhost } from '../../src/modules/rabbitmq_vhost.js';
import type { CommandChange } from '../../src/modules/types.js';

function state(stdout: string): RabbitState {
  return rabbitmqVhost.parse!({ stdout, code: 0 }, parseArgs(rabbitmqVhost, { name: 'x' }));
}

const RUNNING = state(
  `status=ok\n${JSON.stringify({ users: [], permissions: [], vhosts: [{ name: '/' }, { name: 'localhost_my_project' }] })}\n`,
);

function plan(raw: unknown, current = RUNNING, check = false) {
  return rabbitmqVhost.plan(parseArgs(rabbitmqVhost, raw), current, { host: 'mq1' });
}

describe('rabbitmq_vhost', () => {
  it('adds a missing vhost, quoted as one argument after --, and leaves an existing one alone', () => {
    const change = plan({ name: 'shop "vhost" $(id)' }).changes[0] as CommandChange;
    expect([change.summary, change.from, change.to]).toEqual(['add vhost shop "vhost" $(id)', 'absent', 'present']);
    expect(change.command.split('\n').at(-1)).toBe(`rmq -q add_vhost -- 'shop "vhost" $(id)'`);
    expect(plan({ name: 'localhost_my_project' }).changes).toEqual([]);
  });

  it('deletes an existing vhost with state absent, and does nothing when it is gone', () => {
    const change = plan({ vhost: 'localhost_my_project', name: 'localhost_my_project', state: 'absent' })
      .changes[0] as CommandChange;
    expect([change.summary, change.command.split('\n').at(-1)]).toEqual([
      'delete vhost localhost_my_project',
      'rmq -q delete_vhost -- localhost_my_project',
    ]);
    expect(plan({ name: 'gone', state: 'absent' }).changes).toEqual([]);
  });

  it('runs rabbitmqctl on another node when asked', () => {
    expect((plan({ name: 'a', node: 'rabbit@mq2' }).changes[0] as CommandChange).command.split('\n').at(-1)).toBe(
      'rmq -q -n rabbit@mq2 add_vhost -- a',
    );
    expect(() => parseArgs(rabbitmqVhost, { name: 'a', node: 'rabbit@mq2; id' })).toThrow(/Erlang node name/);
  });

  it('needs rabbitmqctl: no changes guessed without it', () => {
    const missing = state('status=missing\n');
    expect(plan({ name: 'a' }, missing)).toEqual({
      changes: [],
      unmet: {
        missing: 'rabbitmqctl is not installed on this host',
        fix: 'install rabbitmq-server (apt) before this task',
        providedBy: [{ package: 'rabbitmq-server' }],
      },
    });
  });
});
