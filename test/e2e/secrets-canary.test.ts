/**
 * A random vault canary used by postgres_user, rabbitmq_user, a template, a looped debug message, a
 * registered failing command and a failing script, through run -vvv --diff, check, drift and a run
 * with a changed canary. It must show up on the hosts where it belongs (the file, the role's and the
 * broker user's passwords) and nowhere else: no output, report, drift history, nor any command line
 * drover built on the hosts (ps sampled all along).
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, type LabStatus } from '../../src/lab/index.js';
import { MASK } from '../../src/secrets/mask.js';
import { runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { startPsSampler, stopPsSampler } from '../helpers/lab-ps-sampler.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

const HOSTS = ['canary-db', 'canary-web'];
const [DB, WEB] = HOSTS;
const FIXTURE = fileURLToPath(new URL('../fixtures/secrets-canary/', import.meta.url));

// The random part is what the test looks for: it survives any quoting or escaping of the canary.
const ID1 = `canary-${randomBytes(8).toString('hex')}`;
const ID2 = `canary-${randomBytes(8).toString('hex')}`;
const CANARY1 = ID1;
// The changed canary is shell-hostile: quotes, $(...), backticks, a backslash, a printf format.
const CANARY2 = `${ID2} 'q' "d" $(touch /tmp/canary-pwned) \`id\` \\ %s`;
/** The process the failing command task asks for: it gets the canary as its argument by design. */
const userProgram = (canary: string) => `/bin/sh -c sleep 1; exit 3 ${canary}`;

let lab: LabStatus;
let dir: string;
const outputs: Array<{ what: string; result: CliResult }> = [];

async function drover(what: string, args: string[]): Promise<CliResult> {
  const result = await runCli(
    [...args, '-i', join(dir, 'inventory.yml'), '--lab', '--vault-password-file', join(dir, 'vault-pass')],
    { cwd: dir },
  );
  outputs.push({ what, result });
  return result;
}

async function useCanary(canary: string): Promise<void> {
  const encrypted = await runCli(
    ['vault', 'encrypt-string', '--name', 'canary', '--vault-password-file', join(dir, 'vault-pass')],
    { input: canary },
  );
  outputs.push({ what: 'vault encrypt-string', result: encrypted });
  expect(encrypted.code).toBe(0);
  writeFileSync(join(dir, 'canary-vars.yml'), encrypted.stdout);
}

/** Logs in over TCP with the password on stdin (never on a command line), as the role. */
async function postgresAccepts(password: string): Promise<boolean> {
  const login = `cd / && PGPASSWORD="$(cat)" psql -X -At -h 127.0.0.1 -U canary -d postgres -c 'select 1'`;
  return (await runOnLabHost(lab, DB, login, { input: password })).code === 0;
}

async function rabbitAccepts(password: string): Promise<boolean> {
  const ctl =
    'cd /var/lib/rabbitmq && runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmqctl -q authenticate_user -- canary';
  return (await runOnLabHost(lab, DB, ctl, { input: password })).code === 0;
}

/** The lines of text that hold either canary (by its random part), for a failure message that shows where. */
function linesWithCanary(text: string): string[] {
  return text.split('\n').filter((line) => line.includes(ID1) || line.includes(ID2));
}

function allFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isFile());
}

beforeAll(async () => {
  // Fresh hosts, so the first run creates everything; these names belong to this test only.
  await labDown(HOSTS);
  lab = await labUp(HOSTS);
  dir = mkdtempSync(join(tmpdir(), 'drover-canary-'));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, 'vault-pass'), `pass-${randomBytes(8).toString('hex')}\n`, { mode: 0o600 });
  for (const host of HOSTS) await startPsSampler(lab, host);
}, 300_000);

