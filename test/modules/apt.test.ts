import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as apt } from '../../src/modules/apt.js';
import type { CommandChange } from '../../src/modules/types.js';

/** Probe output as the host prints it (dpkg-query, apt-cache policy, apt-get -s autoremove). */
const PROBE = [
  'cache_age=90000',
  'dpkg=python3\tii \t3.11.2-1+b1',
  'dpkg=curl\tii \t7.88.1-10+deb12u5',
  'dpkg=apache2\trc \t2.4.62-1~deb12u1',
  'dpkg=vim\tun \t',
  'policy=nginx-light',
  'candidate=1.22.1-9+deb12u11',
  'policy=python3',
  'candidate=3.11.2-1+b1',
  'policy=curl',
  'candidate=7.88.1-10+deb12u8',
  'policy=vim',
  'candidate=2:9.0.1378-2',
  'policy=ghost',
  'candidate=(none)',
  'autoremove=libfoo1',
  '',
].join('\n');

const state = apt.parse!({ stdout: PROBE, code: 0 }, parseArgs(apt, { name: 'xz-utils' }));

function plan(raw: unknown, probed = state) {
  return apt.plan(parseArgs(apt, raw), probed, { host: 'web1' });
}

function only(raw: unknown): CommandChange {
  const { changes, failed } = plan(raw);
  expect(failed).toBeUndefined();
  expect(changes).toHaveLength(1);
  return changes[0] as CommandChange;
}

describe('apt: probe parsing', () => {
  it('reads installed versions, candidates, config-only packages and the list age', () => {
    expect(state.cacheAge).toBe(90000);
    expect(state.packages.get('python3')).toEqual({ status: 'ii', installed: '3.11.2-1+b1', candidate: '3.11.2-1+b1' });
    expect(state.packages.get('apache2')).toEqual({ status: 'rc' });
    expect(state.packages.get('nginx-light')).toEqual({ candidate: '1.22.1-9+deb12u11' });
    expect(state.packages.get('ghost')).toBeUndefined();
    expect(state.autoremovable).toEqual(['libfoo1']);
  });
});

