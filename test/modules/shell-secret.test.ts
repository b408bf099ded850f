/** A shell script that holds a secret is no process's argument: it reaches the shell in a here-document. */
import { describe, expect, it } from 'vitest';
import { shellInvocation } from '../../src/modules/shell/invocation.js';
import { module as shell } from '../../src/modules/shell.js';
import { registerSecret } from '../../src/secrets/mask.js';
import { apply } from './helpers.js';
import { whileSampling } from '../helpers/command-lines.js';

const SECRET = `shell-secret-${process.pid}`;

describe('shell with a secret in its script', () => {
  it('hands a script without a secret to -c as before', () => {
    expect(shellInvocation('/bin/sh', 'echo hi')).toBe(`/bin/sh -c 'echo hi'`);
  });

  it('puts a script with a secret in a here-document whose end marker the script does not contain', () => {
    registerSecret(SECRET);
    const script = `echo ${SECRET}\nDROVER_SCRIPT_END\n`;
    expect(shellInvocation('/bin/bash', script)).toBe(
      `/bin/bash /dev/fd/3 3<<'DROVER_SCRIPT_END_'\n${script}DROVER_SCRIPT_END_`,
    );
  });

  it('runs it with its executable, stdin and exit code, and no process ever shows the secret', async () => {
    registerSecret(SECRET);
    const cmd = `[[ -n "$BASH_VERSION" ]] || exit 9\nread -r line\ns='${SECRET}'\necho "$line ${'$'}{#s}"\nsleep 1\nexit 0`;
    const { result, seen } = await whileSampling(() =>
      apply(shell, { cmd, executable: '/bin/bash', stdin: 'from stdin' }),
    );
    expect(result.executed[0].result).toMatchObject({ code: 0, stdout: `from stdin ${SECRET.length}` });
    expect(seen.some((line) => line.includes('/bin/bash /dev/fd/3'))).toBe(true);
    expect(seen.filter((line) => line.includes(SECRET))).toEqual([]);
  });
});
