import { LocalConnection } from './local.js';
import { SshConnection, type SshConnectionOptions } from './ssh.js';
import type { Connection, ConnectionSettings } from './types.js';

export {
  settingsFromHostVars,
  ConnectionSettingsError,
  LOGIN_VAR_NAMES,
  BECOME_VAR_NAMES,
  PASSWORD_VAR_NAMES,
  type ConnectionCliOptions,
} from './host-vars.js';
export { resolveSshSettings, type ResolvedSshSettings } from './ssh-settings.js';
export { SshConnection, MAX_CHANNELS_PER_CONNECTION, type SshConnectionOptions } from './ssh.js';
export { LocalConnection } from './local.js';
export type { HostKeyPolicy } from './host-key-check.js';
export * from './types.js';

/** Opens nothing yet: returns the transport for the host; the engine calls connect() once. */
export function createConnection(settings: ConnectionSettings, options: SshConnectionOptions = {}): Connection {
  if (settings.transport === 'local') return new LocalConnection(settings.host);
  return new SshConnection(settings, options);
}
