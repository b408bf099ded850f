/** The service module, registered both as `service` and as `systemd` (Ansible's two names for it on Debian). */
import { z } from 'zod';
import { quote } from '../remote/quote.js';
import { defineModule, type Change, type ModuleDefinition, type Plan } from './types.js';
import { optionalBoolField } from './lib/fields/optional-bool-field.js';
import { boolField } from './lib/fields/schema-fields.js';
import {
  buildSystemdProbe,
  canToggleEnabled,
  isEnabled,
  isMasked,
  isRunning,
  parseSystemdProbe,
  type UnitState,
} from './service/systemd-probe.js';

const STATES = ['started', 'stopped', 'restarted', 'reloaded'] as const;

const schema = z
  .strictObject({
    name: z
      .string({ error: 'must be a unit name such as nginx or nginx.service' })
      .regex(
        /^[^\s/-][^\s/]*$/,
        'must be a unit name such as nginx or nginx.service (no spaces or slashes, not starting with -)',
      )
      .optional()
      .describe('The unit: `nginx` means nginx.service; other types need their suffix (`backup.timer`). Alias: unit.'),
    unit: z.string().optional().describe('Alias of name.'),
    state: z
      .enum(STATES, { error: `must be one of ${STATES.join(', ')}` })
      .optional()
      .describe(
        'started/stopped: run or stop the unit when it is not already so. restarted/reloaded: always restart or reload (a change every run, as in Ansible); a unit that is not running is started instead.',
      ),
    enabled: optionalBoolField().describe(
      'Start the unit at boot (systemctl enable / disable). Unset leaves it as it is.',
    ),
    masked: optionalBoolField().describe(
      'Mask the unit so nothing can start it (systemctl mask / unmask). Unset leaves it as it is.',
    ),
    daemon_reload: boolField(false).describe(
      'Run systemctl daemon-reload first, when the unit file changed on disk since systemd read it (or always, when no name is given).',
    ),
    no_block: boolField(false).describe(
      'Queue the start/stop/restart/reload job and return without waiting for it to finish (--no-block).',
    ),
  })
  .superRefine((args, ctx) => {
    if (args.name !== undefined && args.unit !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'give the unit once: name and unit are the same parameter',
        path: ['name'],
      });
    const name = args.name ?? args.unit;
    if (name === undefined && !args.daemon_reload)
      ctx.addIssue({
        code: 'custom',
        message: 'name is required (e.g. name: nginx), unless the task only runs daemon_reload: true',
        path: ['name'],
      });
    if (
      name !== undefined &&
      args.state === undefined &&
      args.enabled === undefined &&
      args.masked === undefined &&
      !args.daemon_reload
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'nothing to do: give state (started, stopped, restarted, reloaded), enabled, masked or daemon_reload',
        path: ['state'],
      });
    }
  });

export type ServiceArgs = z.infer<typeof schema>;

function unitName(args: ServiceArgs): string | undefined {
  return args.name ?? args.unit;
}

function systemctl(verb: string, name: string, noBlock = false): string {
  return `systemctl ${verb}${noBlock ? ' --no-block' : ''} -- ${quote(name)}`;
}

/** A person's word for an ActiveState: inactive units are "stopped". */
function describeActive(activeState: string): string {
  return activeState === 'inactive' ? 'stopped' : activeState === 'active' ? 'started' : activeState;
}

