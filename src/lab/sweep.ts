import { readdir } from 'node:fs/promises';
import { readCommandLine } from './process.js';

/** PIDs of systemd-nspawn processes running one of the lab's containers (found even without a state file). */
export async function findLabNspawnPids(baseImage: string): Promise<Array<{ pid: number; machine?: string }>> {
  const found: Array<{ pid: number; machine?: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readCommandLine(Number(entry));
    if (!cmdline || !cmdline[0]?.endsWith('systemd-nspawn')) continue;
    if (!cmdline.some((arg) => arg.startsWith(`--overlay=${baseImage}:`))) continue;
    const machine = cmdline.find((arg) => arg.startsWith('--machine='))?.slice('--machine='.length);
    found.push({ pid: Number(entry), machine });
  }
  return found;
}
