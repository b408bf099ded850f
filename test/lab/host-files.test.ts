import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeb822Sources } from '../../src/lab/apt-mirror.js';
import { LAB_APT_GET_WRAPPER, renderAptSources } from '../../src/lab/host-files.js';

describe('apt sources of a lab host', () => {
  it('names exactly the mirrors of the machine, with the suites bookworm needs', () => {
    const text = renderAptSources({
      debian: 'http://mirror.unusual.test:8080/pub/debian-archive',
      security: 'https://sec.unusual.test/debsec',
    });
    expect(parseDeb822Sources(text)).toEqual([
      { uri: 'http://mirror.unusual.test:8080/pub/debian-archive', suites: ['bookworm', 'bookworm-updates'] },
      { uri: 'https://sec.unusual.test/debsec', suites: ['bookworm-security'] },
    ]);
    expect(text).not.toMatch(/debian\.org/);
  });

  it('leaves the security stanza out when the machine has no security mirror', () => {
    const text = renderAptSources({ debian: 'http://mirror.unusual.test/debian' });
    expect(parseDeb822Sources(text).map((e) => e.uri)).toEqual(['http://mirror.unusual.test/debian']);
  });
});

describe('the apt-get wrapper of a lab host', () => {
  /** Runs the wrapper with a fake apt-get that sleeps (stalls) on its first `stalls` update runs. */
  function runWrapper(args: string[], stalls: number) {
    const dir = mkdtempSync(join(tmpdir(), 'drover-apt-wrapper-'));
    const wrapper = join(dir, 'apt-get');
    const fake = join(dir, 'real-apt-get');
    writeFileSync(wrapper, LAB_APT_GET_WRAPPER, { mode: 0o755 });
    writeFileSync(
      fake,
      `#!/bin/sh\nn=$(cat ${dir}/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > ${dir}/count\necho "run $n: $*"\nif [ "$1" = update ] && [ $n -le ${stalls} ]; then sleep 30; fi\nexit 0\n`,
      { mode: 0o755 },
    );
    const result = spawnSync(wrapper, args, {
      encoding: 'utf8',
      env: { ...process.env, DROVER_LAB_REAL_APT_GET: fake, DROVER_LAB_APT_STALL_S: '1' },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('kills an update that stalls and tries again, saying so', () => {
    const result = runWrapper(['update', '-q'], 2);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('run 1: update -q\nrun 2: update -q\nrun 3: update -q\n');
    expect(result.stderr).toContain('drover lab: apt-get update stalled (attempt 1); trying again');
    expect(result.stderr).toContain('(attempt 2)');
  });

  it('gives up after four stalled attempts with the timeout status', () => {
    const result = runWrapper(['update'], 10);
    expect(result.code).toBe(124);
    expect(result.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('runs any other apt-get command once, as it is, whatever it takes', () => {
    const result = runWrapper(['install', '-y', 'hello'], 10);
    expect(result).toEqual({ code: 0, stdout: 'run 1: install -y hello\n', stderr: '' });
  });
});
