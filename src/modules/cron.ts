import { z } from 'zod';
import { buildCrontabInstall, buildCrontabProbe, parseCrontabProbe, type CrontabState } from './cron/crontab-probe.js';
import {
  CronEnvError,
  joinCrontab,
  removeEnv,
  removeJob,
  renderEnv,
  renderJobLine,
  setEnv,
  setJob,
  splitCrontab,
  type JobEdit,
} from './cron/crontab.js';
import { boolField } from './lib/fields/schema-fields.js';
import { accountNameField } from './lib/fields/account-name-field.js';
import { defineModule, type Change, type Plan } from './types.js';

const SPECIAL = ['annually', 'daily', 'hourly', 'monthly', 'reboot', 'weekly', 'yearly'] as const;
const oneLine = (what: string) =>
  z.string({ error: `must be ${what} (a string)` }).regex(/^[^\n\r]*$/, `must be ${what} on one line (no line breaks)`);
const timeField = (what: string) =>
  z
    .union([z.string(), z.number().int().nonnegative()], {
      error: `must be a cron ${what} field such as *, 5, */10 or 1-5`,
    })
    .transform(String)
    .pipe(z.string().regex(/^\S+$/, `must be a cron ${what} field such as *, 5, */10 or 1-5 (no spaces)`))
    .default('*');

const schema = z
  .strictObject({
    name: oneLine('a job name')
      .min(1, 'must not be empty')
      .describe(
        'Identity of the job, written as a `#Ansible: NAME` line above it (so crontabs managed by Ansible are recognised). With env: true, the variable name.',
      ),
    job: oneLine('a command')
      .optional()
      .describe(
        "The command cron runs (required with state present). With env: true, the variable's value. A % in it is cron's newline, as in any crontab.",
      ),
    minute: timeField('minute').describe('Minute (0-59, *, */5, 0,30, ...).'),
    hour: timeField('hour').describe('Hour (0-23, *, ...).'),
    day: timeField('day').describe('Day of the month (1-31, *, ...).'),
    month: timeField('month').describe('Month (1-12, *, ...).'),
    weekday: timeField('weekday').describe('Day of the week (0-6 with Sunday 0, *, ...).'),
    special_time: z
      .enum(SPECIAL, { error: `must be one of ${SPECIAL.join(', ')}` })
      .optional()
      .describe('Instead of the time fields: @reboot, @daily, ...'),
    user: accountNameField('user')
      .optional()
      .describe(
        'Whose crontab to edit. Unset: the user the task runs as (root with become). With cron_file: the user column written in the file (default root).',
      ),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe('present: the job (or variable) is in the crontab as given. absent: it is removed.'),
    disabled: boolField(false).describe('Keep the job but commented out (a # in front of its line).'),
    env: boolField(false).describe('Manage a variable line NAME="job" instead of a job.'),
    insertafter: z
      .string()
      .optional()
      .describe('With env and a new variable: put it after this variable (default: at the top).'),
    insertbefore: z.string().optional().describe('With env and a new variable: put it before this variable.'),
    cron_file: z
      .string()
      .regex(
        /^(\/[^\n\r]*|[A-Za-z0-9_-]+)$/,
        'must be an absolute path, or a file name in /etc/cron.d made of letters, digits, _ and - (cron ignores names with dots there)',
      )
      .optional()
      .describe(
        'Edit this file (a name relative to /etc/cron.d, or an absolute path such as /etc/crontab) instead of a user crontab; the job lines then carry the user column.',
      ),
    backup: boolField(false).describe(
      'With cron_file: keep the replaced file as FILE.TIMESTAMP~. Has no effect on user crontabs.',
    ),
  })
  .superRefine((args, ctx) => {
    if (args.state === 'present' && args.job === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'job is required with state present (the command to run, or the value with env: true)',
        path: ['job'],
      });
    const timed = (['minute', 'hour', 'day', 'month', 'weekday'] as const).filter((f) => args[f] !== '*');
    if (args.special_time !== undefined && timed.length > 0)
      ctx.addIssue({
        code: 'custom',
        message: `give special_time or the time fields (${timed.join(', ')}), not both`,
        path: ['special_time'],
      });
    if (args.env && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(args.name))
      ctx.addIssue({
        code: 'custom',
        message: 'with env: true, name must be a variable name (letters, digits, _)',
        path: ['name'],
      });
    if (args.insertafter !== undefined && args.insertbefore !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give insertafter or insertbefore, not both', path: ['insertafter'] });
  });

type Args = z.infer<typeof schema>;

