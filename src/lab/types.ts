export interface LabHost {
  name: string;
  address: string;
  state: 'running' | 'stopped' | 'starting';
}

export interface LabStatus {
  hosts: LabHost[];
  /** Private key that logs in as root on every lab host. */
  key: string;
  /** known_hosts holding every lab host's key, by inventory name and by address. */
  knownHosts: string;
}

export type LabLog = (line: string) => void;
