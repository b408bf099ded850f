import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/index.js';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import { module as apt } from '../../src/modules/apt.js';
import type { ReportedChange } from '../../src/engine/events.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { module as vassal } from '../../src/modules/uwsgi_emperor_vassal.js';
import { quote } from '../../src/remote/quote.js';
import { ensureTestLab, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { applyOn, connectToLabHost } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

// Its own host: the virtualenv tests take mod-venv down when they finish, possibly while these run.
const HOST = 'mod-uwsgi';
const NAME = "hello app's $x";
const APP_DIR = "/srv/hello app's $x";
const FILE = `/etc/uwsgi-emperor/vassals/${NAME}.ini`;
const SECRET = `pa$$ 'w"rd`;
let lab: LabStatus;
let conn: Connection;

const run = (module: ModuleDefinition, args: Record<string, unknown>, check = false) =>
  applyOn(conn, module, args, { check });

/** What a person sees of changes: summary, from/to and diff (the put's content is written, never shown). */
const shown = (changes: ReportedChange[]) => JSON.stringify(changes);
const onHost = (command: string) => runOnLabHostOk(lab, HOST, command, { timeoutMs: 120_000 });

/** GET / on the vassal's port from the host itself, retried while the emperor (re)starts it. */
async function fetchPage(expected: (body: string | undefined) => boolean): Promise<string | undefined> {
  let body: string | undefined;
  for (let i = 0; i < 60; i++) {
    const result = await runOnLabHost(
      lab,
      HOST,
      `python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9090/', timeout=2).read().decode())"`,
    );
    body = result.code === 0 ? result.stdout.trim() : undefined;
    if (expected(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return body;
}

function args(secret = SECRET, processes = 1) {
  return {
    name: NAME,
    options: {
      plugins: 'python3',
      'http-socket': ':9090',
      chdir: APP_DIR,
      module: 'app:application',
      master: true,
      processes,
      uid: 'www-data',
      gid: 'www-data',
      vacuum: true,
      env: ['GREETING=hi there', 'TZ=UTC'],
    },
    secret_env: { SHOP_DB_PASSWORD: secret },
  };
}

beforeAll(async () => {
  lab = await ensureTestLab([HOST]);
  conn = await connectToLabHost(lab, HOST);
  await recordFixture(conn, vassal, args(), 'emperor-not-installed', {
    description:
      'uwsgi-emperor not installed (no vassals directory, unit not-found): the file and an enable --now are planned, the directory an unmet prerequisite',
  });
  await run(apt, { name: ['uwsgi-emperor', 'uwsgi-plugin-python3'], update_cache: true, cache_valid_time: 3600 });
  const app = [
    'import os',
    'def application(environ, start_response):',
    "    start_response('200 OK', [('Content-Type', 'text/plain')])",
    "    return [('%s %s' % (os.environ['GREETING'], os.environ['SHOP_DB_PASSWORD'])).encode()]",
    '',
  ].join('\n');
  await onHost(
    `rm -f /etc/uwsgi-emperor/vassals/*.ini; mkdir -p ${quote(APP_DIR)} && printf '%s' ${quote(app)} > ${quote(`${APP_DIR}/app.py`)}`,
  );
});

afterAll(async () => {
  await conn?.close();
  await labDown([HOST]);
});

describe('uwsgi_emperor_vassal on a lab host', () => {
  it('deploys a vassal that answers HTTP with its env and secret, converges, and hides the secret in diffs', async () => {
    await recordFixture(conn, vassal, args(), 'new-vassal-with-secret', {
      description:
        'no vassal file yet, the emperor enabled and running: create the file (root:www-data 0640, secret masked in the diff)',
    });
    const first = await run(vassal, args());
    const put = first.plan.changes.find((c) => c.summary.startsWith('create vassal'))!;
    expect(put.summary).toBe(`create vassal ${NAME} (${FILE})`);
    expect(shown(first.plan.changes)).not.toContain('rd');
    expect(put.diff?.after).toContain('env = SHOP_DB_PASSWORD=********');
    expect(put.diff?.after).toContain('env = GREETING=hi there\nenv = TZ=UTC\n');
    expect(await fetchPage((b) => b !== undefined)).toBe(`hi there ${SECRET}`);
    expect((await onHost(`stat -c '%a %G' ${quote(FILE)}`)).trim()).toBe('640 www-data');

    expect((await run(vassal, args())).plan.changes).toEqual([]);
    await recordFixture(conn, vassal, args(), 'converged', {
      description: 'the vassal file is as wanted and the emperor runs: nothing to do',
    });
  });

  it('reports a hand edit in check mode with a masked diff and no write, then repairs it', async () => {
    await expect(run(vassal, args('x $(HOME)'))).rejects.toThrow(/uWSGI would expand/);
    await onHost(`sed -i 's/^processes = 1$/processes = 3/' ${quote(FILE)}`);
    const before = await onHost(`sha256sum ${quote(FILE)}`);
    await recordFixture(conn, vassal, args(), 'hand-edited', {
      description: 'the vassal file edited by hand (processes = 3): the put, from/to in words, secret masked',
    });
    const checked = await run(vassal, args(), true);
    expect(checked.plan.changes).toHaveLength(1);
    expect(checked.plan.changes[0]).toMatchObject({
      summary: `update vassal ${NAME} (${FILE})`,
      from: 'other content',
      to: 'wanted content',
    });
    const diff = checked.plan.changes[0].diff!;
    expect(diff.before).toContain('processes = 3');
    expect(diff.after).toContain('processes = 1');
    expect(`${diff.before}${diff.after}`).not.toContain('rd');
    expect(await onHost(`sha256sum ${quote(FILE)}`)).toBe(before);

    await run(vassal, args());
    expect((await onHost(`grep -c '^processes = 1$' ${quote(FILE)}`)).trim()).toBe('1');
    expect((await run(vassal, args())).plan.changes).toEqual([]);
  });

  it('reloads the vassal when a secret changes, without showing either value', async () => {
    await recordFixture(conn, vassal, args('n3w $ecret'), 'secret-changed', {
      description: 'only a secret_env value differs: the summary says so and the masked diff shows no difference',
    });
    const changed = await run(vassal, args('n3w $ecret'));
    expect(changed.plan.changes.map((c) => c.summary)).toEqual([
      `update vassal ${NAME} (${FILE}) (a secret_env value changed)`,
    ]);
    expect(shown(changed.plan.changes)).not.toMatch(/n3w|rd/);
    expect(await fetchPage((b) => b === 'hi there n3w $ecret')).toBe('hi there n3w $ecret');
  });

  it('starts a stopped emperor', async () => {
    await onHost('systemctl stop uwsgi-emperor');
    await recordFixture(conn, vassal, args('n3w $ecret'), 'emperor-stopped', {
      description: 'the vassal file is as wanted but the emperor is inactive: a start',
    });
    const checked = await run(vassal, args('n3w $ecret'), true);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: 'start uwsgi-emperor', from: 'inactive', to: 'active' },
    ]);
    await run(vassal, args('n3w $ecret'));
    expect((await onHost('systemctl is-active uwsgi-emperor')).trim()).toBe('active');
    expect(await fetchPage((b) => b !== undefined)).toBe('hi there n3w $ecret');
  });

  it('removes the vassal with state absent and the emperor stops it', async () => {
    await recordFixture(conn, vassal, { name: NAME, state: 'absent' }, 'absent', {
      description: 'a vassal file to remove (state absent): rm the file; the emperor stops the vassal',
    });
    expect((await run(vassal, { name: NAME, state: 'absent' })).plan.changes.map((c) => c.summary)).toEqual([
      `remove vassal ${NAME} (${FILE})`,
    ]);
    expect((await runOnLabHost(lab, HOST, `test -e ${quote(FILE)}`)).code).toBe(1);
    expect(await fetchPage((b) => b === undefined)).toBeUndefined();
    expect((await run(vassal, { name: NAME, state: 'absent' })).plan.changes).toEqual([]);
  });

  it('writes into a custom vassals_dir that the emperor watches, and refuses one that does not exist', async () => {
    const dir = '/srv/uwsgi-vassals';
    const file = `${dir}/${NAME}.ini`;
    await onHost(
      `mkdir -p ${dir} && sed -i 's|^emperor = .*|emperor = ${dir}|' /etc/uwsgi-emperor/emperor.ini && grep -qx 'emperor = ${dir}' /etc/uwsgi-emperor/emperor.ini && systemctl restart uwsgi-emperor`,
    );
    const custom = { ...args(), vassals_dir: dir };
    const first = await run(vassal, custom);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([`create vassal ${NAME} (${file})`]);
    expect((await onHost(`stat -c '%a %G' ${quote(file)}`)).trim()).toBe('640 www-data');
    expect((await runOnLabHost(lab, HOST, `test -e ${quote(FILE)}`)).code).toBe(1);
    expect(await fetchPage((b) => b !== undefined)).toBe(`hi there ${SECRET}`);
    expect((await run(vassal, custom)).plan.changes).toEqual([]);
    // The vassal of the default directory is another file.
    expect((await run(vassal, args(), true)).plan.changes.map((c) => c.summary)).toEqual([
      `create vassal ${NAME} (${FILE})`,
    ]);

    await recordFixture(conn, vassal, { ...custom, vassals_dir: '/srv/no such dir' }, 'vassals-dir-missing', {
      description:
        'vassals_dir does not exist on the host (the file and its parent are absent): the file is planned, the directory an unmet prerequisite',
    });
    await expect(run(vassal, { ...custom, vassals_dir: '/srv/no such dir' })).rejects.toThrow(
      /\/srv\/no such dir does not exist; install uwsgi-emperor \(apt\) first, or set vassals_dir/,
    );

    expect(
      (await run(vassal, { name: NAME, vassals_dir: dir, state: 'absent' })).plan.changes.map((c) => c.summary),
    ).toEqual([`remove vassal ${NAME} (${file})`]);
    expect((await runOnLabHost(lab, HOST, `test -e ${quote(file)}`)).code).toBe(1);
    expect(await fetchPage((b) => b === undefined)).toBeUndefined();
  });
});
