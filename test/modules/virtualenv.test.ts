import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import type { CommandChange } from '../../src/modules/types.js';
import { module as virtualenv } from '../../src/modules/virtualenv.js';

const VENV = '/opt/shop/env';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const DIR = 'type=directory\nftype=directory\nmode=755\nowner=www\nuid=1001\ngroup=www\ngid=1001\nrowner=0\nrgroup=0\n';
const CFG = `venv=1\ncfg64=${b64('home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n')}\n`;
const PYTHON = 'python_version=3.11\npython_venv=1\n';

function plan(raw: Record<string, unknown>, stdout: string, check = false) {
  const args = parseArgs(virtualenv, { path: VENV, ...raw });
  return virtualenv.plan(args, virtualenv.parse!({ stdout, code: 0 }, args), { host: 'web1' });
}

describe('virtualenv: plan from probed state', () => {
  it('creates a missing venv as its owner, then installs every package as the owner', () => {
    const { changes } = plan({ owner: 'www', packages: ['flask==2.2.2'] }, `type=absent\nftype=absent\n${PYTHON}`);
    expect(changes.map((c) => c.summary)).toEqual([
      `create directory ${VENV} owned by www`,
      `create virtualenv ${VENV} with python3 (3.11)`,
      `pip install into ${VENV}: flask==2.2.2`,
    ]);
    const [mkdir, create, install] = changes as CommandChange[];
    expect(mkdir.user).toBeUndefined();
    expect(create).toMatchObject({ command: `python3 -m venv ${VENV}`, user: 'www', cwd: '/' });
    expect(install.user).toBe('www');
    expect(install.command).toMatch(
      /^\/opt\/shop\/env\/bin\/python -m pip install --disable-pip-version-check --no-input flask==2.2.2 && /,
    );
  });

  it('installs only what the checker found unsatisfied, showing what is there now', () => {
    const out = `${DIR}${CFG}venv_python=1\n${PYTHON}checker=1\npkg0=ok ${b64('2.2.2')}\npkg1=differs ${b64('2.31.0')}\npkg2=missing \n`;
    const [change] = plan(
      {
        owner: 'www',
        packages: ['flask==2.2.2', 'requests>=2.32', 'gunicorn'],
        extra_args: '--no-index --find-links "/opt/my wheels"',
      },
      out,
    ).changes as CommandChange[];
    expect(change.summary).toBe(`pip install into ${VENV}: requests>=2.32 (2.31.0), gunicorn`);
    expect(change.from).toBe('requests>=2.32: 2.31.0, gunicorn: absent');
    expect(change.command).toContain(
      "install --disable-pip-version-check --no-input --no-index --find-links '/opt/my wheels' 'requests>=2.32' gunicorn && ",
    );
    expect(change.diff).toEqual({
      path: `${VENV} (installed packages)`,
      before: 'requests>=2.32: 2.31.0\ngunicorn: absent\n',
      after: 'requests>=2.32: installed\ngunicorn: installed\n',
    });
  });

  it('changes nothing when the venv and every package are right', () => {
    const out = `${DIR}${CFG}venv_python=1\n${PYTHON}checker=1\npkg0=ok ${b64('2.2.2')}\nreq=ok\n`;
    expect(plan({ owner: 'www', packages: ['flask==2.2.2'], requirements: '/opt/shop/req.txt' }, out).changes).toEqual(
      [],
    );
  });

  it('recreates a venv whose interpreter is gone, or that was made with another Python', () => {
    const broken = plan({ packages: ['flask'] }, `${DIR}${CFG}${PYTHON}`);
    expect(broken.changes.map((c) => c.summary)).toEqual([
      `recreate virtualenv ${VENV} with python3 (3.11): its interpreter is gone`,
      `pip install into ${VENV}: flask`,
    ]);
    expect((broken.changes[0] as CommandChange).command).toBe(`python3 -m venv --clear ${VENV}`);
    const other = plan(
      { python: 'python3.12' },
      `${DIR}${CFG}venv_python=1\npython_version=3.12\npython_venv=1\nchecker=1\n`,
    );
    expect(other.changes[0]).toMatchObject({
      summary: `recreate virtualenv ${VENV} with python3.12 (3.12): it was made with Python 3.11`,
      from: 'python 3.11',
      to: 'python 3.12',
    });
  });

  it('hands the venv to its owner when files inside belong to someone else', () => {
    const out = `${DIR.replace('rowner=0', 'rowner=1')}${CFG}venv_python=1\n${PYTHON}checker=1\n`;
    expect(plan({ owner: 'www', group: 'www' }, out).changes[0]).toMatchObject({
      summary: `give ${VENV} and everything in it to www:www`,
      command: `chown -R www:www -- ${VENV}`,
    });
  });

  it('rewrites pyvenv.cfg for system_site_packages without recreating; uses a virtualenv command when given', () => {
    const out = `${DIR}${CFG}venv_python=1\n${PYTHON}checker=1\n`;
    expect(plan({ system_site_packages: true }, out).changes[0]).toMatchObject({
      summary: `give system site packages to ${VENV}`,
      command: `python3 -m venv --system-site-packages ${VENV}`,
    });
    const created = plan(
      { virtualenv_command: 'virtualenv --no-download' },
      `type=absent\nftype=absent\n${PYTHON}venvcmd=1\n`,
    );
    expect((created.changes[0] as CommandChange).command).toBe(`virtualenv --no-download -p python3 ${VENV}`);
  });

  it('says what to install when python3-venv or the interpreter is missing', () => {
    expect(plan({}, 'type=absent\nftype=absent\npython_version=3.11\n').unmet).toEqual({
      missing: 'python3 cannot create virtualenvs (no venv/ensurepip module)',
      fix: 'install python3-venv with apt',
      providedBy: [{ package: 'python3-venv' }],
    });
    const noPython = plan({}, 'type=absent\nftype=absent\n');
    expect(noPython.unmet?.missing).toBe('python3 is not installed on the host');
    expect(noPython.changes[0].summary).toBe(`create virtualenv ${VENV} with python3`);
  });

  it('reports an unmet requirements file line, and needs a missing requirements file', () => {
    const out = `${DIR}${CFG}venv_python=1\n${PYTHON}checker=1\nreq=differs\nreq_unmet=${b64('flask==2.2.2 (found 2.2.1)')}\n`;
    expect(plan({ requirements: '/opt/r.txt' }, out).changes[0].summary).toBe(
      `pip install into ${VENV}: -r /opt/r.txt (flask==2.2.2 (found 2.2.1))`,
    );
    expect(
      plan({ requirements: '/opt/r.txt' }, `${DIR}${CFG}venv_python=1\n${PYTHON}checker=1\nreq=nosource\n`).unmet,
    ).toEqual({
      missing: 'requirements file /opt/r.txt does not exist on the host',
      fix: 'put it there first (copy or template)',
      providedBy: [{ path: '/opt/r.txt' }],
    });
  });

  it('removes only a directory that is a venv', () => {
    expect(plan({ state: 'absent' }, `${DIR}${CFG}`).changes[0]).toMatchObject({
      command: `rm -rf -- ${VENV}`,
      summary: `remove virtualenv ${VENV}`,
    });
    expect(plan({ state: 'absent' }, DIR).failed).toMatch(/not a virtualenv/);
    expect(plan({ state: 'absent' }, 'type=absent\nftype=absent\n').changes).toEqual([]);
  });

  it('rejects relative local paths, options in packages and an unclosed quote in extra_args', () => {
    expect(() => parseArgs(virtualenv, { path: VENV, packages: ['./app'] })).toThrow(/absolute path/);
    expect(() => parseArgs(virtualenv, { path: VENV, packages: ['--pre'] })).toThrow(/extra_args/);
    expect(() => parseArgs(virtualenv, { path: VENV, extra_args: '--find-links "/x' })).toThrow(/extra_args/);
  });
});
