import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/build-drift-report.js';
import { labDown, labUp, type LabStatus } from '../../src/lab/index.js';
import type { RunReport } from '../../src/report/run-report.js';
import { findAll, parseXml } from '../drift/parse-xml.js';
import { haveChromium, withChromiumPage } from '../helpers/chromium.js';
import { labAddress, runOnLabHost } from '../helpers/lab.js';
import {
  changedTasks,
  drover,
  fingerprintHost,
  httpGet,
  onHost,
  REFERENCE_HOSTS,
  referenceLab,
  runDemo,
  tcpReach,
} from './reference-deployment.js';

const work = mkdtempSync(join(tmpdir(), 'drover-e2e-'));
const stateDir = join(work, 'drift-state');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
let lab: LabStatus;

beforeAll(async () => {
  const demo = await runDemo();
  process.stderr.write(`[e2e] npm run demo took ${demo.seconds.toFixed(1)} s\n`);
  expect(demo.result.stderr).not.toMatch(/ERROR|fatal/i);
  expect(demo.result.code, demo.result.stdout.slice(-4000)).toBe(0);
  demoOutput = demo.result.stdout;
  lab = await referenceLab();
}, 1_800_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  if (!process.env.DROVER_LAB_KEEP) await labDown(REFERENCE_HOSTS);
});

let demoOutput = '';

describe('npm run demo: the reference deployment on lab hosts', () => {
  it('brings up every host and prints where to look', () => {
    expect(lab.hosts.map((h) => [h.name, h.state])).toEqual(REFERENCE_HOSTS.map((h) => [h, 'running']));
    expect(demoOutput).toMatch(/PLAY RECAP/);
    expect(demoOutput).toContain(`curl http://${labAddress(lab, 'backend1')}/products/`);
    expect(demoOutput).toContain(`curl http://${labAddress(lab, 'backoffice')}/`);
    expect(demoOutput).toContain('npx drover lab down -i inventory');
  });

  it("serves GET /products/ through nginx on backend1 and backend2, from db1's PostgreSQL", async () => {
    // A row added on db1 now shows on both backends: the data is read live from db1.
    const name = `e2e product ${Date.now()}`;
    await onHost(
      lab,
      'db1',
      `su postgres -s /bin/sh -c "psql -X -q -d shop -c \\"insert into products (name, price) values ('${name}', 1.25)\\""`,
    );
    for (const backend of ['backend1', 'backend2']) {
      const response = await httpGet(`http://${labAddress(lab, backend)}/products/`);
      expect(response.status).toBe(200);
      expect(response.type).toBe('application/json');
      const body = JSON.parse(response.body);
      expect(body.products.map((p: { name: string }) => p.name)).toContain(name);
      expect(body.products.length).toBeGreaterThan(1);
      expect(body.source).toEqual({ database: 'shop', server: `${labAddress(lab, 'db1')}/32` });
    }
    const served = await onHost(
      lab,
      'backend1',
      'curl -sS -o /dev/null -w "%{http_code} %{remote_port}" http://localhost/products/',
    );
    expect(served).toBe('200 80');
  });

  it('answers the admin page on backoffice', async () => {
    const response = await httpGet(`http://${labAddress(lab, 'backoffice')}/`);
    expect(response.status).toBe(200);
    expect(response.type).toContain('text/html');
    expect(response.body).toContain('<h1>Shop admin</h1>');
    expect(response.body).toContain('drover t-shirt');
  });

  it('runs the worker under supervisor, consuming from the RabbitMQ vhost', async () => {
    // supervisor says STARTING until the program has run for startsecs (5 s): the deploy may be fresher.
    const poll = { timeout: 60_000, interval: 1000 };
    await expect
      .poll(() => onHost(lab, 'backoffice', 'supervisorctl status shop-worker || true'), poll)
      .toMatch(/^shop-worker\s+RUNNING\s+pid \d+/);
    await expect
      .poll(() => onHost(lab, 'db1', 'rabbitmqctl -q list_connections -p shop user vhost peer_host state'), poll)
      .toContain(`shop\tshop\t${labAddress(lab, 'backoffice')}\trunning`);
    await expect
      .poll(() => onHost(lab, 'db1', 'rabbitmqctl -q list_consumers -p shop queue_name active'), poll)
      .toMatch(/^orders\s+true$/m);
  });

  it('lets backend1 reach PostgreSQL on db1, but not a machine outside backend and backoffice', async () => {
    const fromBackend = await runOnLabHost(lab, 'backend1', "timeout 5 bash -c '</dev/tcp/db1/5432' && echo open");
    expect(fromBackend.stdout.trim()).toBe('open');
    // This machine (the lab bridge) is neither: dropped. SSH stays open to anyone.
    expect(await tcpReach(labAddress(lab, 'db1'), 5432)).toBe('filtered');
    expect(await tcpReach(labAddress(lab, 'db1'), 5672)).toBe('filtered');
    expect(await tcpReach(labAddress(lab, 'db1'), 22)).toBe('open');
  });

  it('changes nothing on a second run, and check mode finds nothing to change', async () => {
    const runReport = join(work, 'second-run.json');
    const second = await drover('run', '--report', runReport);
    process.stderr.write(`[e2e] converged run of site.yml took ${second.seconds.toFixed(1)} s\n`);
    expect(second.result.code, second.result.stdout.slice(-3000)).toBe(0);
    const run = readJson<RunReport>(runReport);
    expect(Object.keys(run.hosts).sort()).toEqual([...REFERENCE_HOSTS].sort());
    expect(changedTasks(run)).toEqual({});
    for (const host of REFERENCE_HOSTS)
      expect(second.result.stdout).toMatch(
        new RegExp(`^${host}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`, 'm'),
      );

    const checkReport = join(work, 'check.json');
    const check = await drover('check', '--report', checkReport);
    expect(check.result.code).toBe(0);
    expect(changedTasks(readJson<RunReport>(checkReport))).toEqual({});
  });

  it('after a hand edit of the nginx site on backend2, check reports exactly that change, with its diff', async () => {
    await onHost(
      lab,
      'backend2',
      "sed -i 's/listen 80 default_server;/listen 8080 default_server;/' /etc/nginx/sites-available/shop",
    );
    const report = join(work, 'check-after-edit.json');
    const check = await drover('check', '--report', report);
    expect(check.result.code).toBe(0);
    expect(changedTasks(readJson<RunReport>(report))).toEqual({
      backend2: ['serve the application through its uWSGI socket'],
    });
    expect(check.result.stdout).toContain('-    listen 8080 default_server;');
    expect(check.result.stdout).toContain('+    listen 80 default_server;');
    // Check mode left the edit in place.
    expect(await onHost(lab, 'backend2', 'grep -c "listen 8080" /etc/nginx/sites-available/shop')).toBe('1\n');
  });
});

