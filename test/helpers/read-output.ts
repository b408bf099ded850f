/** Reading drover's plain output the way a person scans it: task banners and PLAY RECAP rows. */

/** The names in `TASK [name] ****` banners, in order. */
export function readTaskBanners(stdout: string): string[] {
  return [...stdout.matchAll(/^TASK \[(.*)\] \*+$/gm)].map((match) => match[1]);
}

/** PLAY RECAP rows by host: `web1 : ok=1  changed=0 ...` -> { web1: { ok: 1, changed: 0, ... } }. */
export function readRecap(stdout: string): Record<string, Record<string, number>> {
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) throw new Error(`no PLAY RECAP in:\n${stdout}`);
  const rows: Record<string, Record<string, number>> = {};
  for (const line of stdout.slice(at).split('\n').slice(1)) {
    const match = /^(\S+)\s+: (.*)$/.exec(line);
    if (!match) continue;
    rows[match[1]] = Object.fromEntries([...match[2].matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  }
  return rows;
}
