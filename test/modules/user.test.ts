import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { parseUserProbe, type UserState } from '../../src/modules/accounts/passwd-probe.js';
import { module as user } from '../../src/modules/user.js';
import { apply, planWith } from './helpers.js';

const HASH = '$6$drovertestsalt$4QATfAnIHctbOxoRna4gMqgo5pEUkbVwoLYKs3dQNtcaxpCNBmruT7hyY9UhA88UT8S1tXTbnvb2.9BnNtT391';
const OTHER_HASH =
  '$6$othersalt$eMcU/nJ8pRnR7JyhmYydf4xIZpFEZN9gbUjJ67B9PG9TZgoBq5B5mUj.2afJl1okAmT9zZv82ieToiVvvaEr50';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

// The probe's answer for root, captured on this Debian 12 machine, and one for a user in two extra groups in the same format.
const PROBED_ROOT =
  'passwd=root:x:0:0:root:/root:/bin/bash\nprimary=root:x:0:\nshadow=present\nlocked=no\npasswordsha256=684888c0ebb17f374298b65ee2807526c066094c701bcc7ebbe1c1095f494fc1\n';
const PROBED_WWW = `passwd=www:x:1001:1001:Web app,,,:/srv/www:/bin/bash\nprimary=www:x:1001:\nmember=adm\nmember=www-data\nshadow=present\nlocked=yes\npasswordsha256=${sha(HASH)}\n`;

function www(overrides: Partial<UserState> = {}): UserState {
  return { ...parseUserProbe(PROBED_WWW), ...overrides };
}

describe('user probe parsing', () => {
  it('reads passwd, primary group, memberships and the shadow digest', () => {
    expect(parseUserProbe(PROBED_ROOT)).toEqual({
      user: { name: 'root', uid: 0, gid: 0, comment: 'root', home: '/root', shell: '/bin/bash' },
      primaryGroup: { name: 'root', gid: 0, members: [] },
      memberOf: [],
      shadow: 'present',
      locked: false,
      passwordSha256: '684888c0ebb17f374298b65ee2807526c066094c701bcc7ebbe1c1095f494fc1',
    });
    const state = parseUserProbe(PROBED_WWW);
    expect(state.user?.comment).toBe('Web app,,,');
    expect(state.memberOf).toEqual(['adm', 'www-data']);
    expect(state.locked).toBe(true);
  });

  it('reads an absent user as no entry', () => {
    expect(parseUserProbe('').user).toBeUndefined();
  });
});

describe('user plans', () => {
  it('creates a user with every given attribute in one useradd, then the password through stdin', () => {
    const plan = planWith(
      user,
      {
        name: 'www',
        uid: '1001',
        groups: 'adm, www-data',
        shell: '/bin/bash',
        home: '/srv/www',
        comment: "O'Brien $HOME",
        password: HASH,
        system: 'yes',
      },
      { memberOf: [], shadow: 'none', locked: false },
    );
    expect(plan.changes.map((c) => c.summary)).toEqual(['create user www', 'set the password of www']);
    const [create, password] = plan.changes;
    expect(create.kind === 'command' && create.command).toBe(
      `useradd -u 1001 -G adm,www-data -d /srv/www -m -s /bin/bash -r -c 'O'\\''Brien $HOME' -- www`,
    );
    expect(password).toMatchObject({ kind: 'command', command: 'chpasswd -e', stdin: `www:${HASH}\n` });
    expect(JSON.stringify(plan.changes.map((c) => (c.kind === 'command' ? c.command : '')))).not.toContain(
      'drovertestsalt',
    );
  });

  it('reports nothing for a user that already matches (lock prefix ignored when comparing the hash)', () => {
    expect(
      planWith(
        user,
        {
          name: 'www',
          uid: 1001,
          groups: ['www-data', 'adm'],
          shell: '/bin/bash',
          comment: 'Web app,,,',
          password: HASH,
          password_lock: true,
        },
        www(),
      ).changes,
    ).toEqual([]);
  });

  it('changes only the differing attributes, each with from and to', () => {
    const plan = planWith(user, { name: 'www', uid: 1002, shell: '/bin/sh', home: '/srv/www', move_home: true }, www());
    expect(
      plan.changes.map((c) => ({
        summary: c.summary,
        from: c.from,
        to: c.to,
        command: c.kind === 'command' ? c.command : '',
      })),
    ).toEqual([
      { summary: 'set uid of user www to 1002', from: '1001', to: '1002', command: 'usermod -u 1002 -- www' },
      {
        summary: 'set shell of user www to /bin/sh',
        from: '/bin/bash',
        to: '/bin/sh',
        command: 'usermod -s /bin/sh -- www',
      },
    ]);
  });

  it('sets the exact supplementary groups without append, and only adds missing ones with append', () => {
    const exact = planWith(user, { name: 'www', groups: ['sudo'] }, www());
    expect(exact.changes).toMatchObject([{ command: 'usermod -G sudo -- www', from: 'adm,www-data', to: 'sudo' }]);
    const cleared = planWith(user, { name: 'www', groups: '' }, www());
    expect(cleared.changes).toMatchObject([{ command: "usermod -G '' -- www", to: '(none)' }]);
    const appended = planWith(user, { name: 'www', groups: ['adm', 'sudo'], append: true }, www());
    expect(appended.changes).toMatchObject([
      { command: 'usermod -a -G sudo -- www', summary: 'add www to group sudo' },
    ]);
    expect(planWith(user, { name: 'www', groups: ['adm'], append: true }, www()).changes).toEqual([]);
  });

  it('compares the primary group by name or by gid', () => {
    expect(planWith(user, { name: 'www', group: 'www' }, www()).changes).toEqual([]);
    expect(planWith(user, { name: 'www', group: 1001 }, www()).changes).toEqual([]);
    expect(planWith(user, { name: 'www', group: 'users' }, www()).changes).toMatchObject([
      { command: 'usermod -g users -- www', from: 'www', to: 'users' },
    ]);
  });

  it('sets a different hash unless update_password is on_create, and unlocks', () => {
    const plan = planWith(user, { name: 'www', password: OTHER_HASH, password_lock: false }, www());
    expect(plan.changes.map((c) => c.summary)).toEqual(['set the password of www', 'unlock the password of www']);
    expect(planWith(user, { name: 'www', password: OTHER_HASH, update_password: 'on_create' }, www()).changes).toEqual(
      [],
    );
  });

  it('fails clearly when the password must be compared but /etc/shadow is unreadable', () => {
    const plan = planWith(
      user,
      { name: 'www', password: OTHER_HASH },
      www({ shadow: 'unreadable', passwordSha256: undefined }),
    );
    expect(plan.failed).toMatch(/cannot read \/etc\/shadow .*become: true/);
  });

  it('deletes an existing user (with its home when remove) and leaves an absent one alone', () => {
    expect(planWith(user, { name: 'www', state: 'absent', remove: true }, www()).changes).toMatchObject([
      { command: 'userdel -r -- www', from: 'present', to: 'absent' },
    ]);
    expect(
      planWith(user, { name: 'www', state: 'absent' }, { memberOf: [], shadow: 'none', locked: false }).changes,
    ).toEqual([]);
  });

  it('rejects names and values that could break an account file or read as an option', () => {
    expect(() => parseArgs(user, { name: '-o' })).toThrow(/must be a user name/);
    expect(() => parseArgs(user, { name: 'a b' })).toThrow(/must be a user name/);
    expect(() => parseArgs(user, { name: 'x', comment: 'a:b' })).toThrow(/without ':'/);
    expect(() => parseArgs(user, { name: 'x', password: 'a\nroot::0:0' })).toThrow(/line breaks/);
  });
});