function cronFilePath(args: Args): string | undefined {
  if (args.cron_file === undefined) return undefined;
  return args.cron_file.startsWith('/') ? args.cron_file : `/etc/cron.d/${args.cron_file}`;
}

function describeTarget(args: Args): string {
  const file = cronFilePath(args);
  if (file !== undefined) return file;
  return args.user !== undefined ? `the crontab of ${args.user}` : 'the crontab of the task user';
}

function editLines(args: Args, lines: string[]): JobEdit {
  if (args.env) {
    if (args.state === 'absent') return removeEnv(lines, args.name);
    return setEnv(lines, args.name, renderEnv(args.name, args.job!), {
      insertafter: args.insertafter,
      insertbefore: args.insertbefore,
    });
  }
  if (args.state === 'absent') return removeJob(lines, args.name);
  const time = {
    minute: args.minute,
    hour: args.hour,
    day: args.day,
    month: args.month,
    weekday: args.weekday,
    specialTime: args.special_time,
  };
  const user = args.cron_file !== undefined ? (args.user ?? 'root') : undefined;
  return setJob(lines, args.name, renderJobLine(time, args.job!, { disabled: args.disabled, user }));
}

function summarize(args: Args, edit: JobEdit, after: string[]): Pick<Change, 'summary' | 'from' | 'to'> {
  const what = args.env ? `variable ${args.name}` : `cron job "${args.name}"`;
  const where = describeTarget(args);
  if (edit.action === 'remove') return { summary: `remove ${what} from ${where}`, from: edit.before, to: 'absent' };
  const line =
    after.find((l) => (args.env ? l.startsWith(`${args.name}=`) : false)) ??
    after[after.indexOf(`#Ansible: ${args.name}`) + 1];
  if (edit.action === 'add') return { summary: `add ${what} to ${where}`, from: 'absent', to: line };
  return { summary: `update ${what} in ${where}`, from: edit.before, to: line };
}

export const module = defineModule<Args, CrontabState>({
  name: 'cron',
  summary: 'Add, change or remove a cron job (or a crontab variable) in a user crontab or a file in /etc/cron.d.',
  description: [
    "Edits crontabs exactly as Ansible's cron module writes them: each job under a `#Ansible: NAME` line, so crontabs Ansible",
    'already manages are picked up, and a job line that exists without its header is adopted rather than duplicated. Other',
    'lines are kept as they are. The probe reads `crontab -l` (no crontab reads as empty) or the cron file; the plan computes',
    'the new text, shown as a diff, and installs it with `crontab -` through stdin (so nothing in a job reaches a command',
    'line) or writes the cron file atomically. Several cron tasks on one crontab each rewrite it once.',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'A nightly job for the application user',
      yaml: `- cron:\n    name: clear sessions\n    user: www\n    minute: "15"\n    hour: "3"\n    job: /srv/www/venv/bin/python /srv/www/app/manage.py clearsessions`,
    },
    {
      title: 'A job in /etc/cron.d',
      yaml: `- cron:\n    name: backup\n    cron_file: app-backup\n    user: postgres\n    special_time: daily\n    job: pg_dump app > /var/backups/app.sql`,
    },
    {
      title: 'A variable for the whole crontab',
      yaml: `- cron:\n    name: MAILTO\n    env: true\n    job: ops@example.org`,
    },
    { title: 'Remove a job', yaml: `- cron:\n    name: clear sessions\n    user: www\n    state: absent` },
  ],
  probe(args) {
    return buildCrontabProbe({ user: args.user, file: cronFilePath(args) });
  },
  parse(output) {
    return parseCrontabProbe(output.stdout);
  },
  plan(args, current): Plan {
    if (current.kind === 'error')
      return { changes: [], failed: `cannot read ${describeTarget(args)}: ${current.message}` };
    const file = cronFilePath(args);
    if (current.kind === 'missing' && args.state === 'absent') return { changes: [] };
    const before = current.kind === 'found' ? current.text : '';
    let edit: JobEdit;
    try {
      edit = editLines(args, splitCrontab(before));
    } catch (error) {
      if (error instanceof CronEnvError) return { changes: [], failed: error.message };
      throw error;
    }
    if (edit.action === 'none') return { changes: [] };
    const after = joinCrontab(edit.lines);
    const described = summarize(args, edit, edit.lines);
    const diff = { path: file ?? describeTarget(args), before, after };
    if (file !== undefined) {
      return { changes: [{ kind: 'put', path: file, content: after, backup: args.backup, ...described, diff }] };
    }
    return {
      changes: [{ kind: 'command', command: buildCrontabInstall(args.user), stdin: after, ...described, diff }],
    };
  },
});
