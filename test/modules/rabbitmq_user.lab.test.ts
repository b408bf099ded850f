/** rabbitmq_vhost and rabbitmq_user against RabbitMQ (bookworm: 3.10) on a lab host (one install for both modules). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/index.js';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import { module as rabbitmqUser } from '../../src/modules/rabbitmq_user.js';
import { module as rabbitmqVhost } from '../../src/modules/rabbitmq_vhost.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { quote } from '../../src/remote/quote.js';
import { ensureTestLab, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { applyOn, connectToLabHost } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

const HOST = 'mod-mq';
let lab: LabStatus;
let conn: Connection;

const run = (module: ModuleDefinition, args: Record<string, unknown>, check = false) =>
  applyOn(conn, module, args, { check });

/** The real rabbitmqctl, not Debian's /usr/sbin wrapper (which re-parses its arguments through a shell). */
const RABBITMQCTL = 'cd /var/lib/rabbitmq && runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmqctl -q';

function ctl(command: string, input?: string): Promise<string> {
  return runOnLabHostOk(lab, HOST, `${RABBITMQCTL} ${command}`, { input });
}

/** rabbitmqctl authenticate_user with the password on stdin: exit 0 when the broker accepts it. */
async function authenticates(user: string, password: string): Promise<boolean> {
  return (
    (await runOnLabHost(lab, HOST, `${RABBITMQCTL} authenticate_user -- ${quote(user)}`, { input: password })).code ===
    0
  );
}

async function permissionsOf(user: string): Promise<unknown> {
  return JSON.parse(await ctl(`list_user_permissions --formatter json -- ${quote(user)}`));
}

async function vhosts(): Promise<string[]> {
  return (JSON.parse(await ctl('list_vhosts --formatter json')) as Array<{ name: string }>).map((v) => v.name).sort();
}

beforeAll(async () => {
  lab = await ensureTestLab([HOST]);
  await runOnLabHostOk(
    lab,
    HOST,
    'command -v rabbitmqctl >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server; } >/dev/null 2>&1',
    { timeoutMs: 300_000 },
  );
  await runOnLabHostOk(lab, HOST, 'systemctl start rabbitmq-server && cd / && rabbitmqctl -q await_startup', {
    timeoutMs: 120_000,
  });
  conn = await connectToLabHost(lab, HOST);
}, 400_000);

afterAll(async () => {
  await conn?.close();
  await labDown([HOST]);
});

const VHOST = 'localhost_my_project';
// Debian's rabbitmqctl wrapper would run this $(...) as the rabbitmq user.
const ODD_VHOST = 'shop "vhost" $(touch /tmp/pwned)';
const PASSWORD = `s3cret $x "q'`;
const USER = {
  name: 'sphere_user',
  password: PASSWORD,
  tags: 'administrator, monitoring',
  permissions: [{ vhost: VHOST }, { vhost: ODD_VHOST, configure_priv: '^$', write_priv: '', read_priv: '^amq' }],
};

