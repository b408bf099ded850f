/** Probe and plan that keep a systemd service enabled and running (the uWSGI emperor behind the vassals). */
import { quote } from '../../remote/quote.js';
import type { Change } from '../types.js';

export interface ServiceState {
  /** systemd's LoadState: loaded, not-found, masked... */
  load?: string;
  /** ActiveState: active, inactive, failed, activating... */
  active?: string;
  /** UnitFileState: enabled, disabled, static, generated (SysV script)... */
  unitFile?: string;
}

const ENABLED = new Set([
  'enabled',
  'enabled-runtime',
  'static',
  'generated',
  'alias',
  'indirect',
  'linked',
  'linked-runtime',
]);

/** Prints svc_load=, svc_active=, svc_file= lines. */
export function buildServiceProbe(service: string): string {
  return `systemctl show -p LoadState -p ActiveState -p UnitFileState -- ${quote(service)} 2>/dev/null | sed -n -e 's/^LoadState=/svc_load=/p' -e 's/^ActiveState=/svc_active=/p' -e 's/^UnitFileState=/svc_file=/p'`;
}

export function parseServiceFields(fields: Map<string, string>): ServiceState {
  return {
    load: fields.get('svc_load') || undefined,
    active: fields.get('svc_active') || undefined,
    unitFile: fields.get('svc_file') || undefined,
  };
}

/** The start/enable the service needs; `missing` when systemd does not know it. */
export function planServiceRunning(service: string, state: ServiceState): { changes: Change[]; missing: boolean } {
  if (state.load !== 'loaded') return { changes: [], missing: true };
  const enable = !ENABLED.has(state.unitFile ?? '');
  const start = state.active !== 'active' && state.active !== 'activating' && state.active !== 'reloading';
  const changes: Change[] = [];
  if (enable && start) {
    changes.push({
      kind: 'command',
      command: `systemctl enable --now -- ${quote(service)}`,
      summary: `enable and start ${service}`,
      from: `${state.unitFile}, ${state.active}`,
      to: 'enabled, active',
    });
  } else if (enable) {
    changes.push({
      kind: 'command',
      command: `systemctl enable -- ${quote(service)}`,
      summary: `enable ${service} at boot`,
      from: state.unitFile,
      to: 'enabled',
    });
  } else if (start) {
    changes.push({
      kind: 'command',
      command: `systemctl start -- ${quote(service)}`,
      summary: `start ${service}`,
      from: state.active,
      to: 'active',
    });
  }
  return { changes, missing: false };
}
