import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import {
  contentFileFields,
  parseContentFile,
  planContentFile,
  probeContentFile,
  type ContentArgs,
} from './lib/file-modules/content-module.js';
import type { PathState } from './lib/probe/path-probe.js';
import { decodeText } from './lib/probe/probe-fields.js';
import { defineModule, type FileSource } from './types.js';
import { DroverError } from '../errors.js';

export class CopySourceError extends DroverError {
  override name = 'CopySourceError';
}

const schema = z
  .object({
    content: z
      .unknown()
      .optional()
      .transform((value) => (value === undefined || typeof value === 'string' ? value : JSON.stringify(value)))
      .describe(
        "The file's content, written exactly as given (a trailing newline only if it is there). Lists and maps are written as JSON.",
      ),
    src: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A file on the controller to copy: looked up in the role's files/ directory, then relative to the playbook. Directories are not supported.",
      ),
    ...contentFileFields,
  })
  .superRefine((args, ctx) => {
    if ((args.content === undefined) === (args.src === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of content (the text) or src (a file on the controller)',
        path: ['content'],
      });
    }
  });

type Args = z.infer<typeof schema> &
  ContentArgs & {
    /** Set by prepare for a binary src: the bytes, base64. */
    contentBase64?: string;
    /** Set by prepare for a src over STREAMED_SRC_BYTES: the file, hashed but not read into memory. */
    source?: FileSource;
  };

/**
 * A src larger than this is never held in memory: prepare hashes it as a stream, the put sends it
 * as it is read, and it is shown without a diff, as a binary file is. Smaller ones are read whole,
 * so text files among them get before/after diffs.
 */
export const STREAMED_SRC_BYTES = 1024 * 1024;

/**
 * Size and sha256 of each streamed src, by path and the stat fields a rewrite changes: every host
 * of a play prepares the task, and they share one pass over the file instead of one each.
 */
const sourceDigests = new Map<string, Promise<FileSource>>();

function digestSource(path: string): Promise<FileSource> {
  const stat = statSync(path, { bigint: true });
  const key = [path, stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join('\0');
  let digest = sourceDigests.get(key);
  if (!digest) {
    digest = hashFile(path);
    sourceDigests.set(key, digest);
    digest.catch(() => sourceDigests.delete(key));
  }
  return digest;
}

/**
 * The file's size and sha256 from one read through a single reused buffer, so hashing leaves no
 * chunks behind for the garbage collector (the size as read, should it have changed since stat).
 */
async function hashFile(path: string): Promise<FileSource> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(256 * 1024);
  let size = 0;
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await file.close();
  }
  return { path, size, sha256: hash.digest('hex') };
}

export const module = defineModule<Args, PathState>({
  name: 'copy',
  summary: 'Write a file on the host from inline content or a file on the controller.',
  description: [
    'Puts a file on the host atomically (temporary file in the same directory, owner/group/mode, optional validate, then',
    'rename), only when its sha256 differs. Attribute-only differences become chown/chgrp/chmod. Check mode and --diff show',
    'the before/after text for files up to 256 KiB. A src over 1 MiB is hashed and sent as it is read, never held in',
    'memory, and is shown without a diff, as binary files are. The destination directory must exist.',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'A settings file from inline content',
      yaml: `- copy:\n    dest: /etc/app/settings.env\n    content: |\n      DATABASE_URL=postgres://app@localhost/app\n      DEBUG=0\n    owner: root\n    group: www-data\n    mode: '0640'`,
    },
    {
      title: 'A file shipped with the role',
      yaml: `- copy:\n    src: supervisor-celery.conf\n    dest: /etc/supervisor/conf.d/celery.conf\n    backup: true`,
    },
  ],
  async prepare(args, ctx) {
    if (args.src === undefined) return args;
    const local = resolve(ctx.resolveLocalFile('files', args.src));
    const stat = statSync(local);
    if (stat.isDirectory()) {
      throw new CopySourceError(
        `copy: src ${args.src} is a directory; copying directories is not supported, copy each file (loop) instead`,
      );
    }
    const dest = args.dest.endsWith('/') ? `${args.dest}${basename(args.src)}` : args.dest;
    if (stat.size > STREAMED_SRC_BYTES) return { ...args, dest, source: await digestSource(local) };
    const bytes = readFileSync(local);
    const text = decodeText(bytes);
    return text === undefined
      ? { ...args, dest, contentBase64: bytes.toString('base64') }
      : { ...args, dest, content: text };
  },
  probe(args) {
    return probeContentFile(args.dest);
  },
  parse(output) {
    return parseContentFile(output);
  },
  plan(args, current, ctx) {
    if (args.source !== undefined)
      return { ...planContentFile(args, { source: args.source }, current, ctx), result: { dest: args.dest } };
    if (args.content === undefined && args.contentBase64 === undefined) {
      return { changes: [], failed: `copy: src ${args.src} was not read on the controller` };
    }
    const content = args.contentBase64 !== undefined ? Buffer.from(args.contentBase64, 'base64') : args.content!;
    const plan = planContentFile(args, content, current, ctx);
    return { ...plan, result: { dest: args.dest } };
  },
});
