import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from './errors.js';

/** The Debian mirrors this machine itself uses; the lab's hosts and apt-cacher-ng use the same ones. */
export interface AptMirrors {
  debian: string;
  security?: string;
}

interface SourceEntry {
  uri: string;
  suites: string[];
}

/** Reads deb822 stanzas (URIs:/Suites:) from a .sources file. */
export function parseDeb822Sources(text: string): SourceEntry[] {
  const entries: SourceEntry[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    const types = (fields.get('types') ?? 'deb').split(/\s+/);
    if (!types.includes('deb') || fields.get('enabled')?.toLowerCase() === 'no') continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) entries.push({ uri, suites });
  }
  return entries;
}

/** Reads one-line `deb [opts] URI SUITE COMPONENTS...` entries from sources.list. */
export function parseOneLineSources(text: string): SourceEntry[] {
  const entries: SourceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match) entries.push({ uri: match[1], suites: [match[2]] });
  }
  return entries;
}

/** Picks the main archive and the security archive out of the machine's apt sources. */
export function pickMirrors(entries: SourceEntry[]): AptMirrors | undefined {
  const usable = entries.filter((e) => /^https?:\/\//.test(e.uri));
  const isSecurity = (e: SourceEntry) => e.suites.some((s) => s.endsWith('-security') || s.endsWith('/updates'));
  const main = usable.find((e) => !isSecurity(e));
  if (!main) return undefined;
  const security = usable.find(isSecurity);
  return { debian: main.uri.replace(/\/+$/, ''), security: security?.uri.replace(/\/+$/, '') };
}

/** Reads /etc/apt/sources.list.d/*.sources and /etc/apt/sources.list (or another root, for tests). */
export async function readAptMirrors(aptDir = '/etc/apt'): Promise<AptMirrors> {
  const entries: SourceEntry[] = [];
  const dir = join(aptDir, 'sources.list.d');
  const files = await readdir(dir).catch(() => [] as string[]);
  for (const name of files.sort()) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    if (name.endsWith('.sources')) entries.push(...parseDeb822Sources(text));
    else if (name.endsWith('.list')) entries.push(...parseOneLineSources(text));
  }
  entries.push(...parseOneLineSources(await readFile(join(aptDir, 'sources.list'), 'utf8').catch(() => '')));
  const mirrors = pickMirrors(entries);
  if (!mirrors) {
    throw new LabError(
      `no http(s) Debian mirror found in ${dir}/*.sources or ${aptDir}/sources.list; the lab builds its hosts from the mirror this machine uses. Add a Debian source there (for example a debian.sources file with URIs: and Suites: bookworm).`,
    );
  }
  return mirrors;
}
