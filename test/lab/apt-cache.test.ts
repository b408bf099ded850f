import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAptBackends, renderAptCacheConfig } from '../../src/lab/apt-cache.js';
import { readAptMirrors } from '../../src/lab/apt-mirror.js';

/** An apt dir whose only source is a mirror no default would ever name. */
async function unusualAptDir(withSecurity: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drover-apt-'));
  await mkdir(join(dir, 'sources.list.d'));
  const stanzas = [
    'Types: deb\nURIs: http://mirror.unusual.test:8080/pub/debian-archive/\nSuites: bookworm bookworm-updates\nComponents: main\n',
  ];
  if (withSecurity)
    stanzas.push('Types: deb\nURIs: https://sec.unusual.test/debsec\nSuites: bookworm-security\nComponents: main\n');
  await writeFile(join(dir, 'sources.list.d', 'local.sources'), stanzas.join('\n'));
  return dir;
}

/** "Remap-NAME: patterns ; backends" lines, split. */
function remaps(config: string): Map<string, { patterns: string; backends: string }> {
  const found = new Map<string, { patterns: string; backends: string }>();
  for (const line of config.split('\n')) {
    const match = /^Remap-([a-z]+):\s*(.*?)\s*;\s*(.*)$/.exec(line);
    if (match) found.set(match[1], { patterns: match[2], backends: match[3] });
  }
  return found;
}

describe('apt-cacher-ng config of the lab', () => {
  it('sends Debian requests to the mirror of the machine apt sources, and nowhere else', async () => {
    const mirrors = await readAptMirrors(await unusualAptDir(true));
    const config = renderAptCacheConfig('/state/acng', '10.99.0.1', mirrors);
    const backends = renderAptBackends(mirrors);

    expect(backends).toBe('http://mirror.unusual.test:8080/pub/debian-archive/\n');
    const map = remaps(config);
    // The Debian remap reads its backend from the backends file above.
    expect(map.get('debrep')?.backends).toBe('file:backends_debian');
    expect(map.get('debrep')?.patterns).toContain('mirror.unusual.test:8080/pub/debian-archive');
    expect(map.get('secdeb')?.backends).toBe('https://sec.unusual.test/debsec/');
    expect(map.get('secdeb')?.patterns).toContain('sec.unusual.test/debsec');
    // Public Debian hosts may appear only as request patterns, never as a place to fetch from.
    const outsidePatterns = config
      .split('\n')
      .map((line) => (line.startsWith('Remap-') ? line.slice(line.indexOf(';')) : line))
      .join('\n');
    expect(outsidePatterns).not.toMatch(/debian\.org/);
    expect(config).toContain('BindAddress: 10.99.0.1');
    expect(config).toContain('CacheDir: /state/acng/cache');
  });

  it('has no security remap when the machine has no security source', async () => {
    const mirrors = await readAptMirrors(await unusualAptDir(false));
    const config = renderAptCacheConfig('/state/acng', '10.99.0.1', mirrors);
    expect([...remaps(config).keys()]).toEqual(['debrep']);
    expect(config).not.toMatch(/debian\.org/);
  });
});
