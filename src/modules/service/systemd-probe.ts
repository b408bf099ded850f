/** Reads a systemd unit's state with systemctl (read-only) and parses the answer. */
import { quote } from '../../remote/quote.js';
import { parseProbeFields } from '../lib/probe/probe-fields.js';

export interface UnitState {
  /** systemd runs as PID 1 on the host (/run/systemd/system exists). */
  systemd: boolean;
  /** Absent when the task names no unit (daemon_reload alone). */
  unit?: {
    id: string;
    /** loaded, not-found, masked, bad-setting, error */
    loadState: string;
    /** active, reloading, inactive, failed, activating, deactivating */
    activeState: string;
    subState: string;
    /** enabled, disabled, static, masked, indirect, generated, transient, alias, ... ('' when unknown) */
    unitFileState: string;
    /** First line of `systemctl is-enabled` and its exit status. */
    isEnabled: string;
    isEnabledCode: number;
    /** The unit file changed on disk since systemd loaded it. */
    needDaemonReload: boolean;
    /** The program of the unit's first ExecStart, when it is not on the host (its package was removed). */
    missingProgram?: string;
  };
}

/** Sh printing `key=value` lines: systemd=yes|no, then the unit's properties. */
export function buildSystemdProbe(name: string | undefined): string {
  const lines = ['if [ ! -d /run/systemd/system ]; then echo systemd=no; exit 0; fi', 'echo systemd=yes'];
  if (name !== undefined) {
    const unit = quote(name);
    lines.push(
      `systemctl show -p Id -p LoadState -p ActiveState -p SubState -p UnitFileState -p NeedDaemonReload -- ${unit} 2>/dev/null`,
      `e=$(systemctl is-enabled -- ${unit} 2>/dev/null); echo "IsEnabledCode=$?"`,
      `printf 'IsEnabled=%s\\n' "$(printf '%s\\n' "$e" | head -n 1)"`,
      // systemctl show prints ExecStart as "{ path=/usr/sbin/nginx ; argv[]=... }".
      `p=$(systemctl show -p ExecStart --value -- ${unit} 2>/dev/null | sed -n 's/^{ path=\\([^ ;]*\\).*/\\1/p' | head -n 1)`,
      `if [ -n "$p" ] && [ ! -e "$p" ]; then printf 'MissingProgram=%s\\n' "$p"; fi`,
    );
  }
  return lines.join('\n');
}

export function parseSystemdProbe(stdout: string, name: string | undefined): UnitState {
  const fields = parseProbeFields(stdout);
  if (fields.get('systemd') !== 'yes') return { systemd: false };
  if (name === undefined) return { systemd: true };
  return {
    systemd: true,
    unit: {
      id: fields.get('Id') || name,
      // systemctl show answers nothing at all for some unloadable names: treat that as not found.
      loadState: fields.get('LoadState') || 'not-found',
      activeState: fields.get('ActiveState') || 'inactive',
      subState: fields.get('SubState') ?? '',
      unitFileState: fields.get('UnitFileState') ?? '',
      isEnabled: fields.get('IsEnabled') ?? '',
      isEnabledCode: Number(fields.get('IsEnabledCode') ?? '1'),
      needDaemonReload: fields.get('NeedDaemonReload') === 'yes',
      ...(fields.get('MissingProgram') ? { missingProgram: fields.get('MissingProgram') } : {}),
    },
  };
}

const RUNNING = new Set(['active', 'activating', 'reloading']);

/** Ansible counts activating units as running too (a start is already under way). */
export function isRunning(activeState: string): boolean {
  return RUNNING.has(activeState);
}

/** Unit files without an [Install] section cannot be enabled or disabled. */
const NOT_TOGGLEABLE = new Set(['static', 'generated', 'transient']);

export function canToggleEnabled(unit: NonNullable<UnitState['unit']>): boolean {
  return !NOT_TOGGLEABLE.has(unit.isEnabled) && !NOT_TOGGLEABLE.has(unit.unitFileState);
}

/** Enabled as Ansible reads it: `is-enabled` exits 0, except for units only reachable as indirect or alias. */
export function isEnabled(unit: NonNullable<UnitState['unit']>): boolean {
  return unit.isEnabledCode === 0 && unit.isEnabled !== 'indirect' && unit.isEnabled !== 'alias';
}

export function isMasked(unit: NonNullable<UnitState['unit']>): boolean {
  return (
    unit.loadState === 'masked' ||
    unit.unitFileState === 'masked' ||
    unit.unitFileState === 'masked-runtime' ||
    unit.isEnabled === 'masked'
  );
}
