import { z } from 'zod';
import {
  buildCtlCommand,
  rabbitUnavailable,
  rabbitNameField,
  rabbitmqNodeField,
  rabbitStateProbe,
  type RabbitState,
} from './rabbitmq/rabbitmqctl.js';
import { checkAliases, readAliased, type AliasSpec } from './lib/fields/aliases.js';
import { defineModule } from './types.js';

const NAME: AliasSpec = { field: 'name', aliases: ['vhost'], what: 'the vhost to manage' };

const schema = z
  .object({
    name: rabbitNameField('vhost')
      .optional()
      .describe('Name of the virtual host (required; alias: vhost), e.g. localhost_my_project or /shop.'),
    vhost: rabbitNameField('vhost').optional().describe('Alias of name.'),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe('present: the vhost exists. absent: it is deleted, with every queue, exchange and permission in it.'),
    node: rabbitmqNodeField,
  })
  .superRefine((args, ctx) => {
    checkAliases(args, NAME, ctx);
  })
  .transform((args) => ({ ...args, name: readAliased<string>(args, NAME)! }));

type Args = z.infer<typeof schema>;

export const module = defineModule<Args, RabbitState>({
  name: 'rabbitmq_vhost',
  summary: 'A RabbitMQ virtual host, present or absent.',
  description: [
    'Adds or deletes a virtual host with rabbitmqctl (add_vhost / delete_vhost, as the guides do by hand). The probe is',
    'one read-only `rabbitmqctl export_definitions`, so a vhost that exists is not a change. The task runs as root (the',
    "Erlang cookie of the broker is root's and rabbitmq's only).",
  ].join(' '),
  schema: schema,
  examples: [
    { title: "The application's vhost", yaml: `- rabbitmq_vhost:\n    name: localhost_my_project` },
    {
      title: 'Remove a vhost and everything in it',
      yaml: `- rabbitmq_vhost:\n    name: old_project\n    state: absent`,
    },
  ],
  ...rabbitStateProbe,
  plan(args, current, ctx) {
    // The broker cannot be read: what it holds is unknown, never "absent".
    const unmet = rabbitUnavailable(current);
    if (unmet) return { changes: [], unmet };
    const exists = current.vhosts.has(args.name);
    if (args.state === 'absent') {
      if (!exists) return { changes: [] };
      return {
        changes: [
          {
            kind: 'command',
            command: buildCtlCommand(args.node, [{ verb: 'delete_vhost', args: [args.name] }]),
            cwd: '/',
            summary: `delete vhost ${args.name}`,
            from: 'present',
            to: 'absent',
          },
        ],
      };
    }
    if (exists) return { changes: [] };
    return {
      changes: [
        {
          kind: 'command',
          command: buildCtlCommand(args.node, [{ verb: 'add_vhost', args: [args.name] }]),
          cwd: '/',
          summary: `add vhost ${args.name}`,
          from: 'absent',
          to: 'present',
        },
      ],
    };
  },
});
