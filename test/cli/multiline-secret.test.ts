/**
 * A multi-line vault value (a random PEM-like key) written into a file by copy, rotated, then edited
 * by hand on the host, through run --diff -vvvv, check and drift with every report it writes. A diff
 * shows a file line by line, so no output line holds the whole key: each of its lines must be masked
 * on its own, and the mask must show up where the lines would have been.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MASK } from '../../src/secrets/mask.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';

/** A PEM-like key: armour lines around three random base64 lines, as `openssl` writes them. */
function pemLike(): { text: string; lines: string[] } {
  const lines = [randomBytes(48), randomBytes(48), randomBytes(24)].map((bytes) => bytes.toString('base64'));
  return { text: ['-----BEGIN TEST PRIVATE KEY-----', ...lines, '-----END TEST PRIVATE KEY-----'].join('\n'), lines };
}

const KEY1 = pemLike();
const KEY2 = pemLike();
const HEADER = '# the key of the app';

let dir: string;
const outputs: Array<{ what: string; result: CliResult }> = [];

async function drover(what: string, args: string[]): Promise<CliResult> {
  const result = await runCli(
    [
      ...args,
      '-i',
      join(dir, 'hosts.ini'),
      '--vault-password-file',
      join(dir, 'vault-pass'),
      '-e',
      `out=${join(dir, 'host')}`,
    ],
    { cwd: dir },
  );
  outputs.push({ what, result });
  return result;
}

async function useKey(key: string): Promise<void> {
  const encrypted = await runCli(
    ['vault', 'encrypt-string', '--name', 'app_key', '--vault-password-file', join(dir, 'vault-pass')],
    { input: key },
  );
  expect(encrypted.code, encrypted.stderr).toBe(0);
  writeFileSync(join(dir, 'key-vars.yml'), encrypted.stdout);
}

/**
 * Where a key line (or a run of 16 characters of one) shows in text. Base64 needs no escaping in
 * JSON, HTML or XML, so a line that leaks into any of them is found as it is.
 */
function leaksIn(text: string): string[] {
  const pieces = [...KEY1.lines, ...KEY2.lines].flatMap((line) =>
    Array.from({ length: Math.floor(line.length / 16) }, (_, i) => line.slice(i * 16, i * 16 + 16)),
  );
  return text.split('\n').filter((line) => pieces.some((piece) => line.includes(piece)));
}

function allFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isFile());
}

const read = (name: string) => readFileSync(join(dir, name), 'utf8');

beforeAll(() => {
  dir = writeFiles(
    {
      'vault-pass': `pass-${randomBytes(8).toString('hex')}\n`,
      'hosts.ini': 'solo ansible_connection=local\n',
      'host/.keep': '',
      'site.yml': `- hosts: all
  gather_facts: false
  vars_files:
    - key-vars.yml
  tasks:
    - name: the key of the app
      copy:
        dest: "{{ out }}/app.pem"
        content: "${HEADER}\\n{{ app_key }}\\n"
        mode: '0600'
`,
    },
    'drover-multiline-secret-',
  );
});

