import { z } from 'zod';
import { quote } from '../remote/quote.js';
import { planAttributeChanges, type WantedAttributes } from './lib/plan/attribute-plan.js';
import { isOctalMode } from './lib/plan/file-mode.js';
import { buildPathProbe, parsePathState, type PathState } from './lib/probe/path-probe.js';
import { boolField, modeField, principalField } from './lib/fields/schema-fields.js';
import { checkAliases, readAliased, type AliasSpec } from './lib/fields/aliases.js';
import { defineModule, type Change, type Plan } from './types.js';

const STATES = ['file', 'directory', 'touch', 'link', 'hard', 'absent'] as const;
const timeField = z.enum(['now', 'preserve'], { error: "must be 'now' or 'preserve'" });

const PATH: AliasSpec = { field: 'path', aliases: ['dest', 'name'], what: 'the path to manage' };

const schema = z
  .object({
    path: z.string().min(1).optional().describe('The path to manage (aliases: dest, name).'),
    dest: z.string().min(1).optional().describe('Alias of path.'),
    name: z.string().min(1).optional().describe('Alias of path.'),
    state: z
      .enum(STATES, { error: `must be one of ${STATES.join(', ')}` })
      .optional()
      .describe(
        "file: must exist, only attributes are set. directory: created with parents. touch: created if missing, times updated. link/hard: a symbolic/hard link to src. absent: removed (directories recursively). Default: the path's current type (directory with recurse), or file.",
      ),
    src: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Target of the link (state link or hard). A symlink target is used as written, relative ones relative to the link's directory.",
      ),
    owner: principalField.optional().describe('User name or uid that should own the path.'),
    group: principalField.optional().describe('Group name or gid of the path.'),
    mode: modeField
      .optional()
      .describe(
        "Permissions: octal as a quoted string ('0644', '2775') or symbolic ('u=rwX,g=rX,o='). An unquoted 0644 is read as the octal digits 644.",
      ),
    recurse: boolField(false).describe(
      'With state directory: set owner, group and mode on everything inside too (mode must then be octal).',
    ),
    follow: boolField(true).describe(
      'When path is a symlink, set attributes on its target (false: on the link itself).',
    ),
    force: boolField(false).describe('With state link or hard: replace an existing regular file at path.'),
    access_time: timeField.optional().describe("With state touch: 'now' (default) or 'preserve' the access time."),
    modification_time: timeField
      .optional()
      .describe("With state touch: 'now' (default) or 'preserve' the modification time."),
  })
  .superRefine((args, ctx) => {
    checkAliases(args, PATH, ctx);
    if ((args.state === 'link' || args.state === 'hard') && args.src === undefined) {
      ctx.addIssue({ code: 'custom', message: `state ${args.state} needs src (the link's target)`, path: ['src'] });
    }
    if (args.recurse && args.mode !== undefined && !isOctalMode(args.mode)) {
      ctx.addIssue({ code: 'custom', message: "with recurse, give mode in octal (e.g. '0755')", path: ['mode'] });
    }
    if (args.recurse && args.state !== undefined && args.state !== 'directory') {
      ctx.addIssue({ code: 'custom', message: 'recurse works with state: directory only', path: ['recurse'] });
    }
  });

/** The arguments with the path under its own name (see PATH). */
function resolveAliases(raw: Raw) {
  const { dest: _dest, name: _name, ...rest } = raw;
  return { ...rest, path: readAliased<string>(raw, PATH)! };
}

type Raw = z.infer<typeof schema>;
type Args = ReturnType<typeof resolveAliases>;
type State = (typeof STATES)[number];

