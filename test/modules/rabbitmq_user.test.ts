import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import type { RabbitState } from '../../src/modules/rabbitmq/rabbitmqctl.js';
import { module as rabbitmqUser } from '../../src/modules/rabbitmq_user.js';
import type { CommandChange } from '../../src/modules/types.js';
import { conn } from './helpers.js';

// Hashes RabbitMQ 3.10 stored (export_definitions) for these passwords.
const HASH_N3W = '5MGlU0iTuxN7tTJ5P/GxGpJqMneVrpnBTppFq//dhF6Sq0a9';
const HASH_ODD = 'uM5ZQowF1HgiIGkUdI/qkMrqkz2uDQwGmRolwFWPK95QvyTO'; // pässwörd $x'"

const DEFINITIONS = {
  rabbit_version: '3.10.8',
  users: [
    {
      name: 'sphere_user',
      password_hash: HASH_N3W,
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: ['administrator'],
      limits: {},
    },
    { name: 'odd', password_hash: HASH_ODD, hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [], limits: {} },
  ],
  vhosts: [{ name: '/' }, { name: 'localhost_my_project' }],
  permissions: [
    { user: 'sphere_user', vhost: 'localhost_my_project', configure: '.*', write: '.*', read: '.*' },
    { user: 'sphere_user', vhost: '/', configure: '^$', write: '', read: '.*' },
  ],
};

function state(definitions: unknown = DEFINITIONS): RabbitState {
  return rabbitmqUser.parse!(
    { stdout: `status=ok\n${JSON.stringify(definitions)}\n`, code: 0 },
    parseArgs(rabbitmqUser, { name: 'x' }),
  );
}

function plan(raw: unknown, current = state(), check = false) {
  return rabbitmqUser.plan(parseArgs(rabbitmqUser, raw), current, { host: 'mq1' });
}

const summaries = (raw: unknown, current = state()) => plan(raw, current).changes.map((c) => [c.summary, c.from, c.to]);

