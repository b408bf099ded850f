import { join } from 'node:path';
import { z } from 'zod';
import { quote } from '../remote/quote.js';
import { parseContentFile, probeContentFile } from './lib/file-modules/content-module.js';
import { planFileContent } from './lib/plan/file-content-plan.js';
import type { PathState } from './lib/probe/path-probe.js';
import { buildSectionedProbe, readSection, splitSectionedOutput } from './lib/probe/probe-sections.js';
import { boolField, pathField, principalField } from './lib/fields/schema-fields.js';
import { checkIniValue, maskEnvironment, quoteEnvValue, renderProgramConf } from './supervisor_program/conf.js';
import {
  allStarted,
  anyActive,
  buildStatusProbe,
  describeProcesses,
  parseStatusProbe,
  type SupervisorStatus,
} from './supervisor_program/status.js';
import { wholeNumberField } from './lib/fields/whole-number-field.js';
import { defineModule, type Change, type Plan } from './types.js';

const STATES = ['present', 'started', 'stopped', 'restarted', 'absent'] as const;

/** A single-line conf value that supervisor reads back exactly. */
const iniValue = z.string().superRefine((value, ctx) => {
  const problem = checkIniValue(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const autorestartField = z
  .union([z.boolean(), z.enum(['true', 'false', 'unexpected', 'yes', 'no'])], {
    error: 'must be true, false or unexpected',
  })
  .transform((value) =>
    value === 'unexpected' ? 'unexpected' : value === true || value === 'true' || value === 'yes',
  );

const schema = z
  .strictObject({
    name: z
      .string({ error: 'name is required: the program name (supervisorctl status NAME)' })
      .regex(
        /^[^\s:;#%,[\]/-][^\s:;#%,[\]/]*$/,
        'must be a supervisor program name: no spaces and none of : ; # % , [ ] /, not starting with -',
      )
      .describe('The program: [program:NAME] in CONF_DIR/NAME.conf, its processes are NAME:*.'),
    command: iniValue
      .optional()
      .describe(
        'The command supervisor runs (required unless state is absent). Supervisor expands %(program_name)s, %(process_num)d and the like in it; write %% for a literal %.',
      ),
    state: z
      .enum(STATES, { error: `must be one of ${STATES.join(', ')}` })
      .default('present')
      .describe(
        'present: the configuration is written and loaded (autostart decides whether it runs). started / stopped: also running / stopped. restarted: restarted on every run (unless the update just restarted it). absent: stopped, configuration removed and unloaded.',
      ),
    directory: iniValue.optional().describe('Working directory of the processes.'),
    user: iniValue.optional().describe('Run the processes as this user (supervisord runs as root).'),
    numprocs: wholeNumberField('a number of processes')
      .optional()
      .describe(
        'How many processes to run; with more than 1, process_name must contain %(process_num) (defaults to %(program_name)s_%(process_num)02d).',
      ),
    numprocs_start: wholeNumberField().optional().describe('The first process_num.'),
    process_name: iniValue.optional().describe("Name of each process, e.g. '%(program_name)s_%(process_num)02d'."),
    priority: wholeNumberField().optional().describe('Start order among programs (lower starts first).'),
    autostart: boolField(true).describe(
      'Start the processes when supervisord starts (and when the program is loaded).',
    ),
    autorestart: autorestartField
      .optional()
      .describe(
        "Restart exited processes: true, false or unexpected (only after an exit code not in exitcodes). Supervisor's default: unexpected.",
      ),
    startsecs: wholeNumberField('a number of seconds')
      .optional()
      .describe('Seconds a process must stay up to count as started.'),
    startretries: wholeNumberField().optional().describe('Start attempts before a process is FATAL.'),
    stopsignal: z
      .enum(['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2'])
      .optional()
      .describe('Signal sent to stop a process.'),
    stopwaitsecs: wholeNumberField('a number of seconds')
      .optional()
      .describe('Seconds to wait after stopsignal before SIGKILL.'),
    stopasgroup: boolField(false).describe('Send the stop signal to the whole process group (children too).'),
    killasgroup: boolField(false).describe('Send SIGKILL to the whole process group.'),
    redirect_stderr: boolField(false).describe("Send the processes' stderr to the stdout log."),
    stdout_logfile: iniValue
      .optional()
      .describe("Log file of stdout (supervisor's default: AUTO, under /var/log/supervisor)."),
    stderr_logfile: iniValue.optional().describe('Log file of stderr.'),
    environment: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are letters, digits and _'),
        z.union([z.string(), z.number(), z.boolean()]).transform(String),
      )
      .optional()
      .describe(
        'Environment variables of the processes. Values may be secrets: they are masked in diffs, never put on a command line, and the file is then written with mode 0600. A value may not contain both \' and ".',
      ),
    conf_dir: pathField
      .default('/etc/supervisor/conf.d')
      .describe('Directory supervisord includes (Debian: /etc/supervisor/conf.d/*.conf).'),
  })
  .superRefine((args, ctx) => {
    if (args.state !== 'absent' && args.command === undefined)
      ctx.addIssue({ code: 'custom', message: 'command is required unless state is absent', path: ['command'] });
    if (args.numprocs === 0)
      ctx.addIssue({ code: 'custom', message: 'numprocs must be 1 or more', path: ['numprocs'] });
    if ((args.numprocs ?? 1) > 1 && args.process_name !== undefined && !args.process_name.includes('%(process_num)')) {
      ctx.addIssue({
        code: 'custom',
        message:
          'with numprocs > 1, process_name must contain %(process_num)d or %(process_num)02d so each process has its own name',
        path: ['process_name'],
      });
    }
    for (const [key, value] of Object.entries(args.environment ?? {})) {
      const problem = checkIniValue(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${key}: ${problem}`, path: ['environment', key] });
      try {
        quoteEnvValue(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `${key}: ${(error as Error).message}`, path: ['environment', key] });
      }
    }
  });

type Args = z.infer<typeof schema>;

interface ProgramState {
  conf: PathState;
  status: SupervisorStatus;
}

export function confPath(args: Args): string {
  return join(args.conf_dir, `${args.name}.conf`);
}

export function renderConf(args: Args): string {
  const processName =
    args.process_name ?? ((args.numprocs ?? 1) > 1 ? '%(program_name)s_%(process_num)02d' : undefined);
  return renderProgramConf({
    name: args.name,
    settings: [
      ['command', args.command],
      ['process_name', processName],
      ['numprocs', args.numprocs],
      ['numprocs_start', args.numprocs_start],
      ['directory', args.directory],
      ['user', args.user],
      ['priority', args.priority],
      ['autostart', args.autostart],
      ['autorestart', args.autorestart],
      ['startsecs', args.startsecs],
      ['startretries', args.startretries],
      ['stopsignal', args.stopsignal],
      ['stopwaitsecs', args.stopwaitsecs],
      ['stopasgroup', args.stopasgroup],
      ['killasgroup', args.killasgroup],
      ['redirect_stderr', args.redirect_stderr],
      ['stdout_logfile', args.stdout_logfile],
      ['stderr_logfile', args.stderr_logfile],
    ],
    environment: args.environment,
  });
}

const group = (name: string) => quote(`${name}:*`);

function ctl(verb: string, args: Args, current: ProgramState, to: string): Change {
  return {
    kind: 'command',
    command: `supervisorctl ${verb} ${group(args.name)}`,
    summary: `${verb} ${args.name}`,
    from: describeProcesses(current.status),
    to,
  };
}

function planAbsent(args: Args, current: ProgramState): Plan {
  const path = confPath(args);
  const changes: Change[] = [];
  if (current.status.loaded && anyActive(current.status)) changes.push(ctl('stop', args, current, 'stopped'));
  if (current.conf.type !== 'absent') {
    const before = current.conf.content?.toString('utf8');
    changes.push({
      kind: 'command',
      command: `rm -f -- ${quote(path)}`,
      summary: `remove ${path}`,
      from: 'present',
      to: 'absent',
      diff: before === undefined ? undefined : { path, before: maskEnvironment(before), after: '' },
    });
  }
  if (current.status.loaded || current.conf.type !== 'absent') {
    changes.push({
      kind: 'command',
      command: `supervisorctl reread && supervisorctl update ${quote(args.name)}`,
      summary: `unload program ${args.name} (supervisorctl update ${args.name})`,
      from: current.status.loaded ? 'loaded' : 'not loaded',
      to: 'not loaded',
    });
  }
  return { changes };
}

function planPresent(args: Args, current: ProgramState): Plan {
  const path = confPath(args);
  const content = renderConf(args);
  const secret = Object.keys(args.environment ?? {}).length > 0;
  const filePlan = planFileContent({ path, content, mode: secret ? '0600' : undefined }, current.conf);
  if (filePlan.failed) return filePlan;
  // The conf.d directory comes with the package: supervisor's own prerequisite covers it.
  const changes: Change[] = filePlan.changes.map((change) =>
    change.diff === undefined
      ? change
      : {
          ...change,
          diff: {
            ...change.diff,
            before: maskEnvironment(change.diff.before),
            after: maskEnvironment(change.diff.after, change.diff.before),
          },
        },
  );
  const rewritten = changes.some((c) => c.kind === 'put');
  const needsUpdate = rewritten || !current.status.loaded;
  if (needsUpdate) {
    const summary = current.status.loaded
      ? `apply the changed configuration of ${args.name} (supervisorctl update ${args.name} restarts it)`
      : `load program ${args.name} (supervisorctl update ${args.name})`;
    changes.push({
      kind: 'command',
      command: `supervisorctl reread && supervisorctl update ${quote(args.name)}`,
      summary,
      from: current.status.loaded ? 'loaded (old configuration)' : 'not loaded',
      to: 'loaded',
    });
  }
  // After an update supervisor starts the group when autostart is on; that decides what is left to do.
  const runningAfterUpdate = args.autostart;
  if (args.state === 'started' && (needsUpdate ? !runningAfterUpdate : !allStarted(current.status)))
    changes.push(ctl('start', args, current, 'RUNNING'));
  if (args.state === 'stopped' && (needsUpdate ? runningAfterUpdate : anyActive(current.status)))
    changes.push(ctl('stop', args, current, 'STOPPED'));
  if (args.state === 'restarted' && !(needsUpdate && current.status.loaded && runningAfterUpdate)) {
    changes.push(
      needsUpdate && !runningAfterUpdate
        ? ctl('start', args, current, 'RUNNING')
        : ctl('restart', args, current, 'RUNNING'),
    );
  }
  return { changes };
}

export function planSupervisorProgram(args: Args, current: ProgramState): Plan {
  const result = { name: args.name, processes: current.status.processes };
  const plan = args.state === 'absent' ? planAbsent(args, current) : planPresent(args, current);
  if (!current.status.installed)
    return {
      ...plan,
      result,
      unmet: {
        missing: 'supervisor is not installed on this host (no supervisorctl)',
        fix: 'install it in an earlier task (apt: name=supervisor)',
        providedBy: [{ package: 'supervisor' }],
      },
    };
  if (!current.status.daemonUp && (current.status.loaded || args.state !== 'absent'))
    return {
      ...plan,
      result,
      unmet: {
        missing: `supervisord does not answer: ${current.status.output.trim() || 'no output'}`,
        fix: 'start it first (service: name=supervisor state=started)',
        providedBy: [{ service: 'supervisor' }, { package: 'supervisor' }],
      },
    };
  return { ...plan, result };
}

export const module = defineModule<Args, ProgramState>({
  name: 'supervisor_program',
  summary:
    'A supervisor program: its conf.d file, loaded with reread + update of that program only, and its processes started/stopped.',
  description: [
    'Writes CONF_DIR/NAME.conf with one [program:NAME] section built from the parameters and compares the WHOLE file with',
    'the one on the host, so a hand edit is found and undone. A new or changed file is applied with `supervisorctl reread`',
    'and `supervisorctl update NAME`: only this program is (re)started, other programs are never touched. The state of the',
    'processes comes from `supervisorctl status NAME:*`. environment values are treated as secrets: masked in diffs',
    '(a changed value shows as ********(changed)) and the file is written with mode 0600. absent stops the processes,',
    'removes the file and unloads the program. Supervisor expands %(...)s in command; environment values are written',
    'literally (% is doubled for you).',
  ].join(' '),
  schema: schema,
  secretArgs: ['environment'],
  examples: [
    {
      title: 'Four aiohttp processes on their own sockets (numprocs)',
      yaml: `- supervisor_program:\n    name: aiohttp\n    command: /opt/app/venv/bin/python main.py --path=/run/app/example_%(process_num)s.sock\n    directory: /opt/app\n    user: www-data\n    numprocs: 4\n    numprocs_start: 1\n    process_name: example_%(process_num)s\n    state: started`,
    },
    {
      title: 'A celery worker with secrets in its environment',
      yaml: `- supervisor_program:\n    name: celery\n    command: /opt/app/venv/bin/celery -A app worker -l info\n    directory: /opt/app\n    user: www\n    stopwaitsecs: 600\n    killasgroup: true\n    stopasgroup: true\n    redirect_stderr: true\n    stdout_logfile: /var/log/celery/worker.log\n    environment:\n      BROKER_URL: "amqp://app:{{ rabbitmq_password }}@localhost/app"\n    state: started`,
    },
    { title: 'Remove a program', yaml: `- supervisor_program:\n    name: old_worker\n    state: absent` },
  ],
  probe(args) {
    return buildSectionedProbe({ conf: probeContentFile(confPath(args)), status: buildStatusProbe(args.name) });
  },
  parse(output) {
    const sections = splitSectionedOutput(output.stdout);
    return {
      conf: parseContentFile(readSection(sections, 'conf')),
      status: parseStatusProbe(readSection(sections, 'status').stdout),
    };
  },
  plan(args, current, ctx) {
    return planSupervisorProgram(args, current);
  },
});
