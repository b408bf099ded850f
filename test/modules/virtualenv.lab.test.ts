import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/index.js';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import { module as apt } from '../../src/modules/apt.js';
import { module as virtualenv } from '../../src/modules/virtualenv.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { quote } from '../../src/remote/quote.js';
import { ensureTestLab, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { applyOn, connectToLabHost } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

const HOST = 'mod-venv';
const APP = fileURLToPath(new URL('../../app', import.meta.url));
// A path with a space, a quote and a $: it must reach the host literally.
const VENV = "/opt/shop's $HOME/env";
const WHEELS = '/opt/wheels';
const OFFLINE = `--no-index --no-build-isolation --find-links ${WHEELS}`;
let lab: LabStatus;
let conn: Connection;

const run = (module: ModuleDefinition, args: Record<string, unknown>, check = false) =>
  applyOn(conn, module, args, { check });

const onHost = (command: string) => runOnLabHostOk(lab, HOST, command, { timeoutMs: 180_000 });
const venvPython = (code: string) => onHost(`${quote(`${VENV}/bin/python`)} -c ${quote(code)}`);

beforeAll(async () => {
  lab = await ensureTestLab([HOST]);
  conn = await connectToLabHost(lab, HOST);
  const venv = { path: VENV, owner: 'www-data', packages: ['shop==1.0.0'] };
  await recordFixture(conn, virtualenv, venv, 'no-venv-module', {
    description:
      'python3 without the venv and ensurepip modules (python3-venv not installed): the venv is planned, with python3-venv as an unmet prerequisite',
  });
  await run(apt, {
    name: ['python3-venv', 'python3-setuptools', 'python3-wheel', 'python3-pip'],
    update_cache: true,
    cache_valid_time: 3600,
  });
  // The example app as its user's checkout, and a wheel of it for --find-links (no package index anywhere).
  const tar = execFileSync('tar', ['-C', APP, '-cf', '-', 'shop']);
  await runOnLabHostOk(
    lab,
    HOST,
    `rm -rf /opt/src ${WHEELS} /opt/shop* && mkdir -p /opt/src ${WHEELS} && tar -C /opt/src -xf - && chown -R www-data /opt/src/shop && mkdir -p ${quote(VENV.replace(/\/env$/, ''))}`,
    { input: tar as unknown as string, timeoutMs: 60_000 },
  );
  await onHost(
    `cd /tmp && pip3 wheel --no-index --no-build-isolation --no-deps -w ${WHEELS} /opt/src/shop >/dev/null && rm -rf /opt/src/shop/build /opt/src/shop/*.egg-info && chown -R www-data /opt/src/shop`,
  );
});

afterAll(async () => {
  await conn?.close();
  await labDown([HOST]);
});

describe('virtualenv on a lab host', () => {
  it('creates the venv as its owner and installs a pinned package from a local wheel directory; converges; a manual uninstall shows in check mode only', async () => {
    const args = { path: VENV, owner: 'www-data', packages: ['shop==1.0.0'], extra_args: OFFLINE };
    await recordFixture(conn, virtualenv, args, 'not-created', {
      description:
        'no venv directory yet, python3 3.11 with venv on the host: create the directory for its owner, the venv, then pip install',
    });
    const first = await run(virtualenv, args);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      `create directory ${VENV} owned by www-data`,
      `create virtualenv ${VENV} with python3 (3.11)`,
      `pip install into ${VENV}: shop==1.0.0`,
    ]);
    expect(await venvPython('import shop, importlib.metadata as m; print(m.version("shop"))')).toBe('1.0.0\n');
    expect(
      (
        await onHost(
          `stat -c %U ${quote(VENV)} ${quote(`${VENV}/bin/python`)} ${quote(`${VENV}/.drover-virtualenv.json`)}`,
        )
      )
        .split('\n')
        .filter(Boolean),
    ).toEqual(['www-data', 'www-data', 'www-data']);

    expect((await run(virtualenv, args)).plan.changes).toEqual([]);
    await recordFixture(conn, virtualenv, args, 'converged', {
      description: 'the venv exists, owned by www-data, with shop 1.0.0 installed: nothing to do',
    });

    await onHost(`${quote(`${VENV}/bin/python`)} -m pip uninstall -y -q shop`);
    await recordFixture(conn, virtualenv, args, 'package-uninstalled', {
      description: 'shop uninstalled by hand (the checker reports it missing): a pip install',
    });
    const checked = await run(virtualenv, args, true);
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes).toHaveLength(1);
    expect(checked.plan.changes[0]).toMatchObject({
      summary: `pip install into ${VENV}: shop==1.0.0`,
      from: 'shop==1.0.0: absent',
      to: 'shop==1.0.0',
    });
    expect(checked.plan.changes[0].diff).toMatchObject({
      before: 'shop==1.0.0: absent\n',
      after: 'shop==1.0.0: installed\n',
    });
    expect((await runOnLabHost(lab, HOST, `${quote(`${VENV}/bin/python`)} -c 'import shop'`)).code).not.toBe(0);

    expect((await run(virtualenv, args)).plan.changes).toHaveLength(1);
    expect((await run(virtualenv, args)).plan.changes).toEqual([]);
  });

  it('installs a local project directory with system site packages, and reinstalls it when its files change', async () => {
    const args = {
      path: VENV,
      owner: 'www-data',
      packages: ['/opt/src/shop'],
      system_site_packages: true,
      extra_args: OFFLINE,
    };
    const first = await run(virtualenv, args);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      `give system site packages to ${VENV}`,
      `pip install into ${VENV}: /opt/src/shop`,
    ]);
    // wheel comes from Debian's python3-wheel, never installed in the venv itself.
    expect(await venvPython('import wheel; print("ok")')).toBe('ok\n');
    expect((await run(virtualenv, args)).plan.changes).toEqual([]);

    await onHost("echo '# changed' >> /opt/src/shop/shop/api.py");
    await recordFixture(conn, virtualenv, args, 'local-project-changed', {
      description:
        'a local project directory whose files changed since the last install (checksum differs from the marker): reinstall it',
    });
    const checked = await run(virtualenv, args, true);
    expect(checked.plan.changes.map((c) => c.summary)).toEqual([
      `pip install into ${VENV}: /opt/src/shop (changed since the last install)`,
    ]);
    await run(virtualenv, args);
    expect((await run(virtualenv, args)).plan.changes).toEqual([]);
  });

  it('follows a requirements file: a new line installs, an unchanged file does not', async () => {
    const req = "/opt/shop's $HOME/requirements.txt";
    await onHost(`printf '%s\\n' '# the app' ${quote(`--find-links ${WHEELS}`)} shop > ${quote(req)}`);
    const args = {
      path: VENV,
      owner: 'www-data',
      requirements: req,
      system_site_packages: true,
      extra_args: '--no-index',
    };
    expect((await run(virtualenv, args)).plan.changes.map((c) => c.summary)).toEqual([
      `pip install into ${VENV}: -r ${req} (not installed yet)`,
    ]);
    expect((await run(virtualenv, args)).plan.changes).toEqual([]);
    await onHost(`sed -i 's/^shop$/shop==1.0.0/' ${quote(req)}`);
    await recordFixture(conn, virtualenv, args, 'requirements-changed', {
      description: 'a requirements file with an option line, changed since the last install: pip install -r',
    });
    const checked = await run(virtualenv, args, true);
    expect(checked.plan.changes[0].summary).toBe(
      `pip install into ${VENV}: -r ${req} (file changed since the last install)`,
    );
    await run(virtualenv, args);
    expect((await run(virtualenv, args)).plan.changes).toEqual([]);
  });

  it('recreates a venv whose interpreter is gone, then removes it with state absent', async () => {
    const args = {
      path: VENV,
      owner: 'www-data',
      packages: ['shop==1.0.0'],
      system_site_packages: true,
      extra_args: OFFLINE,
    };
    await run(virtualenv, args);
    // What a Python upgrade leaves behind: the venv's interpreter link points at a removed version.
    await onHost(`runuser -u www-data -- ln -sfn /usr/bin/python3.9 ${quote(`${VENV}/bin/python`)}`);
    await recordFixture(conn, virtualenv, args, 'interpreter-gone', {
      description:
        "the venv's bin/python points at a removed interpreter (venv_python missing, no checker output): recreate and refill it",
    });
    const repaired = await run(virtualenv, args);
    expect(repaired.plan.changes.map((c) => c.summary)).toEqual([
      `recreate virtualenv ${VENV} with python3 (3.11): its interpreter is gone`,
      `pip install into ${VENV}: shop==1.0.0`,
    ]);
    expect(await venvPython('import shop; print("ok")')).toBe('ok\n');
    expect((await run(virtualenv, args)).plan.changes).toEqual([]);

    await recordFixture(conn, virtualenv, { path: VENV, state: 'absent' }, 'absent', {
      description: 'a venv to remove (state absent): rm -rf of its directory',
    });
    expect((await run(virtualenv, { path: VENV, state: 'absent' })).plan.changes[0].summary).toBe(
      `remove virtualenv ${VENV}`,
    );
    expect((await runOnLabHost(lab, HOST, `test -e ${quote(VENV)}`)).code).toBe(1);
    expect((await run(virtualenv, { path: VENV, state: 'absent' })).plan.changes).toEqual([]);
    await recordFixture(conn, virtualenv, { path: '/opt/src', state: 'absent' }, 'not-a-venv-absent', {
      description: 'state absent on a directory without pyvenv.cfg: refused, the task fails',
    });
    await expect(run(virtualenv, { path: '/opt/src', state: 'absent' })).rejects.toThrow(/not a virtualenv/);
  });
});