describe('rabbitmq_vhost and rabbitmq_user on a lab host', () => {
  it('adds the vhosts, then reports 0 changes; nothing in a name runs', async () => {
    await recordFixture(conn, rabbitmqVhost, { name: ODD_VHOST }, 'vhost-absent', {
      description: 'a broker with only the / vhost: add the vhost (a name with quotes and $, kept literal)',
    });
    for (const name of [VHOST, ODD_VHOST]) {
      expect((await run(rabbitmqVhost, { name })).plan.changes.map((c) => c.summary)).toEqual([`add vhost ${name}`]);
      expect((await run(rabbitmqVhost, { name })).plan.changes).toEqual([]);
    }
    expect(await vhosts()).toEqual(['/', VHOST, ODD_VHOST].sort());
    expect((await runOnLabHost(lab, HOST, 'test -e /tmp/pwned')).code).toBe(1);
    await recordFixture(conn, rabbitmqVhost, { name: VHOST }, 'converged', {
      description: 'the vhost is in the exported definitions: nothing to do',
    });
  });

  it('reports a vhost deleted by hand in check mode only, then adds it back', async () => {
    await ctl(`delete_vhost -- ${quote(VHOST)}`);
    await recordFixture(conn, rabbitmqVhost, { name: VHOST }, 'deleted-by-hand', {
      description: 'the vhost deleted by hand: add_vhost',
    });
    const checked = await run(rabbitmqVhost, { name: VHOST }, true);
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: `add vhost ${VHOST}`, from: 'absent', to: 'present' },
    ]);
    expect((await run(rabbitmqVhost, { name: ODD_VHOST }, true)).plan.changes).toEqual([]);
    expect(await vhosts()).toEqual(['/', ODD_VHOST].sort());

    expect((await run(rabbitmqVhost, { name: VHOST })).plan.changes.map((c) => c.summary)).toEqual([
      `add vhost ${VHOST}`,
    ]);
    expect(await vhosts()).toEqual(['/', VHOST, ODD_VHOST].sort());
    expect((await run(rabbitmqVhost, { name: VHOST })).plan.changes).toEqual([]);
  });

  it('adds a user that authenticates with its password, with its tags and exact permissions, and converges', async () => {
    await recordFixture(conn, rabbitmqUser, USER, 'user-absent', {
      description:
        'no user sphere_user: one rabbitmqctl call adds it with the password on stdin, its tags and permissions',
    });
    const first = await run(rabbitmqUser, USER);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      `add user sphere_user with a password (tags administrator, monitoring; permissions ".*" ".*" ".*" on ${VHOST}; permissions "^$" "" "^amq" on ${ODD_VHOST})`,
    ]);
    for (const { command } of first.sent) expect(command).not.toContain('s3cret');
    expect(await authenticates('sphere_user', PASSWORD)).toBe(true);
    expect(await authenticates('sphere_user', 'wrong password')).toBe(false);
    expect(await permissionsOf('sphere_user')).toEqual(
      expect.arrayContaining([
        { vhost: VHOST, configure: '.*', write: '.*', read: '.*' },
        { vhost: ODD_VHOST, configure: '^$', write: '', read: '^amq' },
      ]),
    );
    const users = JSON.parse(await ctl('list_users --formatter json')) as Array<{ user: string; tags: string[] }>;
    expect(users.find((u) => u.user === 'sphere_user')?.tags.sort()).toEqual(['administrator', 'monitoring']);

    expect((await run(rabbitmqUser, USER)).plan.changes).toEqual([]);
    await recordFixture(conn, rabbitmqUser, USER, 'converged', {
      description:
        'the user has the password (checked against its sha256 hash), the tags and exactly these permissions: nothing to do',
    });
  });

  it('reports a password and permissions changed by hand in check mode only, masked, then repairs them', async () => {
    await ctl('change_password -- sphere_user', 'changed by hand\n');
    await ctl(`set_permissions --vhost=${VHOST} -- sphere_user "^$" ".*" ".*"`);
    await ctl('set_permissions --vhost=/ -- sphere_user ".*" ".*" ".*"');
    await recordFixture(conn, rabbitmqUser, USER, 'password-and-permissions-changed', {
      description:
        'password and permissions changed by hand, permissions added on /: three changes, the password masked',
    });
    const checked = await run(rabbitmqUser, USER, true);
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: 'change password of user sphere_user', from: '********', to: '********' },
      {
        summary: `set permissions of user sphere_user on vhost ${VHOST}: "^$" ".*" ".*" → ".*" ".*" ".*"`,
        from: '"^$" ".*" ".*"',
        to: '".*" ".*" ".*"',
      },
      {
        summary: 'clear permissions of user sphere_user on vhost / (not listed)',
        from: '".*" ".*" ".*"',
        to: '(none)',
      },
    ]);
    expect(await authenticates('sphere_user', 'changed by hand')).toBe(true);

    await run(rabbitmqUser, USER);
    expect(await authenticates('sphere_user', PASSWORD)).toBe(true);
    expect(await authenticates('sphere_user', 'changed by hand')).toBe(false);
    expect((await permissionsOf('sphere_user')) as unknown[]).toHaveLength(2);
    expect((await run(rabbitmqUser, USER)).plan.changes).toEqual([]);
  });

  it('leaves a differing password alone with update_password: on_create, and changes tags', async () => {
    const result = await run(
      rabbitmqUser,
      { name: 'sphere_user', password: 'another one', update_password: 'on_create', tags: [] },
      true,
    );
    expect(result.plan.changes.map((c) => c.summary)).toEqual([
      'set tags of user sphere_user: administrator, monitoring → (none)',
    ]);
  });

  it('handles a user name and password with quotes, spaces and $ without injection', async () => {
    const name = 'we"ird $name';
    const password = `pa'ss "$HOME" $(touch /tmp/pwned) ä`;
    const args = { name, password, permissions: [{ vhost: ODD_VHOST }] };
    expect((await run(rabbitmqUser, args)).plan.changes.map((c) => c.summary)).toEqual([
      `add user ${name} with a password (permissions ".*" ".*" ".*" on ${ODD_VHOST})`,
    ]);
    expect(await authenticates(name, password)).toBe(true);
    expect(await permissionsOf(name)).toEqual([{ vhost: ODD_VHOST, configure: '.*', write: '.*', read: '.*' }]);
    expect((await run(rabbitmqUser, args)).plan.changes).toEqual([]);
    expect((await runOnLabHost(lab, HOST, 'test -e /tmp/pwned')).code).toBe(1);
  });

  it('deletes users and vhosts with state absent', async () => {
    await recordFixture(conn, rabbitmqUser, { name: 'sphere_user', state: 'absent' }, 'absent', {
      description: 'a user to delete (state absent): one delete_user',
    });
    for (const name of ['sphere_user', 'we"ird $name']) {
      expect((await run(rabbitmqUser, { name, state: 'absent' })).plan.changes.map((c) => c.summary)).toEqual([
        `delete user ${name}`,
      ]);
      expect((await run(rabbitmqUser, { name, state: 'absent' })).plan.changes).toEqual([]);
    }
    for (const name of [VHOST, ODD_VHOST]) {
      expect((await run(rabbitmqVhost, { name, state: 'absent' })).plan.changes.map((c) => c.summary)).toEqual([
        `delete vhost ${name}`,
      ]);
      expect((await run(rabbitmqVhost, { name, state: 'absent' })).plan.changes).toEqual([]);
    }
    expect(await vhosts()).toEqual(['/']);
    const users = JSON.parse(await ctl('list_users --formatter json')) as Array<{ user: string }>;
    expect(users.map((u) => u.user)).not.toContain('sphere_user');
  });
});