describe('apt: plan', () => {
  it('installs a missing package with the candidate version in the summary and from/to', () => {
    const change = only({ name: 'nginx-light' });
    expect(change).toMatchObject({
      summary: 'install nginx-light (1.22.1-9+deb12u11)',
      from: 'absent',
      to: '1.22.1-9+deb12u11',
    });
    expect(change.command).toContain('DEBIAN_FRONTEND=noninteractive');
    expect(change.command).toContain('DPkg::Lock::Timeout=300');
    expect(change.command).toMatch(/apt-get install .* -- nginx-light$/);
    expect(change.command).not.toContain('apt-get update');
  });

  it('installs all missing names in one apt-get call, leaving installed ones out', () => {
    const change = only({ name: ['python3', 'nginx-light', 'vim'] });
    expect(change.command.match(/apt-get install/g)).toHaveLength(1);
    expect(change.command).toMatch(/-- nginx-light vim$/);
    expect(change.summary).toBe('install nginx-light (1.22.1-9+deb12u11), vim (2:9.0.1378-2)');
    expect(change.from).toBe('absent');
    expect(change.to).toBe('nginx-light 1.22.1-9+deb12u11, vim 2:9.0.1378-2');
  });

  it('changes nothing when every package is installed, however old the lists are', () => {
    expect(plan({ name: ['python3', 'curl'], update_cache: true }).changes).toEqual([]);
  });

  it('refreshes the lists inside the install command only when they are older than cache_valid_time', () => {
    expect(only({ name: 'nginx-light', update_cache: true, cache_valid_time: 3600 }).command).toMatch(
      /apt-get update .*&& apt-get install/,
    );
    const fresh = only({ name: 'nginx-light', update_cache: true, cache_valid_time: 100000 });
    expect(fresh.command).not.toContain('apt-get update');
    expect(only({ name: 'nginx-light', update_cache: true }).summary).toBe(
      'install nginx-light (1.22.1-9+deb12u11) after refreshing the package lists (25 h old)',
    );
  });

  it('fails with a hint when apt does not know a package and no refresh is due', () => {
    expect(plan({ name: 'ghost' }).failed).toBe(
      'apt does not know ghost on web1: check the name, or add update_cache: true to refresh the package lists first',
    );
    expect(only({ name: 'ghost', update_cache: true }).to).toBe('version known after apt-get update');
    // Versions unknown before the refresh are said once, not after every name.
    expect(only({ name: ['ghost', 'phantom'], update_cache: true })).toMatchObject({
      summary: 'install ghost, phantom after refreshing the package lists (25 h old)',
      from: 'absent',
      to: 'version known after apt-get update',
    });
  });

  it('upgrades to the candidate with state latest, and pins a version with state present', () => {
    expect(only({ name: ['curl', 'python3'], state: 'latest' })).toMatchObject({
      summary: 'upgrade curl (7.88.1-10+deb12u5 → 7.88.1-10+deb12u8)',
      from: 'curl 7.88.1-10+deb12u5',
      to: 'curl 7.88.1-10+deb12u8',
    });
    expect(plan({ name: 'curl' }).changes).toEqual([]);
    const pinned = only({ name: 'curl=7.88.1-10+deb12u1', allow_downgrade: true });
    expect(pinned.summary).toBe('change curl (7.88.1-10+deb12u5 → 7.88.1-10+deb12u1)');
    expect(pinned.command).toMatch(/--allow-downgrades -- curl=7.88.1-10\+deb12u1$/);
    expect(plan({ name: 'python3=3.11.2-1+b1' }).changes).toEqual([]);
  });

  it('removes installed packages, purges config-only ones with purge, and autoremoves in the same call', () => {
    expect(only({ name: ['curl', 'vim', 'apache2'], state: 'absent' })).toMatchObject({
      summary: 'remove curl (7.88.1-10+deb12u5)',
      from: 'curl 7.88.1-10+deb12u5',
      to: 'curl absent',
    });
    const purge = only({ name: ['curl', 'apache2'], state: 'absent', purge: true, autoremove: true });
    expect(purge.summary).toBe(
      'purge curl (7.88.1-10+deb12u5); purge the configuration files of apache2, autoremove libfoo1',
    );
    expect(purge.command).toMatch(/apt-get purge .*--autoremove -- curl apache2$/);
    expect(plan({ name: ['vim', 'nginx-light'], state: 'absent' }).changes).toEqual([]);
  });

  it('sets recommends only when asked, and passes dpkg options', () => {
    expect(only({ name: 'nginx-light', install_recommends: 'no' }).command).toContain('--no-install-recommends');
    expect(only({ name: 'nginx-light', install_recommends: true }).command).toContain('--install-recommends');
    expect(only({ name: 'nginx-light' }).command).not.toContain('recommends');
    expect(only({ name: 'nginx-light', dpkg_options: 'force-confnew' }).command).toContain(
      'Dpkg::Options::=--force-confnew',
    );
  });

  it('autoremoves on its own when the packages are right', () => {
    expect(only({ name: 'python3', autoremove: true })).toMatchObject({
      summary: 'autoremove unused packages: libfoo1',
      to: 'absent',
    });
  });

  it('a refresh-only task refreshes as upkeep (which only a real run runs), never as a change', () => {
    const real = plan({ update_cache: true });
    expect(real.changes).toEqual([]);
    expect(real.upkeep?.map((c) => c.summary)).toEqual(['refresh the package lists (25 h old)']);
    expect(real.upkeep?.[0].command).toMatch(/apt-get .*update/);
    expect(real.result?.msg).toBe('the package lists are refreshed first (they were 25 h old)');
    expect(plan({ update_cache: true, cache_valid_time: 100000 }).upkeep).toBeUndefined();
    const never = apt.parse!({ stdout: '', code: 0 }, parseArgs(apt, { update_cache: true }));
    expect(plan({ update_cache: true, cache_valid_time: 100000 }, never).upkeep?.[0].summary).toBe(
      'refresh the package lists (never refreshed)',
    );
  });

  it('rejects names that are not Debian package names, so nothing can reach apt-get as an option or shell text', () => {
    for (const bad of ["nginx'; touch /tmp/x", '-o APT::x=1', 'a b', 'Nginx', '$(id)']) {
      expect(() => parseArgs(apt, { name: bad })).toThrow(/must be a Debian package name/);
    }
    expect(() => parseArgs(apt, {})).toThrow(/name is required/);
    expect(() => parseArgs(apt, { name: 'curl=1', state: 'latest' })).toThrow(/without =VERSION/);
    expect(() => parseArgs(apt, { name: 'a1', pkg: 'b1' })).toThrow(
      /give name once: name and pkg are the same parameter/,
    );
  });
});
