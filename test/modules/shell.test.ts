import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { module as shell } from '../../src/modules/shell.js';
import { quote } from '../../src/remote/quote.js';
import { apply, makeTempDir, planWith } from './helpers.js';

describe('shell: plan from probed state', () => {
  it('is unverifiable without a guard and does not run when removes matches nothing', () => {
    expect(planWith(shell, { cmd: 'a | b' }, undefined).unverifiable).toBe(true);
    const held = planWith(shell, { cmd: 'a | b', removes: '/tmp/x' }, { removable: false });
    expect([held.changes, held.result?.stdout]).toEqual([[], 'skipped, since /tmp/x does not exist']);
  });

  it('summarizes a multi-line script on one line', () => {
    expect(planWith(shell, { cmd: 'set -e\necho a\n' }, undefined).changes[0].summary).toBe('run: set -e ⏎ echo a');
  });
});

describe('shell on this machine', () => {
  it('runs pipes, redirections and && in chdir', async () => {
    const dir = makeTempDir();
    await apply(shell, { cmd: "printf 'b\\na\\n' | sort > sorted && echo ok >> sorted", chdir: dir });
    expect(readFileSync(join(dir, 'sorted'), 'utf8')).toBe('a\nb\nok\n');
  });

  it('keeps a failing cd from running the rest (the command is one sh -c argument)', async () => {
    const dir = makeTempDir();
    const result = await apply(shell, {
      cmd: `false || touch ${quote(join(dir, 'ran'))}`,
      chdir: join(dir, 'missing'),
    }).catch((error: Error) => error);
    expect(result).toBeInstanceOf(Error);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('uses executable and stdin; removes guard skips afterwards', async () => {
    const dir = makeTempDir();
    const file = join(dir, 'to remove');
    const first = await apply(shell, {
      cmd: `[[ -n "$BASH_VERSION" ]] && cat > ${quote(file)}`,
      executable: '/bin/bash',
      stdin: "a 'b' $c",
    });
    expect(first.executed).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe("a 'b' $c\n");
    const args = { cmd: `rm ${quote(file)}`, removes: file };
    expect((await apply(shell, args)).executed).toHaveLength(1);
    expect((await apply(shell, args)).plan.result?.stdout).toBe(`skipped, since ${file} does not exist`);
  });
});
