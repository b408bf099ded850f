/** The lab: throwaway Debian hosts (systemd + sshd in systemd-nspawn containers) named after inventory hosts. */
export { labUp } from './up.js';
export { labDown } from './down.js';
export { labStatus } from './status.js';
export { listLabHosts } from './list-hosts.js';
export { labConnectionVars } from './connection-vars.js';
export { LabError } from './errors.js';
export { labSshArgs } from './remote-hosts.js';
export { resolveLabPaths } from './paths.js';
export { DEFAULT_SUBNET } from './subnet.js';
export type { LabHost, LabStatus } from './types.js';
