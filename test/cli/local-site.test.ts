import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const FIXTURE = new URL('../fixtures/local-site/', import.meta.url).pathname;

describe('a playbook with a role, a template, a loop, a handler, when and register over the local connection', () => {
  let root: string;
  const args = () => ['run', join(FIXTURE, 'site.yml'), '-i', join(FIXTURE, 'inventory.yml'), '-e', `root=${root}`];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'drover-local-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('converges on the first run', async () => {
    const report = join(root, 'first.json');
    const result = await runCli([...args(), '--report', report]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(root, 'etc/site.conf'), 'utf8')).toBe(
      '# shop on local1\nserver {\n    listen 80;\n    server_name shop.example.com www.shop.example.com;\n}\n',
    );
    expect(readFileSync(join(root, 'etc/api.conf'), 'utf8')).toBe('port=8000\n');
    expect(readFileSync(join(root, 'etc/admin.conf'), 'utf8')).toBe('port=8001\n');
    expect(statSync(join(root, 'etc/api.conf')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(root, 'port.txt'), 'utf8')).toBe('port=8000\n');
    expect(existsSync(join(root, 'other.txt'))).toBe(false);
    // Notified by the template and by both loop items: the handler ran once.
    expect(readFileSync(join(root, 'reloads.log'), 'utf8')).toBe('reloaded\n');
    expect(result.stdout).toMatch(/RUNNING HANDLER \[reload app\]/);
    const host = JSON.parse(readFileSync(report, 'utf8')).hosts.local1;
    expect(host.unreachable).toBe(false);
    expect(host.failed).toBe(0);
    expect(host.changed).toBe(5); // directory, template, loop, port.txt, handler
    const statuses = Object.fromEntries(host.tasks.map((t: { task: string; status: string }) => [t.task, t.status]));
    expect(statuses['never for other apps']).toBe('skipped');
    expect(statuses['read the api settings']).toBe('ok');
  });

  it('reports changed=0 on the second run and runs no handler', async () => {
    const report = join(root, 'second.json');
    const result = await runCli([...args(), '--report', report]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/local1\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/);
    expect(JSON.parse(readFileSync(report, 'utf8')).hosts.local1.changed).toBe(0);
    expect(readFileSync(join(root, 'reloads.log'), 'utf8')).toBe('reloaded\n');
  });

  it('check mode after a manual edit reports exactly that change, with its diff, and writes nothing', async () => {
    const site = join(root, 'etc/site.conf');
    const edited = readFileSync(site, 'utf8').replace('listen 80;', 'listen 8080;');
    writeFileSync(site, edited);
    const report = join(root, 'check.json');
    const result = await runCli(['check', ...args().slice(1), '--report', report]);
    expect(result.code).toBe(0);
    expect(readFileSync(site, 'utf8')).toBe(edited);
    expect(result.stdout).toContain('-    listen 8080;');
    expect(result.stdout).toContain('+    listen 80;');
    const host = JSON.parse(readFileSync(report, 'utf8')).hosts.local1;
    const changed = host.tasks.filter(
      (t: { status: string; handler?: boolean }) => t.status === 'changed' && !t.handler,
    );
    expect(changed.map((t: { task: string }) => t.task)).toEqual(['render the site config']);
    expect(changed[0].changes[0].diff).toContain('+    listen 80;');
    expect(host.changed).toBe(1);
    expect(readFileSync(join(root, 'reloads.log'), 'utf8')).toBe('reloaded\n');
  });
});
