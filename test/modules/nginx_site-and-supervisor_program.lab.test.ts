import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/index.js';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import { module as nginxSite } from '../../src/modules/nginx_site.js';
import { module as supervisorProgram } from '../../src/modules/supervisor_program.js';
import { ensureTestLab, labAddress, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { applyOn, connectToLabHost, labTaskScope, runOn } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

// nginx_site and supervisor_program share this host (one file, so no two files boot or stop it at once).
const HOST = 'mod-web';
let lab: LabStatus;
let conn: Connection;
let templates: string;

type HttpAnswer = { status: number; body: string } | 'refused';

async function fetchOnce(port: number): Promise<HttpAnswer> {
  try {
    const response = await fetch(`http://${labAddress(lab, HOST)}:${port}/`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return 'refused';
  }
}

/** `systemctl reload nginx` returns once the signal is sent: give the new workers up to 5 s to show `expected`. */
async function httpGet(port: number, expected: HttpAnswer): Promise<HttpAnswer> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const answer = await fetchOnce(port);
    if (JSON.stringify(answer) === JSON.stringify(expected) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const STATIC_SITE = 'server {\n  listen 8080;\n  root /srv/static;\n}\n';

beforeAll(async () => {
  lab = await ensureTestLab([HOST]);
  conn = await connectToLabHost(lab, HOST);
  const site = { name: 'static', content: STATIC_SITE };
  await recordFixture(conn, nginxSite, site, 'nginx-not-installed', {
    description:
      'nginx not installed (no nginx command, no /etc/nginx): the site is planned, with nginx as an unmet prerequisite',
  });
  const worker = { name: 'worker', command: '/usr/bin/sleep 1000', state: 'started' };
  await recordFixture(conn, supervisorProgram, worker, 'supervisor-not-installed', {
    description:
      'supervisor not installed (no supervisorctl, no conf.d): the program is planned, with supervisor as an unmet prerequisite',
  });
  await runOnLabHostOk(
    lab,
    HOST,
    'export DEBIAN_FRONTEND=noninteractive; (apt-get update -q && apt-get install -y -q nginx-light supervisor) >/dev/null 2>&1 || (apt-get update && apt-get install -y nginx-light supervisor)',
    { timeoutMs: 400_000 },
  );
  await runOnLabHostOk(
    lab,
    HOST,
    'rm -f /etc/nginx/sites-enabled/static /etc/nginx/sites-available/static; ln -sf /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default; mkdir -p /srv/static && echo "static page" > /srv/static/index.html && systemctl restart nginx',
  );
  templates = mkdtempSync(join(tmpdir(), 'drover-nginx-'));
  mkdirSync(join(templates, 'templates'));
  writeFileSync(
    join(templates, 'templates', 'proxy.conf.mustache'),
    'server {\n  listen {{ port }};\n  location / { proxy_pass http://127.0.0.1:{{ upstream_port }}; }\n}\n',
  );
}, 600_000);

afterAll(async () => {
  await conn?.close();
  rmSync(templates, { recursive: true, force: true });
  await labDown([HOST]);
});

describe('nginx_site on a lab host', () => {
  it('serves a static site, converges, reports a hand edit in check mode only, and repairs it', async () => {
    const args = { name: 'static', content: STATIC_SITE, remove_default: true };
    await recordFixture(conn, nginxSite, args, 'new-site-default-enabled', {
      description:
        "Debian's default site enabled, the site's file and link absent: remove the default, create and enable the site in one checked step, reload",
    });
    const first = await applyOn(conn, nginxSite, args);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      'disable the default site (remove /etc/nginx/sites-enabled/default)',
      'create /etc/nginx/sites-available/static and enable it (/etc/nginx/sites-enabled/static)',
      'reload nginx',
    ]);
    expect(await httpGet(8080, { status: 200, body: 'static page\n' })).toEqual({ status: 200, body: 'static page\n' });
    expect((await runOnLabHost(lab, HOST, 'test -e /etc/nginx/sites-enabled/default')).code).toBe(1);
    expect((await runOnLabHostOk(lab, HOST, 'readlink /etc/nginx/sites-enabled/static')).trim()).toBe(
      '/etc/nginx/sites-available/static',
    );

    expect((await applyOn(conn, nginxSite, args)).plan.changes).toEqual([]);
    await recordFixture(conn, nginxSite, args, 'converged', {
      description:
        'the site file has the wanted content, its link points at it, the default site is gone: nothing to do',
    });

    await runOnLabHostOk(lab, HOST, "sed -i 's/listen 8080/listen 8090/' /etc/nginx/sites-available/static");
    const edited = await runOnLabHostOk(lab, HOST, 'sha256sum /etc/nginx/sites-available/static');
    await recordFixture(conn, nginxSite, args, 'hand-edited', {
      description: 'the site file edited by hand (listen 8090): the put with a diff, then a reload',
    });
    const checked = await runOn(conn, nginxSite, args, { check: true });
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => c.summary)).toEqual([
      'update content of /etc/nginx/sites-available/static',
      'reload nginx',
    ]);
    expect(checked.plan.changes[0].diff).toEqual({
      path: '/etc/nginx/sites-available/static',
      before: STATIC_SITE.replace('8080', '8090'),
      after: STATIC_SITE,
    });
    expect(await runOnLabHostOk(lab, HOST, 'sha256sum /etc/nginx/sites-available/static')).toBe(edited);

    await applyOn(conn, nginxSite, args);
    expect(await runOnLabHostOk(lab, HOST, 'cat /etc/nginx/sites-available/static')).toBe(STATIC_SITE);
  });

  it('proxies to the static site from a template rendered on the controller', async () => {
    const prepare = labTaskScope(templates, { port: 8081, upstream_port: 8080 });
    await recordFixture(conn, nginxSite, { name: 'proxy', template: 'proxy.conf.mustache' }, 'new-site-from-template', {
      description:
        'a site from a template rendered on the controller, not on the host yet: create and enable it, reload',
      localDir: templates,
      vars: { port: 8081, upstream_port: 8080 },
    });
    const first = await applyOn(
      conn,
      nginxSite,
      { name: 'proxy', template: 'proxy.conf.mustache' },
      { scope: prepare },
    );
    expect(first.plan.changes.at(-1)?.summary).toBe('reload nginx');
    expect(await httpGet(8081, { status: 200, body: 'static page\n' })).toEqual({ status: 200, body: 'static page\n' });
    expect(
      (await applyOn(conn, nginxSite, { name: 'proxy', template: 'proxy.conf.mustache' }, { scope: prepare })).plan
        .changes,
    ).toEqual([]);
  });

  it('refuses an invalid site: the previous file is back, nginx is not reloaded and still serves', async () => {
    const before = await runOnLabHostOk(lab, HOST, 'cat /etc/nginx/sites-available/static');
    const broken = await runOn(conn, nginxSite, {
      name: 'static',
      content: 'server {\n  listen 8080;\n  no_such_directive on;\n}\n',
    });
    expect(broken.failedChange?.result.stderr).toMatch(/unknown directive "no_such_directive"/);
    expect(broken.executed.map((e) => e.summary)).toEqual(['update content of /etc/nginx/sites-available/static']);
    expect(await runOnLabHostOk(lab, HOST, 'cat /etc/nginx/sites-available/static')).toBe(before);
    expect(await httpGet(8080, { status: 200, body: 'static page\n' })).toEqual({ status: 200, body: 'static page\n' });
    await runOnLabHostOk(lab, HOST, 'nginx -t 2>&1');

    // A broken NEW site leaves neither file nor link behind.
    const fresh = await runOn(conn, nginxSite, { name: 'fresh', content: 'server { listen 8083; bogus; }\n' });
    expect(fresh.failedChange).toBeDefined();
    expect(
      (await runOnLabHost(lab, HOST, 'ls -A /etc/nginx/sites-enabled /etc/nginx/sites-available')).stdout,
    ).not.toMatch(/fresh|drover/);
    await runOnLabHostOk(lab, HOST, 'nginx -t 2>&1 && systemctl reload nginx');
    expect(await httpGet(8081, { status: 200, body: 'static page\n' })).toEqual({ status: 200, body: 'static page\n' });
  });

  it('takes a site down with enabled: false, keeping its file, and brings it back', async () => {
    const args = { name: 'static', content: STATIC_SITE, enabled: false };
    await recordFixture(conn, nginxSite, args, 'to-be-disabled', {
      description: 'an enabled site that should be disabled (enabled: false): remove its link, keep the file, reload',
    });
    const disabled = await applyOn(conn, nginxSite, args);
    expect(disabled.plan.changes.map((c) => c.summary)).toEqual([
      'disable site static (remove /etc/nginx/sites-enabled/static)',
      'reload nginx',
    ]);
    expect(await httpGet(8080, 'refused')).toBe('refused');
    expect(
      (
        await runOnLabHost(
          lab,
          HOST,
          'test -e /etc/nginx/sites-enabled/static || test -L /etc/nginx/sites-enabled/static',
        )
      ).code,
    ).toBe(1);
    expect(await runOnLabHostOk(lab, HOST, 'cat /etc/nginx/sites-available/static')).toBe(STATIC_SITE);
    expect((await applyOn(conn, nginxSite, args)).plan.changes).toEqual([]);

    const enabled = await applyOn(conn, nginxSite, { ...args, enabled: true });
    expect(enabled.plan.changes.map((c) => c.summary)).toEqual([
      'enable site static (link /etc/nginx/sites-enabled/static to /etc/nginx/sites-available/static), checked with nginx -t',
      'reload nginx',
    ]);
    expect(await httpGet(8080, { status: 200, body: 'static page\n' })).toEqual({ status: 200, body: 'static page\n' });
  });

  it('takes a name with quotes, spaces and $ literally, and removes a site with state absent', async () => {
    const name = `it's "$HOME" site`;
    await applyOn(conn, nginxSite, { name, content: 'server { listen 8082; return 200 "quoted\\n"; }\n' });
    expect(await httpGet(8082, { status: 200, body: 'quoted\n' })).toEqual({ status: 200, body: 'quoted\n' });
    expect(await runOnLabHostOk(lab, HOST, 'ls /etc/nginx/sites-enabled/')).toContain(name);

    await recordFixture(conn, nginxSite, { name, state: 'absent' }, 'odd-name-absent', {
      description:
        'a site whose name has quotes, spaces and $, to be removed: its link, then its file (with a diff), then a reload',
    });
    const removed = await applyOn(conn, nginxSite, { name, state: 'absent' });
    expect(removed.plan.changes.map((c) => c.summary)).toEqual([
      `disable site ${name} (remove /etc/nginx/sites-enabled/${name})`,
      `remove /etc/nginx/sites-available/${name}`,
      'reload nginx',
    ]);
    expect(await httpGet(8082, 'refused')).toBe('refused');
    expect(
      await runOnLabHostOk(lab, HOST, 'ls -A /etc/nginx/sites-available/ /etc/nginx/sites-enabled/'),
    ).not.toContain(name);
    expect((await applyOn(conn, nginxSite, { name, state: 'absent' })).plan.changes).toEqual([]);
  });
});

