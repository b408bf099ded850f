import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';

let dir: string;

beforeAll(() => {
  dir = writeFiles(
    {
      'hosts.ini': 'solo ansible_connection=local\n',
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: make a directory
      file: { path: "{{ out }}", state: directory }
    - name: files in a loop
      copy: { dest: "{{ out }}/{{ item }}", content: "x\\n" }
      loop: [a, b]
    - name: a skipped task
      debug: msg=never
      when: false
`,
    },
    'drover-verbose-',
  );
});

/** Runs the play on a fresh output directory, so every level sees the same changes. */
const runAt = async (level: string[], name: string) => {
  const result = await runCli([
    'run',
    join(dir, 'play.yml'),
    '-i',
    join(dir, 'hosts.ini'),
    '-e',
    `out=${join(dir, name)}`,
    ...level,
  ]);
  expect(result.code).toBe(0);
  return result.stdout;
};

describe('-v, -vv, -vvv', () => {
  let outputs: Record<string, string>;
  beforeAll(async () => {
    const [quiet, v, vv, vvv] = await Promise.all([
      runAt([], 'q'),
      runAt(['-v'], 'v'),
      runAt(['-vv'], 'vv'),
      runAt(['-vvv'], 'vvv'),
    ]);
    outputs = { quiet, v, vv, vvv };
  });

  it('without -v: results and changes, no skip reasons, no exec counts, no host-level detail', () => {
    expect(outputs.quiet).toMatch(/^skipping: \[solo\]$/m);
    expect(outputs.quiet).toContain('changed: [solo] (item=a)');
    expect(outputs.quiet).not.toContain('remote execs per host');
    expect(outputs.quiet).not.toMatch(/^<solo> /m);
  });

  it('-v adds why a task was skipped and the remote exec count per host', () => {
    expect(outputs.v).toContain('skipping: [solo] => condition is false');
    expect(outputs.v).toMatch(/^remote execs per host: solo=\d+$/m);
    expect(outputs.v).not.toMatch(/^<solo> /m);
  });

  it('-vv adds how many task probes went into each remote exec', () => {
    expect(outputs.vv).toMatch(/^<solo> probing \d+ task invocation\(s\) in (one|the same) exec$/m);
    expect(outputs.vv).toContain('skipping: [solo] => condition is false');
    expect(outputs.vv).not.toMatch(/^<solo> apply: /m);
  });

  it('-vvv adds every change as it is applied, with its command', () => {
    expect(outputs.vvv).toMatch(/^<solo> apply: create directory .*\/vvv\n {2}\$ mkdir -p -- .*\/vvv$/m);
    expect(outputs.vvv).toMatch(/^<solo> apply: create .*\/vvv\/a \(put .*\/vvv\/a\)$/m);
    expect(outputs.vvv).toMatch(/^<solo> probing /m);
    expect(outputs.vvv).not.toContain('probe script:');
  });
});
