import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { runCliOnTerminal } from '../helpers/run-cli-on-terminal.js';
import { screenLines } from '../helpers/screen-lines.js';
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
/** A run at a 100-column terminal, not in CI: the live view. */
const runLive = () => runCliOnTerminal(args(), [], { CI: '' }, { columns: 100 });

describe('the live terminal view', () => {
  it('shows each host result once, the messages and the failed host, and the recap', async () => {
    const { code, output } = await runLive();
    expect(code).toBe(2);
    expect(readFileSync(join(dir, 'l1.txt'), 'utf8')).toBe('hello\n');
    const screen = screenLines(output, 100);
    expect(screen.filter((line) => /^changed: \[l[12]\]$/.test(line))).toHaveLength(2);
    expect(screen).toContain('fatal: [l2]: FAILED! => l2 is not ready');
    expect(screen).toContain('ok: [l1] => hello from l1');
    expect(screen).toContain('PLAY RECAP ' + '*'.repeat(67));
    expect(screen.join('\n')).toMatch(/l1 +: ok=2 +changed=1 +unreachable=0 +failed=0/);
    expect(screen.filter((line) => line.includes('hosts done'))).toEqual([]);
  });

  it('counts the converged task as ok on the second run', async () => {
    const screen = screenLines((await runLive()).output, 100);
    expect(screen.filter((line) => /^ok: \[l[12]\]$/.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(screen.filter((line) => line.startsWith('changed:'))).toEqual([]);
  });

  it('prints as many result lines on a terminal as into a pipe: 20 tasks on 3 hosts', async () => {
    const tasks = Array.from(
      { length: 20 },
      (_, i) =>
        `    - name: step ${i + 1}\n      shell: "sleep 0.0$(( RANDOM % 5 )); echo {{ inventory_hostname }}"\n      changed_when: ${i % 3 === 0}\n`,
    ).join('');
    const many = writeFiles(
      {
        'hosts.ini': 'm1 ansible_connection=local\nm2 ansible_connection=local\nm3 ansible_connection=local\n',
        'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`,
      },
      'drover-live-many-',
    );
    const argv = ['run', join(many, 'site.yml'), '-i', join(many, 'hosts.ini')];
    const resultLines = (lines: string[]) => lines.filter((line) => /^(ok|changed|fatal|skipping): \[m\d\]/.test(line));
    const terminal = resultLines(
      screenLines((await runCliOnTerminal(argv, [], { CI: '' }, { columns: 100 })).output, 100),
    );
    const piped = resultLines((await runCli(argv)).stdout.split('\n'));
    expect(piped).toHaveLength(60);
    expect(terminal).toHaveLength(60);
    expect([...terminal].sort()).toEqual([...piped].sort());
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
