import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliOnTerminal } from '../helpers/run-cli-on-terminal.js';
import { writeFiles } from '../helpers/write-files.js';

let dir: string;

beforeAll(() => {
  dir = writeFiles(
    {
      'hosts.ini': 'l1 ansible_connection=local\nl2 ansible_connection=local\n',
      'site.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: write the greeting
      copy: { dest: "{{ out }}/{{ inventory_hostname }}.txt", content: "hello\\n" }
    - name: say hello
      debug: { msg: "hello from {{ inventory_hostname }}" }
      when: inventory_hostname == 'l1'
    - name: fail on l2
      fail: { msg: "l2 is not ready" }
      when: inventory_hostname == 'l2'
`,
    },
    'drover-live-',
  );
});

const args = () => ['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '-e', `out=${dir}`];
/** A run at a 100-column terminal, not in CI: the live (listr2) view. */
const runLive = () => runCliOnTerminal(args(), [], { CI: '' }, { columns: 100 });

describe('the live terminal view', () => {
  it('shows each task with its counts, the messages and the failed host under them, and the recap', async () => {
    const { code, output } = await runLive();
    expect(code).toBe(2);
    expect(readFileSync(join(dir, 'l1.txt'), 'utf8')).toBe('hello\n');
    const screen = output.replace(/\r/g, '');
    expect(screen).toMatch(/TASK \[write the greeting\] +ok 0 · changed 2/);
    expect(screen).toMatch(/TASK \[fail on l2\] +ok 0 · failed 1 · skipped 1/);
    expect(screen).toContain('l2 is not ready');
    expect(screen).toMatch(/PLAY RECAP/);
    expect(screen).toMatch(/l1 +: ok=2 +changed=1 +unreachable=0 +failed=0/);
    expect(screen).toContain('hello from l1');
  });

  it('counts the converged task as ok on the second run', async () => {
    const { output } = await runLive();
    expect(output.replace(/\r/g, '')).toMatch(/TASK \[write the greeting\] +ok 2(?! ·)/);
  });

  it('falls back to plain lines on a terminal that reports no width, instead of wrapping after every character', async () => {
    const { code, output } = await runCliOnTerminal(args(), [], { CI: '' });
    expect(code).toBe(2);
    const screen = output.replace(/\r/g, '');
    expect(screen).toMatch(/^TASK \[write the greeting\] \*+$/m);
    expect(screen).toMatch(/^ok: \[l1\]$/m);
    expect(screen.split('\n').filter((line) => line.trim().length === 1)).toEqual([]);
  });
});