describe('rabbitmq_user: plans', () => {
  it('adds a user in one command: password on stdin only, then tags and permissions', () => {
    const { changes } = plan({
      name: 'shop',
      password: 's3cret',
      tags: 'management,monitoring',
      permissions: [{ vhost: 'localhost_my_project' }],
    });
    expect(changes).toHaveLength(1);
    const change = changes[0] as CommandChange;
    expect(change.summary).toBe(
      'add user shop with a password (tags management, monitoring; permissions ".*" ".*" ".*" on localhost_my_project)',
    );
    expect(change.stdin).toBe('s3cret\n');
    expect(change.command).not.toContain('s3cret');
    expect(change.command.split('\n').at(-1)).toBe(
      "rmq -q add_user -- shop && rmq -q set_user_tags -- shop management monitoring && rmq -q set_permissions --vhost=localhost_my_project -- shop '.*' '.*' '.*'",
    );
  });

  it('reports nothing when the stored hash matches and tags and permissions are as asked', () => {
    const args = {
      name: 'sphere_user',
      password: 'n3w',
      tags: ['administrator'],
      permissions: [
        { vhost: 'localhost_my_project' },
        { vhost: '/', configure_priv: '^$', write_priv: '', read_priv: '.*' },
      ],
    };
    expect(plan(args).changes).toEqual([]);
    expect(plan({ name: 'odd', password: `pässwörd $x'"` }).changes).toEqual([]);
  });

  it('changes a different password with both sides masked, unless update_password is on_create', () => {
    expect(summaries({ name: 'sphere_user', password: 'other' })).toEqual([
      ['change password of user sphere_user', '********', '********'],
    ]);
    const change = plan({ name: 'sphere_user', password: 'other' }).changes[0] as CommandChange;
    expect([change.command.split('\n').at(-1), change.stdin]).toEqual([
      'rmq -q change_password -- sphere_user',
      'other\n',
    ]);
    expect(plan({ name: 'sphere_user', password: 'other', update_password: 'on_create' }).changes).toEqual([]);
  });

  it('sets tags as a set, and [] removes them', () => {
    expect(plan({ name: 'sphere_user', tags: 'administrator' }).changes).toEqual([]);
    expect(summaries({ name: 'sphere_user', tags: ['monitoring', 'administrator'] })).toEqual([
      [
        'set tags of user sphere_user: administrator → administrator, monitoring',
        'administrator',
        'administrator, monitoring',
      ],
    ]);
    expect(summaries({ name: 'sphere_user', tags: [] })).toEqual([
      ['set tags of user sphere_user: administrator → (none)', 'administrator', '(none)'],
    ]);
  });

  it('sets differing permissions and clears those on vhosts not listed', () => {
    const { changes } = plan({
      name: 'sphere_user',
      permissions: [{ vhost: 'localhost_my_project', write_priv: '^shop' }],
    });
    expect(changes.map((c) => [c.summary, c.from, c.to, (c as CommandChange).command.split('\n').at(-1)])).toEqual([
      [
        'set permissions of user sphere_user on vhost localhost_my_project: ".*" ".*" ".*" → ".*" "^shop" ".*"',
        '".*" ".*" ".*"',
        '".*" "^shop" ".*"',
        "rmq -q set_permissions --vhost=localhost_my_project -- sphere_user '.*' '^shop' '.*'",
      ],
      [
        'clear permissions of user sphere_user on vhost / (not listed)',
        '"^$" "" ".*"',
        '(none)',
        'rmq -q clear_permissions --vhost=/ -- sphere_user',
      ],
    ]);
    expect(plan({ name: 'sphere_user', tags: ['administrator'] }).changes).toEqual([]);
  });

  it('quotes names with quotes, spaces, $ and a leading dash as single arguments after --', () => {
    const change = plan({ name: '-we"ird $name', permissions: [{ vhost: "it's $HOME" }] }).changes[0] as CommandChange;
    expect(change.command.split('\n').at(-1)).toBe(
      `rmq -q add_user -- '-we"ird $name' '' && rmq -q set_permissions '--vhost=it'\\''s $HOME' -- '-we"ird $name' '.*' '.*' '.*'`,
    );
    expect(change.stdin).toBeUndefined();
  });

  it('deletes an existing user with state absent, and does nothing when it is gone', () => {
    expect(summaries({ name: 'sphere_user', state: 'absent' })).toEqual([
      ['delete user sphere_user', 'present', 'absent'],
    ]);
    expect(plan({ name: 'nobody', state: 'absent' }).changes).toEqual([]);
  });

  it('cannot tell what the broker holds while it is down: no changes, and the need is said', () => {
    const down = rabbitmqUser.parse!(
      { stdout: "status=down\nerror=Error: unable to perform an operation on node 'rabbit@mq1'\n", code: 0 },
      parseArgs(rabbitmqUser, { name: 'x' }),
    );
    const planned = plan({ name: 'shop', password: 'pw1' }, down);
    expect(planned.changes).toEqual([]);
    expect(planned.unmet?.missing).toBe(
      "cannot reach RabbitMQ (Error: unable to perform an operation on node 'rabbit@mq1')",
    );
    expect(planned.unmet?.providedBy).toContainEqual({ service: 'rabbitmq-server' });
  });
});

describe('rabbitmq_user: arguments', () => {
  it('rejects passwords rabbitmqctl would trim or cut, and a vhost listed twice', () => {
    expect(() => parseArgs(rabbitmqUser, { name: 'a', password: ' padded' })).toThrow(/rabbitmqctl trims/);
    expect(() => parseArgs(rabbitmqUser, { name: 'a', password: 'two\nlines' })).toThrow(/line breaks/);
    expect(() => parseArgs(rabbitmqUser, { name: 'a', permissions: [{ vhost: '/' }, { vhost: '/' }] })).toThrow(
      /vhost \/ is listed twice/,
    );
    expect(() => parseArgs(rabbitmqUser, { name: 'a', user: 'b' })).toThrow(/name and user are the same parameter/);
  });

  it("takes the name from Ansible's user or username, and requires one", () => {
    expect(parseArgs(rabbitmqUser, { user: 'shop' }).name).toBe('shop');
    expect(parseArgs(rabbitmqUser, { username: 'shop' }).name).toBe('shop');
    expect(() => parseArgs(rabbitmqUser, { password: 'pw1' })).toThrow(
      /name is required: the user to manage \(or user, username\)/,
    );
  });
});

describe('rabbitmq_user: the probe in a real shell', () => {
  it('reports rabbitmqctl missing without failing', async () => {
    const args = parseArgs(rabbitmqUser, { name: 'x' });
    const result = await conn.exec(`PATH=/nonexistent; ${rabbitmqUser.probe!(args)}`);
    expect(result.code).toBe(0);
    expect(rabbitmqUser.parse!({ stdout: result.stdout, code: 0 }, args).status).toBe('missing');
  });
});