export function planService(args: ServiceArgs, current: UnitState): Plan {
  if (!current.systemd) {
    return {
      changes: [],
      failed:
        'systemd is not running on this host (no /run/systemd/system): the service module manages systemd units only',
    };
  }
  const name = unitName(args);
  const changes: Change[] = [];
  const unit = current.unit;
  if (args.daemon_reload && (name === undefined || unit?.needDaemonReload)) {
    changes.push({
      kind: 'command',
      command: 'systemctl daemon-reload',
      summary: name === undefined ? 'reload systemd unit files' : `reload systemd unit files (${name} changed on disk)`,
    });
  }
  if (name === undefined || unit === undefined) return { changes };
  const result = {
    name: unit.id,
    status: {
      ActiveState: unit.activeState,
      SubState: unit.subState,
      LoadState: unit.loadState,
      UnitFileState: unit.unitFileState,
    },
  };
  const masked = isMasked(unit);
  if (unit.loadState === 'not-found' && !masked && (args.state !== undefined || args.enabled !== undefined)) {
    // What the task would do once the unit is installed (a package's units start disabled and stopped).
    const installed = planService(args, {
      ...current,
      unit: {
        ...unit,
        loadState: 'loaded',
        activeState: 'inactive',
        unitFileState: 'disabled',
        isEnabledCode: 1,
        isEnabled: 'disabled',
      },
    });
    return {
      ...installed,
      result,
      unmet: {
        missing: `could not find the requested service ${name} on this host (systemd has no unit ${unit.id})`,
        fix: 'install the package that provides it, or write its unit file, in an earlier task',
        providedBy: [{ package: name.replace(/\.service$/, '') }, { path: `/etc/systemd/system/${unit.id}` }],
      },
    };
  }
  if (unit.missingProgram !== undefined && (args.state === 'started' || args.state === 'restarted')) {
    // The unit is there but its program is gone: an earlier package install may bring it back (and start it).
    return {
      ...planService(args, { ...current, unit: { ...unit, missingProgram: undefined } }),
      result,
      unmet: {
        missing: `the program of ${unit.id} (${unit.missingProgram}) is not on this host`,
        fix: 'install its package in an earlier task',
        providedBy: [{ package: '*' }, { path: unit.missingProgram }],
      },
    };
  }
  // Unmask first and mask last: systemctl cannot disable a unit once it is masked.
  if (args.masked === false && masked) {
    changes.push({
      kind: 'command',
      command: systemctl('unmask', name),
      summary: `unmask ${name}`,
      from: 'masked',
      to: 'unmasked',
    });
  }
  if (args.enabled !== undefined && canToggleEnabled(unit)) {
    const enabled = isEnabled(unit);
    if (args.enabled !== enabled) {
      changes.push({
        kind: 'command',
        command: systemctl(args.enabled ? 'enable' : 'disable', name),
        summary: `${args.enabled ? 'enable' : 'disable'} ${name} at boot`,
        from: enabled ? 'enabled' : unit.isEnabled || 'disabled',
        to: args.enabled ? 'enabled' : 'disabled',
      });
    }
  }
  const running = isRunning(unit.activeState);
  const from = describeActive(unit.activeState);
  if (args.state === 'started' && !running) {
    changes.push({
      kind: 'command',
      command: systemctl('start', name, args.no_block),
      summary: `start ${name}`,
      from,
      to: 'started',
    });
  } else if (args.state === 'stopped' && running) {
    changes.push({
      kind: 'command',
      command: systemctl('stop', name, args.no_block),
      summary: `stop ${name}`,
      from,
      to: 'stopped',
    });
  } else if (args.state === 'restarted' || args.state === 'reloaded') {
    const verb = !running ? 'start' : args.state === 'restarted' ? 'restart' : 'reload';
    changes.push({
      kind: 'command',
      command: systemctl(verb, name, args.no_block),
      summary: `${verb} ${name}`,
      from,
      to: verb === 'start' ? 'started' : args.state,
    });
  }
  if (args.masked === true && !masked) {
    changes.push({
      kind: 'command',
      command: systemctl('mask', name),
      summary: `mask ${name}`,
      from: 'unmasked',
      to: 'masked',
    });
  }
  const starts = changes.some((change) => change.to === 'started' || change.to === 'restarted');
  return { changes, result, ...(starts ? { provides: [{ service: name }] } : {}) };
}

const DESCRIPTION = [
  'Starts, stops, restarts or reloads a systemd unit and enables, disables, masks or unmasks it, reading its state with',
  '`systemctl show` and `systemctl is-enabled` first: started/stopped and enabled change nothing when the unit is already so,',
  'while restarted and reloaded act on every run (as in Ansible; use handlers to restart only after a change). A unit that',
  'systemd does not know, or whose program is gone with its package, is a prerequisite: a run fails with a clear message;',
  'check says unknown when an earlier task of the run installs a package (that would bring it), and fails otherwise. Static, generated and transient units have no [Install] section, so',
  'enabled has no effect on them. daemon_reload runs only when the unit file changed on disk since systemd read it.',
].join(' ');

export function createServiceModule(moduleName: 'service' | 'systemd'): ModuleDefinition<ServiceArgs, UnitState> {
  return defineModule<ServiceArgs, UnitState>({
    name: moduleName,
    summary: 'Manage a systemd unit: started, stopped, restarted or reloaded; enabled at boot; masked.',
    description: moduleName === 'systemd' ? `${DESCRIPTION} Same module as service.` : DESCRIPTION,
    schema: schema,
    examples: [
      {
        title: 'nginx running and started at boot',
        yaml: `- ${moduleName}:\n    name: nginx\n    state: started\n    enabled: true`,
      },
      {
        title: 'Pick up a changed unit file and restart (as a handler)',
        yaml: `- name: restart app\n  ${moduleName}:\n    name: app.service\n    state: restarted\n    daemon_reload: true`,
      },
      {
        title: 'A unit that must never run',
        yaml: `- ${moduleName}:\n    name: apache2\n    state: stopped\n    enabled: false\n    masked: true`,
      },
    ],
    probe(args) {
      return buildSystemdProbe(unitName(args));
    },
    parse(output, args) {
      return parseSystemdProbe(output.stdout, unitName(args));
    },
    plan(args, current) {
      return planService(args, current);
    },
  });
}

export const module = createServiceModule('service');