describe('drover drift on the reference deployment', () => {
  const drift = (...extra: string[]) => drover('drift', '--state-dir', stateDir, ...extra);

  it('finds no drift once site.yml has put the edit back, and exits 0', async () => {
    const restore = await drover('run');
    expect(restore.result.code).toBe(0);
    const result = await drift();
    expect(result.result.code, result.result.stdout.slice(-3000)).toBe(0);
    expect(result.result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^drift: none on 4 hosts/);
  });

  it('reports exactly what was changed by hand, from → to, exits 2, and changes nothing itself', async () => {
    await onHost(
      lab,
      'backend2',
      "sed -i 's/listen 80 default_server;/listen 8080 default_server;/' /etc/nginx/sites-available/shop",
    );
    await onHost(lab, 'backend1', 'systemctl stop nginx');
    await onHost(lab, 'db1', 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q curl >/dev/null');
    await onHost(
      lab,
      'db1',
      `su postgres -s /bin/sh -c "psql -X -q -c \\"alter role shop password 'changed-by-hand'\\""`,
    );
    await onHost(
      lab,
      'db1',
      'nft -a list chain inet drover input | sed -n \'s/.*comment "database from app servers" # handle \\([0-9]*\\)$/\\1/p\' | xargs -I{} nft delete rule inet drover input handle {}',
    );

    const before = await Promise.all(REFERENCE_HOSTS.map((h) => fingerprintHost(lab, h)));
    const json = join(work, 'drift.json');
    const junit = join(work, 'drift.xml');
    const html = join(work, 'drift.html');
    const result = await drift('--report', json, '--junit', junit, '--html', html);
    expect(result.result.code, result.result.stdout.slice(-3000)).toBe(2);
    expect(await Promise.all(REFERENCE_HOSTS.map((h) => fingerprintHost(lab, h)))).toEqual(before);

    const report = readJson<DriftReport>(json);
    const found = report.drift.resources.map((r) => [r.host, r.task]).sort();
    expect(found).toEqual(
      [
        ['backend1', 'run nginx'],
        ['backend2', 'serve the application through its uWSGI socket'],
        ['db1', 'PostgreSQL and AMQP from the application servers'],
        ['db1', 'create the application role'],
        ['db1', 'install the base packages'],
      ].sort(),
    );
    const resource = (host: string, task: string) =>
      report.drift.resources.find((r) => r.host === host && r.task === task)!;
    expect(resource('backend1', 'run nginx').changes.map((c) => [c.from, c.to])).toEqual([['stopped', 'started']]);
    expect(
      resource('backend2', 'serve the application through its uWSGI socket').changes.find((c) => c.diff)?.diff,
    ).toContain('+    listen 80 default_server;');
    const curl = resource('db1', 'install the base packages').changes;
    expect(curl).toHaveLength(1);
    // One package of several in the task: named on both sides.
    expect(curl[0].from).toBe('curl absent');
    expect(curl[0].to).toMatch(/^curl \d[\w.:+~-]*$/);
    expect(resource('db1', 'create the application role').changes.map((c) => [c.from, c.to])).toEqual([
      ['********', '********'],
    ]);
    expect(resource('db1', 'PostgreSQL and AMQP from the application servers').changes.map((c) => c.from)).toEqual([
      'absent',
    ]);
    expect(report.drift.unverified).toEqual([]);
    expect(report.drift.summary).toMatchObject({ hosts: 4, driftedHosts: 3, driftedResources: 5, newResources: 5 });
    expect(result.result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^drift: 5 resources on 3 hosts/);

    const xml = parseXml(readFileSync(junit, 'utf8'));
    expect(xml.attributes).toMatchObject({ failures: '5', errors: '0' });
    expect(
      findAll(xml, 'testsuite')
        .map((s) => s.attributes.name)
        .sort(),
    ).toEqual([...REFERENCE_HOSTS].sort());

    if (haveChromium()) {
      await withChromiumPage(async (page) => {
        await page.goto(pathToFileURL(html).href);
        expect(await page.locator('#verdict').innerText()).toContain('drift: 5 resources on 3 hosts');
        const rows = page.locator('tr.row.drifted');
        expect(await rows.count()).toBe(5);
        const nginx = page.locator('details.resource', { hasText: 'serve the application through its uWSGI socket' });
        await nginx.locator('summary').click();
        expect(await nginx.locator('pre.diff').innerText()).toContain('+    listen 80 default_server;');
      });
    }
  });

  it('lists a host it cannot reach as unverified and exits 1', async () => {
    await runOnLabHost(lab, 'backend2', 'systemctl poweroff --no-block', { timeoutMs: 15_000 });
    await expect
      .poll(async () => (await referenceLab()).hosts.find((h) => h.name === 'backend2')?.state, {
        timeout: 30_000,
        interval: 250,
      })
      .toBe('stopped');
    const json = join(work, 'unreachable.json');
    const result = await drift('--report', json, '-T', '5');
    expect(result.result.code).toBe(1);
    expect(result.result.stderr).toContain('--lab: backend2 is not running');
    expect(result.result.stdout).toMatch(/backend2: UNVERIFIED \(unreachable: .+\)/);
    const report = readJson<DriftReport>(json);
    expect(report.drift.unverified.map((u) => u.host)).toEqual(['backend2']);
    // What it could verify is still reported.
    expect(report.drift.resources.map((r) => r.host)).toContain('db1');
  });

  it('is clean again after the host is back and site.yml has run', async () => {
    lab = await labUp(REFERENCE_HOSTS);
    const restore = await drover('run');
    expect(restore.result.code, restore.result.stdout.slice(-3000)).toBe(0);
    const result = await drift();
    expect(result.result.code, result.result.stdout.slice(-3000)).toBe(0);
    const history = await drover('drift', '--history', '--state-dir', stateDir);
    expect(history.result.code).toBe(0);
    expect(history.result.stdout.trimEnd().split('\n').slice(2)).toHaveLength(4);
  });
});