describe('supervisor_program on a lab host', () => {
  const SECRET = `pa$$ "word" %x`;
  const program = {
    name: 'sleeper',
    command: "sh -c 'while :; do sleep 1; done'",
    numprocs: 2,
    process_name: '%(program_name)s_%(process_num)02d',
    startsecs: 1,
    stopasgroup: true,
    killasgroup: true,
    environment: { SECRET },
    state: 'started',
  };

  /** `supervisorctl status` lines as "process STATE", once no process is STARTING any more. */
  async function statusOf(name: string): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const out = (await runOnLabHost(lab, HOST, `supervisorctl status '${name.replace(/'/g, `'\\''`)}:*'`)).stdout;
      const lines = out
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/).slice(0, 2).join(' '));
      if (!out.includes('STARTING') || Date.now() > deadline) return lines;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  it('runs two processes with a secret environment, converges, and reports a hand edit in check mode only', async () => {
    await recordFixture(conn, supervisorProgram, program, 'not-loaded', {
      description:
        'no conf file, supervisord answers "no such group": write the file (mode 0600, secret masked) and load the program',
    });
    const first = await applyOn(conn, supervisorProgram, program);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      'create /etc/supervisor/conf.d/sleeper.conf',
      'load program sleeper (supervisorctl update sleeper)',
    ]);
    expect(await statusOf('sleeper')).toEqual(['sleeper:sleeper_00 RUNNING', 'sleeper:sleeper_01 RUNNING']);
    expect(
      await runOnLabHostOk(
        lab,
        HOST,
        "tr '\\0' '\\n' < /proc/$(supervisorctl pid sleeper:sleeper_00)/environ | grep '^SECRET='",
      ),
    ).toBe(`SECRET=${SECRET}\n`);
    expect(await runOnLabHostOk(lab, HOST, 'stat -c %a /etc/supervisor/conf.d/sleeper.conf')).toBe('600\n');
    expect(JSON.stringify(first.plan.changes.map((c) => ({ ...c, content: undefined })))).not.toContain('word');

    expect((await applyOn(conn, supervisorProgram, program)).plan.changes).toEqual([]);
    await recordFixture(conn, supervisorProgram, program, 'converged', {
      description: 'the conf file is as wanted and both processes are RUNNING: nothing to do',
    });

    await runOnLabHostOk(lab, HOST, "sed -i 's/^numprocs=2$/numprocs=3/' /etc/supervisor/conf.d/sleeper.conf");
    const edited = await runOnLabHostOk(lab, HOST, 'sha256sum /etc/supervisor/conf.d/sleeper.conf');
    await recordFixture(conn, supervisorProgram, program, 'hand-edited', {
      description: 'the conf file edited by hand (numprocs=3): the put (environment masked) and an update',
    });
    const checked = await runOn(conn, supervisorProgram, program, { check: true });
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => c.summary)).toEqual([
      'update content of /etc/supervisor/conf.d/sleeper.conf',
      'apply the changed configuration of sleeper (supervisorctl update sleeper restarts it)',
    ]);
    const diff = checked.plan.changes[0].diff!;
    expect(diff.before).toContain('numprocs=3');
    expect(diff.after).toContain('numprocs=2');
    expect(diff.after).toContain('environment=SECRET="********"');
    expect(JSON.stringify(diff)).not.toContain('word');
    expect(await runOnLabHostOk(lab, HOST, 'sha256sum /etc/supervisor/conf.d/sleeper.conf')).toBe(edited);
    expect(await statusOf('sleeper')).toHaveLength(2);

    // A changed secret: the diff names the variable, never a value.
    const rotated = await runOn(
      conn,
      supervisorProgram,
      { ...program, environment: { SECRET: 'new secret value' } },
      { check: true },
    );
    expect(rotated.plan.changes[0].diff!.after).toContain('environment=SECRET="********(changed)"');
    expect(JSON.stringify(rotated.plan.changes.map((c) => ({ ...c, content: undefined })))).not.toMatch(
      /word|new secret value/,
    );

    await applyOn(conn, supervisorProgram, program);
    expect(await statusOf('sleeper')).toEqual(['sleeper:sleeper_00 RUNNING', 'sleeper:sleeper_01 RUNNING']);
    expect((await applyOn(conn, supervisorProgram, program)).plan.changes).toEqual([]);
  });

  it('stops and starts the program, and a stop made by hand shows up in check mode', async () => {
    const stopped = await applyOn(conn, supervisorProgram, { ...program, state: 'stopped' });
    expect(stopped.plan.changes.map((c) => c.summary)).toEqual(['stop sleeper']);
    expect(await statusOf('sleeper')).toEqual(['sleeper:sleeper_00 STOPPED', 'sleeper:sleeper_01 STOPPED']);
    expect((await applyOn(conn, supervisorProgram, { ...program, state: 'stopped' })).plan.changes).toEqual([]);

    await applyOn(conn, supervisorProgram, program);
    await runOnLabHostOk(lab, HOST, 'supervisorctl stop sleeper:sleeper_01');
    await recordFixture(conn, supervisorProgram, program, 'one-process-stopped', {
      description: 'one of the two processes stopped by hand: a start of the group',
    });
    const checked = await runOn(conn, supervisorProgram, program, { check: true });
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: 'start sleeper', from: 'sleeper_00 RUNNING, sleeper_01 STOPPED', to: 'RUNNING' },
    ]);
    expect(await statusOf('sleeper')).toEqual(['sleeper:sleeper_00 RUNNING', 'sleeper:sleeper_01 STOPPED']);
    await applyOn(conn, supervisorProgram, program);
    expect(await statusOf('sleeper')).toEqual(['sleeper:sleeper_00 RUNNING', 'sleeper:sleeper_01 RUNNING']);
  });

  it('restarts the program on every run with state restarted, and only in effect outside check mode', async () => {
    const ticker = { name: 'ticker', command: "sh -c 'while :; do sleep 1; done'", startsecs: 1, state: 'started' };
    const pidOf = async () => (await runOnLabHostOk(lab, HOST, 'supervisorctl pid ticker:ticker')).trim();
    await applyOn(conn, supervisorProgram, ticker);
    expect(await statusOf('ticker')).toEqual(['ticker RUNNING']);
    const pids = [await pidOf()];
    for (let run = 0; run < 2; run++) {
      const restarted = await applyOn(conn, supervisorProgram, { ...ticker, state: 'restarted' });
      expect(restarted.plan.changes.map((c) => c.summary)).toEqual(['restart ticker']);
      expect(restarted.executed).toHaveLength(1);
      expect(await statusOf('ticker')).toEqual(['ticker RUNNING']);
      pids.push(await pidOf());
    }
    expect(new Set(pids).size).toBe(3);
    expect(pids.every((pid) => /^\d+$/.test(pid))).toBe(true);

    await recordFixture(conn, supervisorProgram, { ...ticker, state: 'restarted' }, 'restarted', {
      description: 'a loaded, RUNNING program with state restarted: a restart on every run',
    });
    const checked = await runOn(conn, supervisorProgram, { ...ticker, state: 'restarted' }, { check: true });
    expect(checked.plan.changes.map((c) => c.summary)).toEqual(['restart ticker']);
    expect(checked.executed).toEqual([]);
    expect(await pidOf()).toBe(pids[2]);
  });

  it('with state present writes and loads the program, lets autostart decide, and never starts a stopped one', async () => {
    const idle = { name: 'idle', command: 'sleep 1000', startsecs: 1, autostart: false, state: 'present' };
    const first = await applyOn(conn, supervisorProgram, idle);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      'create /etc/supervisor/conf.d/idle.conf',
      'load program idle (supervisorctl update idle)',
    ]);
    expect(await runOnLabHostOk(lab, HOST, 'cat /etc/supervisor/conf.d/idle.conf')).toContain('command=sleep 1000');
    expect(await statusOf('idle')).toEqual(['idle STOPPED']);
    expect((await applyOn(conn, supervisorProgram, idle)).plan.changes).toEqual([]);

    // autostart on: the changed configuration is loaded and supervisor starts it.
    const autostarted = await applyOn(conn, supervisorProgram, { ...idle, autostart: true });
    expect(autostarted.plan.changes.map((c) => c.summary)).toEqual([
      'update content of /etc/supervisor/conf.d/idle.conf',
      'apply the changed configuration of idle (supervisorctl update idle restarts it)',
    ]);
    expect(await statusOf('idle')).toEqual(['idle RUNNING']);

    // Stopped by hand: present is not started, so it stays stopped.
    await runOnLabHostOk(lab, HOST, 'supervisorctl stop idle:idle ticker:ticker');
    for (const name of ['idle', 'ticker']) {
      const args =
        name === 'idle'
          ? { ...idle, autostart: true }
          : { name, command: "sh -c 'while :; do sleep 1; done'", startsecs: 1, state: 'present' };
      expect((await applyOn(conn, supervisorProgram, args)).plan.changes).toEqual([]);
      expect(await statusOf(name)).toEqual([`${name} STOPPED`]);
    }
    for (const name of ['idle', 'ticker']) await applyOn(conn, supervisorProgram, { name, state: 'absent' });
  });

  it('takes a name and a command with quotes and $ literally, and removes programs with state absent', async () => {
    const name = `o'k$x`;
    const marker = `/tmp/it's $HOME`;
    const odd = { name, command: `sh -c 'echo "$0" > "$1"; exec sleep 1000' 'a $b' "${marker}"`, state: 'started' };
    await applyOn(conn, supervisorProgram, odd);
    expect(await statusOf(name)).toEqual([`${name} RUNNING`]);
    expect(await runOnLabHostOk(lab, HOST, `cat "/tmp/it's \\$HOME"`)).toBe('a $b\n');

    await recordFixture(conn, supervisorProgram, { name, state: 'absent' }, 'odd-name-absent', {
      description: 'a running program whose name has a quote and $, to be removed: stop, remove the file, unload',
    });
    for (const target of [odd, program]) {
      const removed = await applyOn(conn, supervisorProgram, { name: target.name, state: 'absent' });
      expect(removed.plan.changes.map((c) => c.summary)).toEqual([
        `stop ${target.name}`,
        `remove /etc/supervisor/conf.d/${target.name}.conf`,
        `unload program ${target.name} (supervisorctl update ${target.name})`,
      ]);
      expect(
        (await runOnLabHost(lab, HOST, `supervisorctl status '${target.name.replace(/'/g, `'\\''`)}:*'`)).stdout,
      ).toMatch(/no such group/);
      expect((await applyOn(conn, supervisorProgram, { name: target.name, state: 'absent' })).plan.changes).toEqual([]);
    }
    expect(await runOnLabHostOk(lab, HOST, 'ls -A /etc/supervisor/conf.d/')).toBe('');
  });
});
