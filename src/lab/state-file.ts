import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LabError } from './errors.js';

/** One lab host as recorded before each piece of it is created, so `lab down` can undo a partial start. */
export interface LabHostRecord {
  name: string;
  address: string;
  netns: string;
  veth: string;
  /** PID of the systemd-nspawn process, once started. */
  pid?: number;
}

/** Everything the lab created on this machine. */
export interface LabState {
  version: 1;
  subnet?: string;
  bridge?: { name: string; address: string; prefix: number };
  aptCache?: { address: string; pid?: number };
  hosts: Record<string, LabHostRecord>;
}

export function emptyState(): LabState {
  return { version: 1, hosts: {} };
}

export async function readLabState(file: string): Promise<LabState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return emptyState();
  }
  try {
    const parsed = JSON.parse(text) as LabState;
    return { ...emptyState(), ...parsed, hosts: parsed.hosts ?? {} };
  } catch (error) {
    throw new LabError(
      `lab state file ${file} is not valid JSON; remove it after checking \`ip netns list\` for leftover drover-lab-* namespaces`,
      {
        cause: error,
      },
    );
  }
}

/** Written through a temp file and a rename, so a crash never leaves half a record. */
export async function writeLabState(file: string, state: LabState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state, null, 2) + '\n');
  await rename(temp, file);
}
