import { z } from 'zod';
import { defineModule } from './types.js';

const ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'noop', 'clear_host_errors'] as const;
const schema = z.object({
  action: z
    .enum(ACTIONS)
    .describe(
      'What to do: flush_handlers runs notified handlers now; end_play / end_host stop the play for all hosts / this host; clear_host_errors makes the failed and unreachable hosts of the play take part again; noop does nothing.',
    ),
});

export const module = defineModule<z.infer<typeof schema>, undefined>({
  name: 'meta',
  summary: 'Engine actions: flush_handlers, end_play, end_host, clear_host_errors, noop.',
  schema,
  freeForm: 'action',
  examples: [
    { title: 'Run notified handlers before the next tasks', yaml: `- meta: flush_handlers` },
    {
      title: 'Let the hosts that failed in a block go on',
      yaml: `- block:\n    - command: /opt/app/migrate\n  always:\n    - meta: clear_host_errors`,
    },
  ],
  plan() {
    return { changes: [] };
  },
});