describe('a multi-line vault value in a file', () => {
  it('run --diff -vvvv writes the key and shows each of its lines masked', async () => {
    await useKey(KEY1.text);
    const run = await drover('run 1', ['run', 'site.yml', '--diff', '-vvvv', '--report', join(dir, 'run1.json')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(read('host/app.pem')).toBe(`${HEADER}\n${KEY1.text}\n`);
    expect(run.stdout).toContain(
      `+${HEADER}\n+-----BEGIN TEST PRIVATE KEY-----\n+${MASK}\n+${MASK}\n+${MASK}\n+-----END TEST PRIVATE KEY-----\n`,
    );
    expect(run.stdout).toContain('probe script:');
    const diff = JSON.parse(read('run1.json')).hosts.solo.tasks[0].changes[0].diff;
    expect(diff).toContain(`+${MASK}\n+${MASK}\n+${MASK}\n`);
  });

  it('check with a rotated key masks the old lines and the new ones', async () => {
    await useKey(KEY2.text);
    const check = await drover('check', ['check', 'site.yml', '-vvvv', '--report', join(dir, 'check.json')]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`-${MASK}\n-${MASK}\n-${MASK}\n+${MASK}\n+${MASK}\n+${MASK}\n`);
    expect(JSON.parse(read('check.json')).hosts.solo.tasks[0].changes[0].diff).toContain(
      `+${MASK}\n+${MASK}\n+${MASK}\n`,
    );
  });

  it('run --diff -vvvv writes the rotated key', async () => {
    const run = await drover('run 2', ['run', 'site.yml', '--diff', '-vvvv', '--report', join(dir, 'run2.json')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(read('host/app.pem')).toBe(`${HEADER}\n${KEY2.text}\n`);
    expect(run.stdout).toContain(`+${MASK}\n+${MASK}\n+${MASK}\n`);
  });

  it('drift finds the file edited by hand, and its diff, reports and history mask the unchanged key lines', async () => {
    writeFileSync(join(dir, 'host/app.pem'), `# edited by hand\n${KEY2.text}\n`);
    const state = join(dir, 'state');
    const drift = await drover('drift', [
      'drift',
      'site.yml',
      '-vvvv',
      '--state-dir',
      state,
      '--report',
      join(dir, 'drift.json'),
      '--junit',
      join(dir, 'drift.xml'),
      '--html',
      join(dir, 'drift.html'),
    ]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(2);
    expect(drift.stdout).toContain(
      `-# edited by hand\n      +${HEADER}\n       -----BEGIN TEST PRIVATE KEY-----\n       ${MASK}\n       ${MASK}\n`,
    );
    for (const file of ['drift.json', 'drift.xml', 'drift.html']) expect(read(file)).toContain(` ${MASK}`);
    const runFiles = allFiles(join(state, 'drift', 'runs'));
    expect(runFiles.length).toBe(1);
    expect(readFileSync(runFiles[0], 'utf8')).toContain(` ${MASK}`);
    const history = await drover('drift --history', ['drift', '--history', '--state-dir', state]);
    expect(history.code, history.stderr).toBe(0);
  });

  it('shows no line of either key in any output, report, or the drift history', () => {
    const leaks: string[] = [];
    for (const { what, result } of outputs) {
      leaks.push(...leaksIn(result.stdout).map((line) => `${what} stdout: ${line}`));
      leaks.push(...leaksIn(result.stderr).map((line) => `${what} stderr: ${line}`));
    }
    const files = allFiles(dir).filter(
      (file) => !file.startsWith(join(dir, 'host/')) && !file.endsWith('key-vars.yml'),
    );
    for (const file of files) leaks.push(...leaksIn(readFileSync(file, 'utf8')).map((line) => `${file}: ${line}`));
    expect(leaks).toEqual([]);
    // Not vacuous: every command ran and wrote its files, and the leak search finds a key line where it is.
    expect(outputs.map((o) => o.what)).toEqual(['run 1', 'check', 'run 2', 'drift', 'drift --history']);
    for (const file of [
      'run1.json',
      'check.json',
      'run2.json',
      'drift.json',
      'drift.xml',
      'drift.html',
      'state/drift/index.jsonl',
    ])
      expect(files).toContain(join(dir, file));
    expect(leaksIn(read('host/app.pem')).length).toBe(KEY2.lines.length);
  });
});

describe('no_log: true', () => {
  const ID = `quiet-${randomBytes(8).toString('hex')}`;

  it('shows none of the arguments or results of the task at -vvv and -vvvv', async () => {
    const quiet = writeFiles(
      {
        'hosts.ini': 'solo ansible_connection=local\n',
        'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: a quiet command
      command: /bin/echo ${ID}-argument
      no_log: true
    - name: a quiet file
      copy: { dest: "{{ out }}/${ID}-file", content: "${ID}-content\\n" }
      no_log: true
    - name: a quiet message
      debug: msg="${ID}-message"
      no_log: true
    - name: a loud file
      copy: { dest: "{{ out }}/loud", content: "loud\\n" }
`,
        'vvv/.keep': '',
        'vvvv/.keep': '',
      },
      'drover-no-log-',
    );
    const leaks: string[] = [];
    for (const level of ['vvv', 'vvvv']) {
      const out = join(quiet, level);
      const result = await runCli([
        'run',
        join(quiet, 'play.yml'),
        '-i',
        join(quiet, 'hosts.ini'),
        '-e',
        `out=${out}`,
        '--diff',
        `-${level}`,
      ]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      // Not vacuous: the quiet tasks did their work, and the verbose lines of the loud one are there.
      expect(readFileSync(join(out, `${ID}-file`), 'utf8')).toBe(`${ID}-content\n`);
      expect(result.stdout).toMatch(/^<solo> apply: create .*\/loud \(put .*\/loud\)$/m);
      if (level === 'vvvv') expect(result.stdout).toContain('probe script:');
      for (const [stream, text] of [
        ['stdout', result.stdout],
        ['stderr', result.stderr],
      ]) {
        leaks.push(
          ...text
            .split('\n')
            .filter((line) => line.includes(ID))
            .map((line) => `-${level} ${stream}: ${line}`),
        );
      }
    }
    expect(leaks).toEqual([]);
  });
});
