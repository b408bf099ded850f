import { z } from 'zod';
import { evaluateCondition } from '../template/expression.js';
import { defineModule } from './types.js';
import { boolField } from './lib/fields/schema-fields.js';

const schema = z.object({
  that: z
    .union([z.string(), z.array(z.union([z.string(), z.boolean()])), z.boolean()])
    .describe('Conditions (expressions like when) that must all be true.'),
  fail_msg: z.string().optional().describe('Message when an assertion fails (alias: msg).'),
  msg: z.string().optional().describe('Same as fail_msg.'),
  success_msg: z.string().default('All assertions passed').describe('Message when all pass.'),
  quiet: boolField(false).describe('Accepted for compatibility; drover prints little anyway.'),
});

type Args = z.infer<typeof schema> & { failedCondition?: string | null };

export const module = defineModule<Args, undefined>({
  name: 'assert',
  summary: 'Check that conditions hold, and fail the host with a message when one does not.',
  schema: schema,
  examples: [
    {
      title: 'Check inputs before deploying',
      yaml: `- assert:\n    that:\n      - app_port | int > 1024\n      - "'backend' in group_names"\n    fail_msg: "app_port must be above 1024 on backends"`,
    },
  ],
  prepare(args, ctx) {
    const conditions = Array.isArray(args.that) ? args.that : [args.that];
    const failedCondition = conditions.find((condition) => !evaluateCondition(condition, ctx.vars));
    return { ...args, failedCondition: failedCondition === undefined ? null : String(failedCondition) };
  },
  plan(args) {
    if (args.failedCondition)
      return { changes: [], failed: args.fail_msg ?? args.msg ?? `Assertion failed: ${args.failedCondition}` };
    return { changes: [], result: { msg: args.success_msg } };
  },
});