export const module = defineModule<Raw, PathState>({
  name: 'file',
  summary: 'Manage a path: directory, symlink, hard link, empty file, removal, owner, group and mode.',
  description: [
    'Makes a path a directory, a symbolic or hard link, an (empty) file, or removes it, and sets owner, group and mode.',
    "It never changes a file's content (use copy or template). The probe reads the type, mode, owner, group and link target;",
    'only what differs is changed, so a second run reports nothing. state: touch updates the times every run (always',
    '"changed", as in Ansible) unless both access_time and modification_time are preserve.',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'An application directory',
      yaml: `- file:\n    path: /opt/app\n    state: directory\n    owner: www-data\n    group: www-data\n    mode: '0755'`,
    },
    {
      title: 'Enable a site with a symlink',
      yaml: `- file:\n    src: /etc/nginx/sites-available/app\n    dest: /etc/nginx/sites-enabled/app\n    state: link`,
    },
    {
      title: 'Remove the default site',
      yaml: `- file:\n    path: /etc/nginx/sites-enabled/default\n    state: absent`,
    },
  ],
  probe(raw) {
    const args = resolveAliases(raw);
    const onLink = args.state === 'link' || args.state === 'hard' || args.state === 'absent';
    return buildPathProbe(args.path, {
      follow: args.follow && !onLink,
      recurse: args.recurse ? { owner: args.owner, group: args.group, mode: args.mode } : undefined,
      sameFileAs: args.state === 'hard' ? args.src : undefined,
    });
  },
  parse(output) {
    return parsePathState(output);
  },
  plan(raw, current) {
    const args = resolveAliases(raw);
    // Without a state, an existing path keeps its type and only attributes change (as in Ansible).
    const state: State | 'attributes' =
      args.state ?? (args.recurse ? 'directory' : current.type === 'absent' ? 'file' : 'attributes');
    const attrs: WantedAttributes = { owner: args.owner, group: args.group, mode: args.mode };
    const attributesOf = (now: PathState) =>
      planAttributeChanges(args.path, attrs, now, {
        linkItself: !args.follow && now.type === 'link',
        recurse: args.recurse,
      });
    switch (state) {
      case 'absent':
        return planAbsent(args.path, current);
      case 'directory':
        return planDirectory(args.path, current, attributesOf);
      case 'touch':
        return planTouch(args, current, attributesOf);
      case 'link':
        return planSymlink(args, current, attrs);
      case 'hard':
        return planHardLink(args, current, attrs);
      case 'file':
        if (current.followedType === 'absent')
          return {
            changes: [],
            failed: `file ${args.path} does not exist; use state: touch to create an empty one, or copy to give it content`,
          };
        if (current.followedType !== 'file')
          return { changes: [], failed: `${args.path} is a ${current.followedType}, not a file` };
        return { changes: attributesOf(current) };
      default:
        return { changes: attributesOf(current) };
    }
  },
});

const CREATED = (type: 'file' | 'directory'): PathState => ({ type, followedType: type });

function planAbsent(path: string, current: PathState): Plan {
  if (current.type === 'absent') return { changes: [] };
  const what =
    current.type === 'directory'
      ? `directory ${path} and everything in it`
      : current.type === 'link'
        ? `symlink ${path}`
        : path;
  return {
    changes: [
      {
        kind: 'command',
        command: `rm -rf -- ${quote(path)}`,
        summary: `remove ${what}`,
        from: current.type,
        to: 'absent',
      },
    ],
  };
}

function planDirectory(path: string, current: PathState, attributesOf: (now: PathState) => Change[]): Plan {
  if (current.followedType === 'directory') return { changes: attributesOf(current) };
  if (current.type !== 'absent') {
    return {
      changes: [],
      failed: `${path} exists and is a ${current.type === 'link' ? 'symlink to a missing target' : current.type}; remove it first (state: absent) or choose another path`,
    };
  }
  const create: Change = {
    kind: 'command',
    command: `mkdir -p -- ${quote(path)}`,
    summary: `create directory ${path}`,
    from: 'absent',
    to: 'directory',
  };
  return { changes: [create, ...attributesOf(CREATED('directory'))], provides: [{ path }] };
}

