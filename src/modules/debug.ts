import { z } from 'zod';
import { defineModule } from './types.js';
import { lookupPath, isMissing } from '../template/lookup.js';

const schema = z
  .object({
    msg: z.unknown().optional().describe('The message to print (templated). Defaults to "Hello world!" as in Ansible.'),
    var: z.string().optional().describe('Name of a variable to print instead of a message.'),
    verbosity: z.number().int().min(0).default(0).describe('Only print at this -v level or above.'),
  })
  .refine((args) => !(args.msg !== undefined && args.var !== undefined), { message: 'give msg or var, not both' });

type Args = z.infer<typeof schema> & { resolved?: unknown };

export const module = defineModule<Args, undefined>({
  name: 'debug',
  summary: 'Print a message or a variable during the run (runs on the controller, changes nothing).',
  schema: schema,
  examples: [
    { title: 'Print a message', yaml: `- debug:\n    msg: "deploying {{ app }} to {{ inventory_hostname }}"` },
    {
      title: 'Print a registered result',
      yaml: `- command: uname -r\n  register: kernel\n- debug:\n    var: kernel.stdout`,
    },
  ],
  prepare(args, ctx) {
    if (args.var === undefined) return args;
    const value = lookupPath([ctx.vars], args.var);
    return { ...args, resolved: isMissing(value) ? `VARIABLE IS NOT DEFINED: ${args.var}` : value };
  },
  plan(args, _current, ctx) {
    // As in Ansible: below its verbosity the task is skipped, and prints nothing.
    if (args.verbosity > (ctx.verbosity ?? 0))
      return { changes: [], skipReason: `verbosity threshold not met (needs -${'v'.repeat(args.verbosity)})` };
    const shown = args.var !== undefined ? { [args.var]: args.resolved } : (args.msg ?? 'Hello world!');
    return { changes: [], result: { msg: typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2) } };
  },
});
