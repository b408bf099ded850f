import { z } from 'zod';
import {
  buildGuardProbe,
  parseGuards,
  planGuardedCommand,
  summarizeCommand,
  type GuardState,
} from './lib/plan/command-plan.js';
import { boolField } from './lib/fields/schema-fields.js';
import { shellInvocation } from './shell/invocation.js';
import { defineModule } from './types.js';

const schema = z.object({
  cmd: z
    .string({ error: 'give the shell command (shell: CMD, or cmd:)' })
    .min(1, 'must not be empty')
    .describe('The shell command line, run as written by /bin/sh (pipes, redirections, variables and && all work).'),
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
  executable: z
    .string()
    .min(1)
    .optional()
    .describe('The shell to run the command with instead of /bin/sh (called as EXECUTABLE -c CMD), e.g. /bin/bash.'),
  stdin: z.string().optional().describe('Text fed to the command on its standard input (never on the command line).'),
  stdin_add_newline: boolField(true).describe('Append a newline to stdin.'),
});

type Args = z.infer<typeof schema>;

export const module = defineModule<Args, GuardState | undefined>({
  name: 'shell',
  summary: "Run a command line through the host's shell (/bin/sh, or executable).",
  description: [
    'Runs the command line through a shell, so pipes, redirections, globs, variables and && work. The whole line is handed to',
    '`/bin/sh -c` as one quoted argument. Templated values are inserted as written, so prefer command (or its argv list)',
    'when arguments come from variables. `creates`/`removes` guards are probed first; without one the task always',
    'reports "changed" when run and "unknown" in check mode.',
  ].join(' '),
  schema: schema,
  freeForm: 'cmd',
  examples: [
    {
      title: 'A pipeline, run once',
      yaml: `- name: Export the schema\n  shell: pg_dump --schema-only app | gzip > /var/backups/schema.sql.gz\n  args:\n    creates: /var/backups/schema.sql.gz`,
    },
    {
      title: 'Bash features',
      yaml: `- shell: set -o pipefail && curl -fsS http://127.0.0.1:8000/health | grep -q ok\n  args:\n    executable: /bin/bash`,
    },
  ],
  probe(args) {
    return buildGuardProbe(args) ?? 'exit 0';
  },
  parse(output, args) {
    return args.creates === undefined && args.removes === undefined ? undefined : parseGuards(output);
  },
  plan(args, guards) {
    return planGuardedCommand(
      args,
      guards,
      {
        kind: 'command',
        command: shellInvocation(args.executable ?? '/bin/sh', args.cmd),
        cwd: args.chdir,
        stdin: args.stdin === undefined ? undefined : args.stdin_add_newline ? `${args.stdin}\n` : args.stdin,
        summary: `run: ${summarizeCommand(args.cmd)}`,
      },
      { cmd: args.cmd },
    );
  },
});