function planTouch(args: Args, current: PathState, attributesOf: (now: PathState) => Change[]): Plan {
  const path = quote(args.path);
  if (current.followedType === 'absent') {
    if (current.type === 'link') return { changes: [], failed: `${args.path} is a symlink to a missing target` };
    const create: Change = {
      kind: 'command',
      command: `touch -- ${path}`,
      summary: `create empty file ${args.path}`,
      from: 'absent',
      to: 'file',
    };
    return { changes: [create, ...attributesOf(CREATED('file'))], provides: [{ path: args.path }] };
  }
  const flags = [args.access_time === 'preserve' ? '' : 'a', args.modification_time === 'preserve' ? '' : 'm'].join('');
  const changes: Change[] = [];
  if (flags !== '') {
    const which = flags === 'am' ? 'times' : flags === 'a' ? 'access time' : 'modification time';
    changes.push({
      kind: 'command',
      command: `touch -${flags} -- ${path}`,
      summary: `update ${which} of ${args.path}`,
    });
  }
  return { changes: [...changes, ...attributesOf(current)] };
}

/** Creates the link under a temporary name and renames it over path, so path is never missing. */
function replaceWithLink(path: string, src: string, symbolic: boolean): string {
  const tmp = quote(`${path}.drover-tmp`);
  return `rm -f -- ${tmp} && ln ${symbolic ? '-s ' : ''}-- ${quote(src)} ${tmp} && mv -Tf -- ${tmp} ${quote(path)}`;
}

function linkAttributes(path: string, attrs: WantedAttributes, now: PathState): Change[] {
  return planAttributeChanges(path, { owner: attrs.owner, group: attrs.group }, now, { linkItself: true });
}

function planSymlink(args: Args, current: PathState, attrs: WantedAttributes): Plan {
  const src = args.src!;
  if (current.type === 'link' && current.linkTarget === src)
    return { changes: linkAttributes(args.path, attrs, current) };
  if (current.type === 'directory')
    return {
      changes: [],
      failed: `${args.path} is a directory; remove it first (state: absent) to put a symlink there`,
    };
  if ((current.type === 'file' || current.type === 'other') && !args.force) {
    return {
      changes: [],
      failed: `refusing to replace the file ${args.path} with a symlink; set force: true to replace it`,
    };
  }
  const summary =
    current.type === 'link'
      ? `point symlink ${args.path} to ${src} (was ${current.linkTarget})`
      : `create symlink ${args.path} -> ${src}`;
  const change: Change = {
    kind: 'command',
    command: replaceWithLink(args.path, src, true),
    summary,
    from: current.type === 'link' ? `-> ${current.linkTarget}` : current.type,
    to: `-> ${src}`,
  };
  return { changes: [change, ...linkAttributes(args.path, attrs, { type: 'link', followedType: 'absent' })] };
}

function planHardLink(args: Args, current: PathState, attrs: WantedAttributes): Plan {
  const src = args.src!;
  if (!current.sameFileId) return { changes: [], failed: `src ${src} does not exist on the host` };
  const attributes = (now: PathState) => planAttributeChanges(args.path, attrs, now);
  if (current.type !== 'link' && current.fileId === current.sameFileId) return { changes: attributes(current) };
  if (current.type === 'directory')
    return {
      changes: [],
      failed: `${args.path} is a directory; remove it first (state: absent) to put a hard link there`,
    };
  if (current.type !== 'absent' && !args.force) {
    return {
      changes: [],
      failed: `refusing to replace ${args.path} with a hard link to ${src}; set force: true to replace it`,
    };
  }
  const change: Change = {
    kind: 'command',
    command: replaceWithLink(args.path, src, false),
    summary: `create hard link ${args.path} => ${src}`,
    from: current.type,
    to: `=> ${src}`,
  };
  return { changes: [change, ...attributes(CREATED('file'))] };
}
