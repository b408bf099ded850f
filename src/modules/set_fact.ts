import { z } from 'zod';
import { defineModule } from './types.js';

const schema = z
  .record(z.string().regex(/^[A-Za-z_]\w*$/, 'fact names must be valid variable names'), z.unknown())
  .describe('Variables to set for this host: name: value.');

export const module = defineModule<Record<string, unknown>, undefined>({
  name: 'set_fact',
  summary: 'Set host variables from values computed during the run (controller only).',
  description:
    'The variables keep their types and stay set for the rest of the run, above play and inventory variables. `cacheable` is accepted and ignored.',
  schema,
  examples: [{ title: 'Compute a path once', yaml: `- set_fact:\n    app_root: "/opt/{{ app }}"\n    workers: 4` }],
  plan(args) {
    const { cacheable: _ignored, ...facts } = args;
    return { changes: [], facts };
  },
});
