/**
 * drover lab setup with dpkg-query and apt-get replaced by scripts on PATH that answer as a
 * machine lacking some packages would, and log how they were called: what would be installed,
 * and what is said when it cannot be.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/** A PATH whose dpkg-query says only `installed` are installed, and whose apt-get logs its arguments. */
function fakeDebian(installed: string[], options: { aptGet?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'drover-setup-'));
  const log = join(dir, 'apt.log');
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  script('dpkg-query', installed.map((name) => `echo "${name} ii "`).join('\n'));
  if (options.aptGet !== false) script('apt-get', `echo "$*" >> ${log}`);
  // Only the fakes and node: no apt-get of this machine is reachable.
  symlinkSync(process.execPath, join(dir, 'node'));
  const env = { PATH: dir };
  return { env, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('drover lab setup', () => {
  it('installs, after apt-get update, only what the demo lacks, saying what each is for', async () => {
    const debian = fakeDebian(['debootstrap', 'iproute2', 'openssh-client', 'util-linux', 'ca-certificates']);
    const result = await runCli(['lab', 'setup', '--for', 'demo'], { env: debian.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('systemd-container: runs lab hosts (systemd-nspawn)');
    expect(result.stdout).toContain('apt-cacher-ng: caches Debian packages for lab hosts');
    expect(debian.calls()).toEqual([
      'update -qq',
      'install -y -qq --no-install-recommends systemd-container apt-cacher-ng',
    ]);
  });

  it('installs nothing when nothing is missing', async () => {
    const all = (await import('../../src/lab/host-packages.js')).packagesFor('tests').map((p) => p.name);
    const debian = fakeDebian(all);
    const result = await runCli(['lab', 'setup', '--for', 'tests'], { env: debian.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('every package the tests need is installed');
    expect(debian.calls()).toEqual([]);
  });

  it('names the packages when it cannot install them: an error for the demo, a warning for the tests', async () => {
    const debian = fakeDebian([], { aptGet: false });
    const demo = await runCli(['lab', 'setup', '--for', 'demo'], { env: debian.env });
    expect(demo.code).not.toBe(0);
    expect(demo.stderr).toMatch(
      /the demo needs packages this machine lacks, and this machine has no apt-get .*install: debootstrap systemd-container/,
    );
    const tests = await runCli(['lab', 'setup', '--for', 'tests', '--if-possible'], { env: debian.env });
    expect(tests.code).toBe(0);
    expect(tests.stderr).toMatch(/\[WARNING\]: drover lab setup: the tests need packages .*ansible.*chromium/);
  });
});
