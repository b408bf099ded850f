import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseDrift, recordDriftRun, saveDriftRun } from '../../src/drift/analyse-drift.js';
import { renderDriftHtml } from '../../src/drift/render-html.js';
import { registerSecret } from '../../src/secrets/mask.js';
import { CHROMIUM, haveChromium, withChromiumPage } from '../helpers/chromium.js';
import { COMMAND_UNKNOWN, drifted, ok, syntheticReport, unknown } from './synthetic-report.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-drift-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'hunter2-db-password';
registerSecret(SECRET);

function buildPage(): string {
  const stateDir = join(dir, 'state');
  const first = analyseDrift(
    syntheticReport('2026-03-01T02:00:00.000Z', {
      web1: { tasks: [drifted('write motd', 'update /etc/motd'), ok('render site config')] },
    }),
    {
      stateDir,
      tags: [],
      skipTags: [],
    },
  );
  recordDriftRun(first, saveDriftRun(first), { inventory: [], tags: [], skipTags: [] });
  const report = analyseDrift(
    syntheticReport('2026-03-02T02:00:00.000Z', {
      web1: {
        tasks: [
          drifted('write motd', 'update /etc/motd', {
            diff: '--- /etc/motd (on host)\n+++ /etc/motd (wanted)\n@@ -1 +1 @@\n-hello <script>alert(1)</script>\n+welcome\n',
          }),
          drifted('render site config', 'update /etc/site.conf', {
            from: 'listen 8080',
            to: 'listen 80',
            diff: `--- /etc/site.conf (on host)\n+++ /etc/site.conf (wanted)\n@@ -1,2 +1,2 @@\n-listen 8080;\n+listen 80;\n password ${SECRET};\n`,
          }),
          unknown('restart app'),
        ],
      },
      web2: {
        tasks: [
          ok('write motd'),
          ok('render site config'),
          unknown('restart app'),
          unknown('check the app', "reads 'app', which only a real run of 'restart app' produces", 'restart app'),
        ],
      },
      db1: { unreachable: 'connect ECONNREFUSED 127.0.0.1:1', tasks: [] },
    }),
    { stateDir, tags: [], skipTags: [] },
  );
  return renderDriftHtml(report);
}

const html = buildPage();
const file = join(dir, 'drift.html');
writeFileSync(file, html);

describe('the drift HTML page', () => {
  it('has a row per resource, the drifted ones marked, with history facts and masked secrets', () => {
    const rows = html.match(/<tr class="row[^"]*">/g) ?? [];
    expect(rows).toHaveLength(4);
    expect(html.match(/<tr class="row drifted">/g)).toHaveLength(2);
    expect(html).toContain('drifted since 2026-03-01 02:00 UTC, 1 day');
    expect(html).toContain('new since the last run');
    expect(html).toContain('connect ECONNREFUSED 127.0.0.1:1');
    expect(html).toContain('hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain(SECRET);
    expect(html).toContain('drift: 2 resources on 1 host (1 new, 1 host unverified, 3 unknown)');
    expect(html).not.toMatch(/unverifiable/i);
  });

  it('keeps every task row, marks unknown cells with ? and their reason, and explains the mark', () => {
    const row = (task: string) => html.match(new RegExp(`<tr class="row[^"]*"><th title="${task}[^"]*">.*?</tr>`))?.[0];
    for (const task of ['write motd', 'render site config', 'restart app', 'check the app'])
      expect(row(task)).toBeDefined();
    const cells = (task: string) =>
      [...row(task)!.matchAll(/<td class="([a-z]+)" data-host="([^"]+)"(?: title="([^"]*)")?>([^<]*)<\/td>/g)].map(
        (m) => ({ state: m[1], host: m[2], title: m[3], mark: m[4] }),
      );
    expect(cells('restart app')).toEqual([
      { state: 'unknown', host: 'web1', title: `unknown: ${COMMAND_UNKNOWN}`, mark: '?' },
      { state: 'unknown', host: 'web2', title: `unknown: ${COMMAND_UNKNOWN}`, mark: '?' },
      { state: 'unverified', host: 'db1', title: 'connect ECONNREFUSED 127.0.0.1:1', mark: '⊘' },
    ]);
    // A task only one host has still gets its row; the other reachable host's cell is empty.
    expect(cells('check the app').map((c) => [c.host, c.state, c.mark])).toEqual([
      ['web1', 'absent', ''],
      ['web2', 'unknown', '?'],
      ['db1', 'unverified', '⊘'],
    ]);
    expect(cells('check the app')[1].title).toBe(
      'unknown: reads &#39;app&#39;, which only a real run of &#39;restart app&#39; produces (depends on &#39;restart app&#39;)',
    );
    expect(row('check the app')).not.toContain('drifted');
    expect(html).toMatch(/<p class="legend">.*<span[^>]*>\? unknown[^<]*<\/span>/);
    expect(html).toContain('<h2 id="unknown">Unknown tasks</h2>');
    expect(html).toContain('<b>web2</b> · check the app');
    expect(html).toContain('(depends on &#39;restart app&#39;)');
    expect(html).toMatch(/<div class="card unknown"><b>3<\/b>unknown tasks/);
  });

  it('loads nothing from the network', () => {
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });

  const browserTest = haveChromium() ? it : it.skip;
  if (!haveChromium())
    console.warn(`skipping the browser test of the drift page: ${CHROMIUM} is missing (apt-get install -y chromium)`);

  browserTest('shows the drifted rows in headless Chromium, and a diff opens on click', async () => {
    await withChromiumPage(async (page) => {
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href);
      expect(await page.locator('#verdict').innerText()).toContain('drift: 2 resources on 1 host');
      const drifted = page.locator('tr.row.drifted');
      expect(await drifted.count()).toBe(2);
      for (const row of await drifted.all()) expect(await row.isVisible()).toBe(true);
      expect(await page.locator('tr.row.drifted td.drifted').first().innerText()).toContain('drifted');

      const resource = page.locator('details.resource', { hasText: 'render site config' });
      const diff = resource.locator('pre.diff');
      expect(await diff.isVisible()).toBe(false);
      await resource.locator('summary').click();
      expect(await diff.isVisible()).toBe(true);
      expect(await diff.innerText()).toContain('+listen 80;');

      // A grid cell opens its resource's details as well.
      const motd = page.locator('details.resource', { hasText: 'write motd' });
      expect(await motd.locator('pre.diff').isVisible()).toBe(false);
      await page.locator('tr.row.drifted', { hasText: 'write motd' }).locator('td.drifted a').click();
      expect(await motd.locator('pre.diff').isVisible()).toBe(true);

      expect(await page.locator('tr.row').count()).toBe(4);
      expect(await page.locator('td.unknown').count()).toBe(3);
      expect(await page.locator('tr.row', { hasText: 'check the app' }).locator('td.unknown').innerText()).toBe('?');

      // "only drifted" hides the clean row.
      await page.locator('#only-drifted').check();
      expect(await page.locator('tr.row:not(.drifted)').first().isVisible()).toBe(false);
      expect(await drifted.first().isVisible()).toBe(true);
      expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
    });
  });
});
