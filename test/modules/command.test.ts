import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as command } from '../../src/modules/command.js';
import { splitCommand } from '../../src/modules/lib/text/split-command.js';
import { quote } from '../../src/remote/quote.js';
import { apply, makeTempDir, planWith } from './helpers.js';

describe('command: plan from probed state', () => {
  it('is unverifiable without a guard', () => {
    const plan = planWith(command, { cmd: 'echo hi' }, undefined);
    expect(plan.unverifiable).toBe(true);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0].summary).toBe('run: echo hi');
  });

  it("does not run when creates already exists (ok, with Ansible's result), runs when it does not", () => {
    const held = planWith(command, { cmd: 'make', creates: '/x' }, { created: true });
    expect(held.changes).toEqual([]);
    expect(held.skipReason).toBeUndefined();
    expect(held.result).toMatchObject({ rc: 0, stdout: 'skipped, since /x exists', stderr: '' });
    const plan = planWith(command, { cmd: 'make', creates: '/x' }, { created: false });
    expect(plan.result?.stdout).toBeUndefined();
    expect(plan.unverifiable).toBeUndefined();
    expect(plan.changes).toHaveLength(1);
  });

  it('does not run when removes matches nothing', () => {
    const held = planWith(command, { cmd: 'rm /x', removes: '/x' }, { removable: false });
    expect([held.changes, held.result?.stdout]).toEqual([[], 'skipped, since /x does not exist']);
    expect(planWith(command, { cmd: 'rm /x', removes: '/x' }, { removable: true }).changes).toHaveLength(1);
  });

  it('passes stdin through the change, never the command line', () => {
    const plan = planWith(command, { cmd: 'cat', stdin: 's3cret' }, undefined);
    const change = plan.changes[0];
    expect(change.kind === 'command' && change.stdin).toBe('s3cret\n');
    expect(change.kind === 'command' && change.command).not.toContain('s3cret');
  });

  it('rejects both cmd and argv, and unclosed quotes', () => {
    expect(() => parseArgs(command, { cmd: 'ls', argv: ['ls'] })).toThrow(/exactly one of cmd/);
    expect(() => parseArgs(command, { cmd: 'echo "oops' })).toThrow(/no closing quotation/);
  });

  it('splits like shlex', () => {
    expect(splitCommand(`a "b c" 'd "e"' f\\ g "h\\"i" ; | >`)).toEqual([
      'a',
      'b c',
      'd "e"',
      'f g',
      'h"i',
      ';',
      '|',
      '>',
    ]);
  });
});

describe('command on this machine', () => {
  it('runs without a shell: operators and $() stay literal', async () => {
    const dir = makeTempDir();
    const marker = join(dir, 'pwned');
    const result = await apply(command, {
      cmd: `echo ${quote(`a; touch ${marker}`)} "$(touch x)" '|' ${quote(`> ${dir}/out`)} ; ${quote(marker)}`,
    });
    // The directory's name has a $x in it: unset variables stay as written, as in Ansible.
    expect(result.executed[0].result.stdout).toBe(`a; touch ${marker} $(touch x) | > ${dir}/out ; ${marker}`);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('passes argv items exactly and expands $HOME like Ansible', async () => {
    const result = await apply(command, { argv: ['printf', '%s|', "it's", 'two words', '$(id)', '', 'x\ny'] });
    expect(result.executed[0].result.stdout).toBe("it's|two words|$(id)||x\ny|");
    const home = await apply(command, { cmd: 'echo $HOME ~ ${HOME}/x $DROVER_UNSET_VAR ${DROVER_UNSET_VAR}' });
    expect(home.executed[0].result.stdout).toBe(
      `${process.env.HOME} ${process.env.HOME} ${process.env.HOME}/x $DROVER_UNSET_VAR \${DROVER_UNSET_VAR}`,
    );
    const literal = await apply(command, { cmd: 'echo $HOME', expand_argument_vars: false });
    expect(literal.executed[0].result.stdout).toBe('$HOME');
  });

  it('honours chdir, stdin and creates, and does not run once creates exists', async () => {
    const dir = makeTempDir();
    const args = { cmd: 'tee made', chdir: dir, creates: 'made', stdin: 'hello $USER "x"' };
    const check = await apply(command, args, { check: true });
    expect(check.plan.changes).toHaveLength(1);
    expect(existsSync(join(dir, 'made'))).toBe(false);
    const first = await apply(command, args);
    expect(first.executed).toHaveLength(1);
    expect(readFileSync(join(dir, 'made'), 'utf8')).toBe('hello $USER "x"\n');
    const second = await apply(command, args);
    expect(second.plan.result?.stdout).toBe('skipped, since made exists');
    expect(second.executed).toHaveLength(0);
  });

  it('treats creates as a glob, with literal spaces and quotes around it', async () => {
    const dir = makeTempDir();
    const args = { cmd: 'true', creates: join(dir, "it's *.done") };
    expect((await apply(command, args, { check: true })).plan.changes).toHaveLength(1);
    writeFileSync(join(dir, "it's job.done"), '');
    expect((await apply(command, args, { check: true })).plan.result?.stdout).toBe(
      `skipped, since ${join(dir, "it's *.done")} exists`,
    );
  });
});
