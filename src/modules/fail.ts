import { z } from 'zod';
import { defineModule } from './types.js';

const schema = z.object({
  msg: z.string().default('Failed as requested from task').describe('Why the play stops for this host.'),
});

export const module = defineModule<z.infer<typeof schema>, undefined>({
  name: 'fail',
  summary: 'Fail the host with a message (use with when).',
  schema,
  examples: [
    {
      title: 'Refuse an unsupported OS',
      yaml: `- fail:\n    msg: "only Debian is supported"\n  when: ansible_os_family != 'Debian'`,
    },
  ],
  plan(args) {
    return { changes: [], failed: args.msg };
  },
});
