import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { contentFileFields, parseContentFile, planContentFile, probeContentFile, type ContentArgs } from './lib/file-modules/content-module.js';
import type { PathState } from './lib/probe/path-probe.js';
import { decodeText } from './lib/probe/probe-fields.js';
import { defineModule } from './types.js';

export class CopySourceError extends Error {
  override name = 'CopySourceError';
}

const schema = z
  .object({
    content: z
      .unknown()
      .optional()
      .transform((value) => (value === undefined || typeof value === 'string' ? value : JSON.stringify(value)))
      .describe('The file\'s content, written exactly as given (a trailing newline only if it is there). Lists and maps are written as JSON.'),
    src: z.string().min(1).optional().describe('A file on the controller to copy: looked up in the role\'s files/ directory, then relative to the playbook. Directories are not supported.'),
    ...contentFileFields,
  })
  .superRefine((args, ctx) => {
    if ((args.content === undefined) === (args.src === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of content (the text) or src (a file on the controller)', path: ['content'] });
    }
  });

type Args = z.infer<typeof schema> & ContentArgs & {
  /** Set by prepare for a binary src: the bytes, base64. */
  contentBase64?: string;
};

export const module = defineModule<Args, PathState>({
  name: 'copy',
  summary: 'Write a file on the host from inline content or a file on the controller.',
  description: [
    'Puts a file on the host atomically (temporary file in the same directory, owner/group/mode, optional validate, then',
    'rename), only when its sha256 differs. Attribute-only differences become chown/chgrp/chmod. Check mode and --diff show',
    'the before/after text for files up to 256 KiB. The destination directory must exist.',
  ].join(' '),
  schema: schema as unknown as z.ZodType<Args>,
  examples: [
    { title: 'A settings file from inline content', yaml: `- copy:\n    dest: /etc/app/settings.env\n    content: |\n      DATABASE_URL=postgres://app@localhost/app\n      DEBUG=0\n    owner: root\n    group: www-data\n    mode: '0640'` },
    { title: 'A file shipped with the role', yaml: `- copy:\n    src: supervisor-celery.conf\n    dest: /etc/supervisor/conf.d/celery.conf\n    backup: true` },
  ],
  prepare(args, ctx) {
    if (args.src === undefined) return args;
    const local = ctx.resolveLocalFile('files', args.src);
    if (statSync(local).isDirectory()) {
      throw new CopySourceError(`copy: src ${args.src} is a directory; copying directories is not supported, copy each file (loop) instead`);
    }
    const bytes = readFileSync(local);
    const dest = args.dest.endsWith('/') ? `${args.dest}${basename(args.src)}` : args.dest;
    const text = decodeText(bytes);
    return text === undefined ? { ...args, dest, contentBase64: bytes.toString('base64') } : { ...args, dest, content: text };
  },
  probe(args) {
    return probeContentFile(args.dest);
  },
  parse(output) {
    return parseContentFile(output);
  },
  plan(args, current, ctx) {
    if (args.content === undefined && args.contentBase64 === undefined) {
      return { changes: [], failed: `copy: src ${args.src} was not read on the controller` };
    }
    const content = args.contentBase64 !== undefined ? Buffer.from(args.contentBase64, 'base64') : args.content!;
    const plan = planContentFile(args, content, current, ctx);
    return { ...plan, result: { dest: args.dest } };
  },
});
