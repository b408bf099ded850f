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

/** Runs work while sampling every process command line every few ms; returns its result and every line seen. */
export async function whileSampling<T>(work: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
  const seen = new Set<string>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const line of commandLines()) seen.add(line);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    return { result: await work(), seen: [...seen] };
  } finally {
    sampling = false;
    await sampler;
  }
}
