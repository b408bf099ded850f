import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));

/**
 * Runs the drover CLI as the unprivileged user nobody. It keeps one capability, reading any file,
 * because the checkout may sit in a directory only root can enter (a fresh clone in mktemp -d).
 */
function runCliAsNobody(args: string[]) {
  const readAnyFile = ['--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
  const result = spawnSync(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...readAnyFile, process.execPath, BIN, ...args],
    {
      encoding: 'utf8',
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' },
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('drover lab as an unprivileged user', () => {
  it.each(['up', 'down'])('lab %s stops with an error that says it needs root', (action) => {
    const result = runCliAsNobody(['lab', action, '-i', 'lab-z,']);
    expect(result.stderr).toContain(`ERROR: drover lab ${action} needs root:`);
    expect(result.stderr).toContain('Run it as root (for example with sudo).');
    expect(result.stderr).not.toMatch(/EACCES|EPERM|at .*\.js:\d+/);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
  });
});