describe('user on this machine', () => {
  const name = `drovertest${process.pid}u`;
  const extra = `drovertest${process.pid}g`;
  const getent = (db: string, key: string) => spawnSync('getent', [db, key], { encoding: 'utf8' }).stdout.trim();

  afterAll(() => {
    spawnSync('userdel', ['-r', name], { stdio: 'ignore' });
    spawnSync('groupdel', [extra], { stdio: 'ignore' });
  });

  it('creates, converges, reports a manual change in check mode only, and deletes', async () => {
    execFileSync('groupadd', [extra]);
    const args = {
      name,
      shell: '/bin/bash',
      comment: "Test 'user' $HOME",
      groups: [extra],
      password: HASH,
      home: `/home/${name}`,
    };
    const first = await apply(user, args);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([`create user ${name}`, `set the password of ${name}`]);
    expect(getent('passwd', name)).toMatch(
      new RegExp(`^${name}:x:\\d+:\\d+:Test 'user' \\$HOME:/home/${name}:/bin/bash$`),
    );
    expect(getent('group', extra)).toMatch(new RegExp(`:${name}$`));
    expect(getent('shadow', name).split(':')[1]).toBe(HASH);
    expect(spawnSync('test', ['-d', `/home/${name}`]).status).toBe(0);

    expect((await apply(user, args)).plan.changes).toEqual([]);

    execFileSync('usermod', ['-s', '/bin/sh', name]);
    const checked = await apply(user, args, { check: true });
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: `set shell of user ${name} to /bin/bash`, from: '/bin/sh', to: '/bin/bash' },
    ]);
    expect(getent('passwd', name)).toMatch(/:\/bin\/sh$/);

    execFileSync('chpasswd', ['-e'], { input: `${name}:${OTHER_HASH}\n` });
    const repaired = await apply(user, args);
    expect(repaired.plan.changes.map((c) => c.summary)).toEqual([
      `set shell of user ${name} to /bin/bash`,
      `set the password of ${name}`,
    ]);
    expect(getent('shadow', name).split(':')[1]).toBe(HASH);
    expect((await apply(user, args)).plan.changes).toEqual([]);

    const locked = await apply(user, { ...args, password_lock: true });
    expect(locked.plan.changes.map((c) => c.summary)).toEqual([`lock the password of ${name}`]);
    expect(getent('shadow', name).split(':')[1]).toBe(`!${HASH}`);
    expect((await apply(user, { ...args, password_lock: true })).plan.changes).toEqual([]);

    const removed = await apply(user, { name, state: 'absent', remove: true });
    expect(removed.plan.changes).toHaveLength(1);
    expect(getent('passwd', name)).toBe('');
    expect(spawnSync('test', ['-e', `/home/${name}`]).status).not.toBe(0);
    expect((await apply(user, { name, state: 'absent' })).plan.changes).toEqual([]);
  });
});
