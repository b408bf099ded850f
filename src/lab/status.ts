import { isContainerProcess } from './container.js';
import { resolveLabPaths } from './paths.js';
import { probeSsh } from './ssh-probe.js';
import { readLabState, type LabState } from './state-file.js';
import type { LabHost, LabStatus } from './types.js';

/** Status of the named hosts: running when sshd answers on port 22, starting while only the container runs. */
export async function labStatus(hostNames: string[]): Promise<LabStatus> {
  const paths = resolveLabPaths();
  const state = await readLabState(paths.stateFile);
  return statusFromState(state, hostNames, paths.key, paths.knownHosts);
}

export async function statusFromState(
  state: LabState,
  hostNames: string[],
  key: string,
  knownHosts: string,
): Promise<LabStatus> {
  const hosts = await Promise.all(
    hostNames.map(async (name): Promise<LabHost> => {
      const record = state.hosts[name];
      if (!record) return { name, address: '', state: 'stopped' };
      if (await probeSsh(record.address, 1500)) return { name, address: record.address, state: 'running' };
      const alive = await isContainerProcess(record.pid, name);
      return { name, address: record.address, state: alive ? 'starting' : 'stopped' };
    }),
  );
  return { hosts, key, knownHosts };
}
