import { readdirSync, readFileSync } from 'node:fs';

/** Every process command line on this machine, as ps would show it (arguments joined by spaces). */
export function commandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {}
  }
  return lines;
}