afterAll(async () => {
  await labDown(HOSTS);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a vault canary', () => {
  it('run -vvv --diff puts it where it belongs: the templated file, the role and the broker user', async () => {
    await useCanary(CANARY1);
    const run = await drover('run -vvv --diff', [
      'run',
      'site.yml',
      '-vvv',
      '--diff',
      '--report',
      join(dir, 'run1.json'),
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`item plain knows ${MASK}`);
    expect(run.stdout).toContain(`item with ${MASK} knows ${MASK}`);
    expect(await runOnLabHostOk(lab, WEB, 'stat -c %a /etc/canary.conf; cat /etc/canary.conf')).toBe(
      `600\n# written by drover for the secrets canary test\npassword=${CANARY1}\n`,
    );
    expect(await postgresAccepts(CANARY1)).toBe(true);
    expect(await rabbitAccepts(CANARY1)).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'run1.json'), 'utf8'));
    expect(report.hosts[WEB].ignored).toBe(2);
  });

  it('drift right after the run finds nothing', async () => {
    const drift = await drover('drift, converged', [
      'drift',
      'site.yml',
      '--state-dir',
      join(dir, 'state'),
      '--report',
      join(dir, 'drift1.json'),
    ]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
  });

  it('check and drift with a changed canary show the password and file changes, masked', async () => {
    await useCanary(CANARY2);
    const check = await drover('check', ['check', 'site.yml', '--report', join(dir, 'check.json')]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`-password=${MASK}`);
    expect(check.stdout).toContain(`+password=${MASK}`);

    const drift = await drover('drift, changed canary', [
      'drift',
      'site.yml',
      '--state-dir',
      join(dir, 'state'),
      '--report',
      join(dir, 'drift2.json'),
      '--junit',
      join(dir, 'drift2.xml'),
      '--html',
      join(dir, 'drift2.html'),
    ]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(2);
    const resources = JSON.parse(readFileSync(join(dir, 'drift2.json'), 'utf8')).drift.resources.map(
      (r: { host: string; task: string }) => `${r.host}: ${r.task}`,
    );
    expect(resources.sort()).toEqual([
      `${DB}: the canary broker user`,
      `${DB}: the canary role`,
      `${WEB}: render the canary config`,
    ]);
    expect(readFileSync(join(dir, 'drift2.xml'), 'utf8')).toContain(`password=${MASK}`);
    expect(readFileSync(join(dir, 'drift2.html'), 'utf8')).toContain(`password=${MASK}`);
  });

  it('a second run -vvv --diff changes the passwords and the file to the new canary', async () => {
    const run = await drover('second run -vvv --diff', [
      'run',
      'site.yml',
      '-vvv',
      '--diff',
      '--report',
      join(dir, 'run2.json'),
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`+password=${MASK}`);
    expect(await runOnLabHostOk(lab, WEB, 'cat /etc/canary.conf')).toContain(`password=${CANARY2}\n`);
    expect(await postgresAccepts(CANARY2)).toBe(true);
    expect(await postgresAccepts(CANARY1)).toBe(false);
    expect(await rabbitAccepts(CANARY2)).toBe(true);
    expect((await runOnLabHost(lab, DB, 'test -e /tmp/canary-pwned')).code).toBe(1);
    expect((await runOnLabHost(lab, WEB, 'test -e /tmp/canary-pwned')).code).toBe(1);
  });

  it('is in no output, report, JUnit or HTML file, nor the drift history', () => {
    const leaks: string[] = [];
    for (const { what, result } of outputs) {
      leaks.push(...linesWithCanary(result.stdout).map((line) => `${what} stdout: ${line}`));
      leaks.push(...linesWithCanary(result.stderr).map((line) => `${what} stderr: ${line}`));
    }
    const files = allFiles(dir);
    for (const file of files)
      leaks.push(...linesWithCanary(readFileSync(file, 'utf8')).map((line) => `${file}: ${line}`));
    expect(leaks).toEqual([]);
    // Not vacuous: every command ran, and the reports and the history are there.
    expect(outputs.map((o) => o.what)).toEqual([
      'vault encrypt-string',
      'run -vvv --diff',
      'drift, converged',
      'vault encrypt-string',
      'check',
      'drift, changed canary',
      'second run -vvv --diff',
    ]);
    expect(files.filter((f) => f.startsWith(`${join(dir, 'state')}/`)).length).toBeGreaterThanOrEqual(3);
    for (const report of ['run1.json', 'check.json', 'drift2.json', 'drift2.xml', 'drift2.html', 'run2.json'])
      expect(readFileSync(join(dir, report), 'utf8')).toContain(MASK);
  });

  it('was on no command line drover built on the hosts while it ran (ps sampled every 20 ms)', async () => {
    const seen = { db: await stopPsSampler(lab, DB), web: await stopPsSampler(lab, WEB) };
    // The failing command's own program gets the canary as its argument (the playbook asks for
    // that); every other process line, drover's wrappers and scripts included, must not hold it.
    const leaks = [...seen.db, ...seen.web].filter(
      (line) =>
        [ID1, ID2].some((id) => line.includes(id)) && line !== userProgram(CANARY1) && line !== userProgram(CANARY2),
    );
    expect(leaks).toEqual([]);
    // Not vacuous: the samplers caught drover's commands at work on both hosts, the guarded ones too.
    const drovers = (lines: string[]) => lines.filter((line) => line.startsWith('timeout -k 5 '));
    expect(drovers(seen.db).some((line) => line.includes('psql'))).toBe(true);
    expect(drovers(seen.db).some((line) => line.includes('export_definitions'))).toBe(true);
    expect(seen.db.some((line) => /rabbitmqctl|erl/.test(line) && !line.startsWith('timeout'))).toBe(true);
    expect(drovers(seen.web).some((line) => line.includes('drover-cmd.'))).toBe(true);
    expect(seen.web).toContain(userProgram(CANARY1));
    // The temp files the guarded commands ran from are gone.
    for (const host of HOSTS)
      expect(await runOnLabHostOk(lab, host, 'find /tmp /var/tmp -name "drover-cmd.*" | wc -l')).toBe('0\n');
  });
});
