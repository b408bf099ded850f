import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  contentFileFields,
  parseContentFile,
  planContentFile,
  probeContentFile,
  type ContentArgs,
} from './lib/file-modules/content-module.js';
import type { PathState } from './lib/probe/path-probe.js';
import { defineModule } from './types.js';

const schema = z.object({
  src: z
    .string({ error: 'src is required: the template file on the controller' })
    .min(1)
    .describe(
      "The template on the controller: looked up in the role's templates/ directory, then relative to the playbook. Jinja2, as Ansible renders it (trim_blocks on, lstrip_blocks off, the trailing newline kept); a *.mustache file is rendered with mustache ({{#list}}...{{/list}}). An undefined variable is an error.",
    ),
  ...contentFileFields,
});

type Args = z.infer<typeof schema> &
  ContentArgs & {
    /** Set by prepare: the rendered text. */
    content?: string;
  };

export const module = defineModule<Args, PathState>({
  name: 'template',
  summary: 'Render a Jinja2 (or mustache) template on the controller and write the result to a file on the host.',
  description: [
    "Renders src with the task's variables on the controller (no HTML escaping; an undefined variable fails the task),",
    'then behaves exactly like copy with that content: atomic put only when the sha256 differs, attribute-only fixes,',
    'before/after diff in check mode. Templates are Jinja2 as in Ansible; a src ending in .mustache is rendered with mustache.',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'An nginx site',
      yaml: `- template:\n    src: nginx-site.conf.mustache\n    dest: /etc/nginx/sites-available/app\n    mode: '0644'\n  notify: reload nginx`,
    },
    {
      title: 'A sudoers drop-in, checked before it goes live',
      yaml: `- template:\n    src: sudoers-deploy.mustache\n    dest: /etc/sudoers.d/deploy\n    mode: '0440'\n    validate: visudo -cf %s`,
    },
  ],
  prepare(args, ctx) {
    const local = ctx.resolveLocalFile('templates', args.src);
    return { ...args, content: ctx.render(readFileSync(local, 'utf8'), local) };
  },
  probe(args) {
    return probeContentFile(args.dest);
  },
  parse(output) {
    return parseContentFile(output);
  },
  plan(args, current, ctx) {
    if (args.content === undefined)
      return { changes: [], failed: `template: ${args.src} was not rendered on the controller` };
    return { ...planContentFile(args, args.content, current, ctx), result: { dest: args.dest } };
  },
});
