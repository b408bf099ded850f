/** Arguments a shell or a command could misread: a leading dash, `chdir: "-"`, a NUL byte. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
let work: string;
let inventory: string;
beforeAll(() => {
  project = createTempProject('drover-hostile-args-');
  work = join(project.dir, 'work');
  mkdirSync(work);
  inventory = project.write('hosts.ini', 'h1 ansible_connection=local\n');
});
afterAll(() => project.remove());

describe('arguments a command could misread', () => {
  it('writes destinations named -n and --help, and a second run changes nothing', async () => {
    const play = project.write(
      'dash.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "-n", content: "first\\n" }\n    - copy: { dest: "--help", content: "second\\n" }\n`,
    );
    const first = await runCli(['run', play, '-i', inventory], { cwd: work });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/h1\s+: ok=2\s+changed=2/);
    expect(readFileSync(join(work, '-n'), 'utf8')).toBe('first\n');
    expect(readFileSync(join(work, '--help'), 'utf8')).toBe('second\n');
    const again = await runCli(['run', play, '-i', inventory], { cwd: work });
    expect(again.stdout).toMatch(/h1\s+: ok=2\s+changed=0/);
  });

  it('runs a command in the directory named "-", not in the previous one', async () => {
    mkdirSync(join(work, '-'), { recursive: true });
    const play = project.write(
      'chdir.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: pwd > where\n      args: { chdir: "-" }\n`,
    );
    const result = await runCli(['run', play, '-i', inventory], { cwd: work });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(join(work, '-', 'where'), 'utf8').trim()).toBe(join(work, '-'));
  });

  it('refuses a NUL byte in an argument before anything runs, naming the file, line and field (exit 4)', async () => {
    const marker = join(work, 'ran');
    const play = project.write(
      'nul.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n    - copy: { dest: "/tmp/a\\0b", content: x }\n`,
    );
    const result = await runCli(['run', play, '-i', inventory], { cwd: work });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`${play}:5`);
    expect(result.stderr).toMatch(/NUL byte[\s\S]*field: copy\.dest/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a NUL byte that a template puts in an argument, on that host, without losing the connection', async () => {
    const play = project.write(
      'nul-rendered.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "echo {{ word }}"\n    - debug: msg=after\n`,
    );
    const result = await runCli(['run', play, '-i', inventory, '-e', '{"word": "a\\u0000b"}'], { cwd: work });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/NUL byte/);
    expect(result.stdout).not.toMatch(/UNREACHABLE/);
  });
});
