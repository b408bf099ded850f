import { z } from 'zod';
import {
  buildGuardProbe,
  parseGuards,
  planGuardedCommand,
  summarizeCommand,
  type GuardState,
} from './lib/plan/command-plan.js';
import { boolField } from './lib/fields/schema-fields.js';
import { CommandSyntaxError, splitCommand, toCommandLine } from './lib/text/split-command.js';
import { defineModule } from './types.js';

const schema = z
  .object({
    cmd: z
      .string()
      .min(1, 'must not be empty')
      .optional()
      .describe(
        'The command to run. It is split into words like a shell would, but no shell runs it: `|`, `;`, `>` and `&&` are ordinary words (use shell for those).',
      ),
    argv: z
      .array(z.union([z.string(), z.number()]).transform(String))
      .min(1, 'must list at least the program')
      .optional()
      .describe('The command as a list: the program, then each argument exactly as given. Use instead of cmd.'),
    chdir: z.string().min(1).optional().describe('Change into this directory before running the command.'),
    creates: z
      .string()
      .min(1)
      .optional()
      .describe('A path or glob; when something matches it, the command is not run (the task is ok, as in Ansible).'),
    removes: z
      .string()
      .min(1)
      .optional()
      .describe('A path or glob; when nothing matches it, the command is not run (the task is ok, as in Ansible).'),
    stdin: z.string().optional().describe('Text fed to the command on its standard input (never on the command line).'),
    stdin_add_newline: boolField(true).describe('Append a newline to stdin.'),
    expand_argument_vars: boolField(true).describe(
      "Expand $VARS and a leading ~ in the words from the host's environment, as Ansible does. false keeps every word literal.",
    ),
  })
  .superRefine((args, ctx) => {
    if ((args.cmd === undefined) === (args.argv === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of cmd (the free-form command) or argv (a list)',
        path: [],
      });
      return;
    }
    if (args.cmd !== undefined) {
      try {
        if (splitCommand(args.cmd).length === 0)
          ctx.addIssue({ code: 'custom', message: 'the command is empty', path: ['cmd'] });
      } catch (error) {
        if (!(error instanceof CommandSyntaxError)) throw error;
        ctx.addIssue({
          code: 'custom',
          message: `${error.message}; close the quote or escape it with \\`,
          path: ['cmd'],
        });
      }
    }
  });

type Args = z.infer<typeof schema>;

export const module = defineModule<Args, GuardState | undefined>({
  name: 'command',
  summary: 'Run a program on the host without a shell (use shell for pipes and redirections).',
  description: [
    'Runs one program with its arguments. The command line is split into words (quotes group them) and each word is passed',
    'literally, so shell operators cannot sneak in through variables. With `creates` or `removes` the probe checks the guard',
    'first and the command does not run when it already holds (the task is ok); without a guard drover cannot know beforehand whether running it',
    'changes anything, so the task always reports "changed" when run and "unknown" in check mode.',
  ].join(' '),
  schema: schema,
  freeForm: 'cmd',
  examples: [
    {
      title: 'Run a migration once',
      yaml: `- name: Migrate the database\n  command: /opt/app/venv/bin/python manage.py migrate --noinput\n  args:\n    chdir: /opt/app\n    creates: /opt/app/.migrated`,
    },
    {
      title: 'Arguments as a list',
      yaml: `- command:\n    argv: [/usr/bin/createuser, --no-superuser, "{{ db_user }}"]`,
    },
  ],
  probe(args) {
    return buildGuardProbe(args) ?? 'exit 0';
  },
  parse(output, args) {
    return args.creates === undefined && args.removes === undefined ? undefined : parseGuards(output);
  },
  plan(args, guards) {
    const words = args.argv ?? splitCommand(args.cmd!);
    const text = args.cmd ?? toCommandLine(words, false);
    return planGuardedCommand(
      args,
      guards,
      {
        kind: 'command',
        command: toCommandLine(words, args.expand_argument_vars),
        cwd: args.chdir,
        stdin: args.stdin === undefined ? undefined : args.stdin_add_newline ? `${args.stdin}\n` : args.stdin,
        summary: `run: ${summarizeCommand(text)}`,
      },
      { cmd: words },
    );
  },
});
