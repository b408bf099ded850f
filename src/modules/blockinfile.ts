import { z } from 'zod';
import { editBlock } from './blockinfile/block-edit.js';
import { fileAttributeFields } from './lib/file-modules/content-module.js';
import { parsePathState, type PathState } from './lib/probe/path-probe.js';
import { boolField } from './lib/fields/schema-fields.js';
import {
  anchorField,
  checkPathAndAnchor,
  pathAliasFields,
  resolvePath,
  translateAnchor,
} from './lib/fields/text-edit-fields.js';
import { planTextEdit, probeTextFile } from './lib/file-modules/text-edit-module.js';
import { defineModule } from './types.js';

export const DEFAULT_MARKER = '# {mark} DROVER MANAGED BLOCK';
const ANSIBLE_MARKER = '# {mark} ANSIBLE MANAGED BLOCK';

const schema = z
  .object({
    ...pathAliasFields,
    block: z
      .string()
      .default('')
      .describe('The text between the markers (alias: content). An empty block removes the marked block.'),
    content: z.string().optional().describe('Alias of block.'),
    marker: z
      .string()
      .refine((value) => value.includes('{mark}'), 'must contain {mark} (replaced by marker_begin / marker_end)')
      .optional()
      .describe(
        `Marker line template; {mark} becomes marker_begin or marker_end. Default: '${DEFAULT_MARKER}'. With the default, a block written by Ansible's default marker is taken over (its markers are rewritten).`,
      ),
    marker_begin: z.string().default('BEGIN').describe('Replaces {mark} in the opening marker.'),
    marker_end: z.string().default('END').describe('Replaces {mark} in the closing marker.'),
    state: z
      .enum(['present', 'absent'], { error: "must be 'present' or 'absent'" })
      .default('present')
      .describe('Whether the marked block should be there.'),
    insertafter: anchorField('EOF')
      .optional()
      .describe('Where a new block goes: after the last line matching this regex, or EOF (the default).'),
    insertbefore: anchorField('BOF')
      .optional()
      .describe('Where a new block goes: before the last line matching this regex, or BOF.'),
    create: boolField(false).describe('Create the file (and its directories) when it is missing.'),
    ...fileAttributeFields,
  })
  .superRefine((args, ctx) => {
    checkPathAndAnchor(args, ctx);
    if (args.content !== undefined && args.block !== '')
      ctx.addIssue({ code: 'custom', message: 'give block once (content is its alias)', path: ['block'] });
  });

/** The aliases are separate schema keys (so unknown-parameter checks know them); they are merged here. */
function resolveAliases({ dest, destfile, name, content, ...rest }: Raw) {
  return { ...rest, path: resolvePath({ path: rest.path, dest, destfile, name }), block: content ?? rest.block };
}

type Raw = z.infer<typeof schema>;
type Args = ReturnType<typeof resolveAliases>;

export const module = defineModule<Raw, PathState>({
  name: 'blockinfile',
  summary: 'Insert, update or remove a block of lines between marker lines in a file.',
  description: [
    'Keeps a block of text between two marker lines. The probe fetches the file, the edit is computed on the controller and',
    `the whole new content is put atomically with a diff. The default marker is '${DEFAULT_MARKER}'; a file that still has`,
    `a block under Ansible's default marker ('${ANSIBLE_MARKER}') gets that block replaced, so hosts managed by Ansible`,
    "before do not end up with two blocks. Set marker to keep Ansible's text exactly.",
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'Hosts entries for the app servers',
      yaml: `- blockinfile:\n    path: /etc/hosts\n    block: |\n      10.0.0.11 backend1\n      10.0.0.12 backend2\n    marker: "# {mark} app servers"`,
    },
  ],
  probe(raw) {
    return probeTextFile(resolveAliases(raw).path);
  },
  parse(output) {
    return parsePathState(output);
  },
  plan(raw, current, ctx) {
    const args = resolveAliases(raw);
    const marker = args.marker ?? DEFAULT_MARKER;
    const markerLine = (template: string, mark: string) => template.split('{mark}').join(mark);
    const removing = args.state === 'absent' || args.block === '';
    return planTextEdit(
      args,
      current,
      ctx,
      (text) =>
        editBlock(text, {
          state: args.state,
          block: args.block,
          markerBegin: markerLine(marker, args.marker_begin),
          markerEnd: markerLine(marker, args.marker_end),
          legacyMarkers:
            args.marker === undefined
              ? {
                  begin: markerLine(ANSIBLE_MARKER, args.marker_begin),
                  end: markerLine(ANSIBLE_MARKER, args.marker_end),
                }
              : undefined,
          insertAfter: translateAnchor(args.insertafter, 'EOF'),
          insertBefore: translateAnchor(args.insertbefore, 'BOF'),
        }),
      removing,
    );
  },
});
