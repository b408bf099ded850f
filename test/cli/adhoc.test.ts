/**
 * drover adhoc against ansible's ad-hoc command: the same pattern, module and arguments through
 * both, comparing exit codes, each host's status word and command output, and what was written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-adhoc-');
});
afterAll(() => project.remove());

interface AdhocRun {
  code: number;
  /** "host | WORD" lines, sorted by host. */
  statuses: string[];
  stdout: string;
}

const statusLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => /^\S+ \| [A-Z]+!?( |$)/.test(line))
    .map((line) =>
      line
        .split(' | ')
        .slice(0, 2)
        .join(' | ')
        .replace(/ =>.*$/, ''),
    )
    .sort();

function runAnsible(args: string[]): AdhocRun {
  const result = spawnSync('ansible', args, {
    cwd: project.dir,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False' },
  });
  return { code: result.status ?? -1, statuses: statusLines(result.stdout), stdout: result.stdout };
}

async function runDrover(args: string[]): Promise<AdhocRun> {
  const result = await runCli(['adhoc', ...args], { cwd: project.dir });
  return { code: result.code, statuses: statusLines(result.stdout), stdout: result.stdout };
}

const hosts = ['all', '-i', 'h1,h2,', '-c', 'local'];

describe('drover adhoc, compared with ansible', () => {
  it('runs a command on every host: the same status, rc and output', async () => {
    const args = [...hosts, '-a', "printf '%s' 'it works'"];
    const ansible = runAnsible(args);
    const drover = await runDrover(args);
    expect(drover.code).toBe(ansible.code);
    expect(drover.statuses).toEqual(ansible.statuses);
    expect(drover.statuses).toEqual(['h1 | CHANGED', 'h2 | CHANGED']);
    for (const run of [ansible, drover]) expect(run.stdout).toContain('| CHANGED | rc=0 >>\nit works\n');
  });

  it('fails a failing command with exit 2 on both', async () => {
    const args = [...hosts, '-a', 'false'];
    const ansible = runAnsible(args);
    const drover = await runDrover(args);
    expect(ansible.code).toBe(2);
    expect(drover.code).toBe(ansible.code);
    expect(drover.statuses).toEqual(ansible.statuses);
  });

  it('runs another module with key=value arguments, converges, and changes nothing with --check', async () => {
    const run = async (dir: string, extra: string[] = []) => {
      const args = ['h1', '-i', 'h1,', '-c', 'local', '-m', 'file', '-a', `path=${dir} state=directory`, ...extra];
      return { ansible: runAnsible(args.map((a) => a.replace(dir, `${dir}-ansible`))), drover: await runDrover(args) };
    };
    const checked = await run(join(project.dir, 'checked'), ['--check']);
    expect(checked.drover.statuses).toEqual(checked.ansible.statuses);
    expect(checked.drover.statuses).toEqual(['h1 | CHANGED']);
    expect(existsSync(join(project.dir, 'checked'))).toBe(false);
    expect(existsSync(join(project.dir, 'checked-ansible'))).toBe(false);

    const first = await run(join(project.dir, 'made'));
    expect(first.drover.statuses).toEqual(first.ansible.statuses);
    expect(existsSync(join(project.dir, 'made'))).toBe(true);
    const again = await run(join(project.dir, 'made'));
    expect(again.drover.statuses).toEqual(again.ansible.statuses);
    expect(again.drover.statuses).toEqual(['h1 | SUCCESS']);
    expect(again.drover.code).toBe(0);
  });

  it('refuses an unknown module before contacting any host (exit 4)', async () => {
    const drover = await runDrover([...hosts, '-m', 'no_such_module', '-a', 'x=1']);
    expect(drover.code).toBe(4);
    expect(drover.statuses).toEqual([]);
  });
});
