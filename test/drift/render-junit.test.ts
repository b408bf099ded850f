import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseDrift } from '../../src/drift/analyse-drift.js';
import { renderDriftJunit } from '../../src/drift/render-junit.js';
import { renderDriftSummary } from '../../src/drift/render-summary.js';
import { registerSecret } from '../../src/secrets/mask.js';
import { Chalk } from 'chalk';
import { findAll, parseXml } from './parse-xml.js';
import { COMMAND_UNKNOWN, drifted, locationOf, ok, syntheticReport, unknown } from './synthetic-report.js';

const stateDir = mkdtempSync(join(tmpdir(), 'drover-drift-junit-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const nasty = `<b>"tom" & 'jerry'</b> ]]> \u0001`;
const SECRET = 's3cret-token-value';
registerSecret(SECRET);
const report = analyseDrift(
  syntheticReport('2026-03-01T02:00:00.000Z', {
    web1: {
      tasks: [
        drifted('render <site> & "config"', 'update /etc/site.conf', {
          from: 'listen 8080 & <x>',
          to: 'listen 80',
          diff: `--- /etc/site.conf (on host)\n+++ /etc/site.conf (wanted)\n@@ -1 +1 @@\n-${nasty}\n+listen 80;\n`,
        }),
        drifted('write the token', 'update /etc/token', { from: 'old', to: SECRET }),
        ok('motd'),
        unknown('restart app'),
        { task: 'optional', module: 'copy', status: 'skipped', changes: [], skipReason: 'condition is false' },
      ],
    },
    web2: {
      tasks: [
        ok('render <site> & "config"'),
        ok('motd'),
        { task: 'bad template', module: 'template', status: 'failed', changes: [], error: 'undefined variable <port>' },
        unknown('start the app', "reads 'build', which only a real run of 'build the app' produces", 'build the app'),
      ],
    },
    db1: { unreachable: 'connect ECONNREFUSED 127.0.0.1:1', tasks: [] },
  }),
  { stateDir, tags: [], skipTags: [] },
);

describe('JUnit XML of a drift run', () => {
  const xml = renderDriftJunit(report);
  const root = parseXml(xml);

  it('is well-formed, with one suite per host and one testcase per host × task', () => {
    expect(root.name).toBe('testsuites');
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attributes.name)).toEqual(['web1', 'web2', 'db1']);
    expect(suites.map((s) => findAll(s, 'testcase').length)).toEqual([5, 4, 1]);
    for (const suite of suites) expect(Number(suite.attributes.tests)).toBe(findAll(suite, 'testcase').length);
  });

  it('counts drift as failures, unreachable hosts and unchecked tasks as errors, unknown as skipped', () => {
    expect(root.attributes).toMatchObject({ tests: '10', failures: '2', errors: '2', skipped: '3' });
    const web1 = findAll(root, 'testsuite')[0];
    expect(web1.attributes).toMatchObject({ failures: '2', errors: '0', skipped: '2' });
    const skippedMessages = findAll(web1, 'skipped').map((s) => s.attributes.message);
    expect(skippedMessages).toEqual([`unknown: ${COMMAND_UNKNOWN}`, 'condition is false']);
    const db1 = findAll(root, 'testsuite')[2];
    expect(findAll(db1, 'error')[0].text).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(findAll(findAll(root, 'testsuite')[1], 'error')[0].text).toBe('undefined variable <port>');
  });

  it('gives an unknown task a skipped element with its reason and the task it depends on', () => {
    const web2 = findAll(root, 'testsuite')[1];
    expect(web2.attributes).toMatchObject({ tests: '4', failures: '0', errors: '1', skipped: '1' });
    const testcase = findAll(web2, 'testcase').find((c) => c.attributes.name.startsWith('start the app'))!;
    expect(testcase.attributes.name).toBe(`start the app (${locationOf('start the app')})`);
    expect(findAll(testcase, 'skipped')[0].attributes.message).toBe(
      "unknown: reads 'build', which only a real run of 'build the app' produces (depends on 'build the app')",
    );
    expect(findAll(testcase, 'failure')).toEqual([]);
    expect(xml).toContain(
      '<skipped message="unknown: reads &apos;build&apos;, which only a real run of &apos;build the app&apos; produces (depends on &apos;build the app&apos;)"/>',
    );
  });

  it('puts from, to and the diff in the failure text, escaped so they read back unchanged', () => {
    const failure = findAll(root, 'failure')[0];
    const testcase = findAll(root, 'testcase').find((c) => c.children.includes(failure))!;
    expect(testcase.attributes.name).toBe(`render <site> & "config" (${locationOf('render <site> & "config"')})`);
    expect(failure.attributes.message).toBe('drifted: update /etc/site.conf (new since the last run)');
    expect(failure.text).toContain('on host: listen 8080 & <x>');
    expect(failure.text).toContain('wanted:  listen 80');
    expect(failure.text).toContain(`-<b>"tom" & 'jerry'</b> ]]> \ufffd`);
    expect(failure.text).toContain('+listen 80;');
    expect(xml).not.toContain('\u0001');
  });

  it('masks secrets, as the text summary does', () => {
    expect(findAll(root, 'failure')[1].text).toContain('wanted:  ********');
    expect(xml).not.toContain(SECRET);
    const summary = renderDriftSummary(report, new Chalk({ level: 0 }));
    expect(summary).toContain('(old → ********)');
    expect(summary).not.toContain(SECRET);
  });
});

describe('the XML check used above', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a>tom & jerry</a>')).toThrow(/unescaped/);
    expect(() => parseXml('<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow(/unescaped/);
    expect(parseXml('<a x="&quot;&lt;">&amp;</a>')).toMatchObject({ attributes: { x: '"<' }, text: '&' });
  });
});
