import { join } from 'node:path';
import { z } from 'zod';
import { quote } from '../remote/quote.js';
import { parseContentFile, probeContentFile } from './lib/file-modules/content-module.js';
import { planFileContent } from './lib/plan/file-content-plan.js';
import { buildEnableScript, NGINX_TEST, RELOAD_NGINX } from './nginx_site/scripts.js';
import { buildPathProbe, parsePathState, type PathState } from './lib/probe/path-probe.js';
import { parseProbeFields } from './lib/probe/probe-fields.js';
import { buildSectionedProbe, readSection, splitSectionedOutput } from './lib/probe/probe-sections.js';
import { renderTemplateFile } from './nginx_site/render-template-file.js';
import { boolField, pathField } from './lib/fields/schema-fields.js';
import { defineModule, type Change, type Plan, type Prerequisite, type PutChange } from './types.js';

const siteName = z
  .string({ error: "name is required: the site's file name under sites-available (e.g. app)" })
  .min(1)
  .refine(
    (value) =>
      !value.includes('/') && value !== '.' && value !== '..' && !value.startsWith('.') && !value.includes('\n'),
    'must be a plain file name: no /, no newline, not starting with a dot (nginx does not load dot files from sites-enabled)',
  )
  .describe('The site: its file is SITES_AVAILABLE/NAME and its link SITES_ENABLED/NAME.');

const schema = z
  .strictObject({
    name: siteName,
    content: z.string().optional().describe("The site's configuration (server { ... } blocks), written as given."),
    template: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A template on the controller rendered into the site's configuration (Jinja2; mustache when it ends in .mustache): looked up in the role's templates/ directory, then relative to the playbook.",
      ),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe('present: the file is written (and linked when enabled). absent: link and file are removed.'),
    enabled: boolField(true).describe(
      'Link SITES_ENABLED/NAME to the file so nginx serves the site; false removes the link and keeps the file.',
    ),
    remove_default: boolField(false).describe(
      'Remove SITES_ENABLED/default, the "Welcome to nginx" site Debian enables (its file in sites-available stays).',
    ),
    validate: boolField(true).describe(
      'Check the whole nginx configuration (`nginx -t`) with the new site in place before it stays; on failure the previous file and link are put back and the task fails.',
    ),
    reload: boolField(true).describe(
      'Reload nginx (when it runs) after any change, so the new configuration is served.',
    ),
    sites_available: pathField.default('/etc/nginx/sites-available').describe('Directory of the site files.'),
    sites_enabled: pathField.default('/etc/nginx/sites-enabled').describe('Directory nginx includes (the links).'),
  })
  .superRefine((args, ctx) => {
    if (args.state === 'present' && (args.content === undefined) === (args.template === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of content (the configuration text) or template (a file on the controller)',
        path: ['content'],
      });
    }
  });

type Args = z.infer<typeof schema>;

interface SiteState {
  file: PathState;
  link: PathState;
  defaultSite: PathState;
  nginxInstalled: boolean;
}

function sitePaths(args: Args) {
  return {
    file: join(args.sites_available, args.name),
    link: join(args.sites_enabled, args.name),
    defaultSite: join(args.sites_enabled, 'default'),
  };
}

function describeLink(state: PathState): string {
  if (state.type === 'absent') return 'absent';
  if (state.type === 'link') return `link to ${state.linkTarget ?? '?'}`;
  return state.type;
}

function planRemoveDefault(args: Args, current: SiteState, defaultPath: string): Change[] {
  if (!args.remove_default || current.defaultSite.type === 'absent') return [];
  return [
    {
      kind: 'command',
      command: `rm -f -- ${quote(defaultPath)}`,
      summary: `disable the default site (remove ${defaultPath})`,
      from: describeLink(current.defaultSite),
      to: 'absent',
    },
  ];
}

function planPresent(args: Args, current: SiteState): Plan {
  const paths = sitePaths(args);
  const changes: Change[] = planRemoveDefault(args, current, paths.defaultSite);
  const linked = current.link.type === 'link' && current.link.linkTarget === paths.file;
  if (current.link.type === 'directory')
    return { changes: [], failed: `${paths.link} is a directory; nginx_site needs that name for the site's link` };
  if (!args.enabled && current.link.type !== 'absent') {
    changes.push({
      kind: 'command',
      command: `rm -f -- ${quote(paths.link)}`,
      summary: `disable site ${args.name} (remove ${paths.link})`,
      from: describeLink(current.link),
      to: 'absent',
    });
  }
  const needsLink = args.enabled && !linked;
  // With the link missing, the put's in-place check links it first, so `nginx -t` sees the new site live.
  const validateInPlace = !args.validate
    ? undefined
    : needsLink
      ? buildEnableScript(paths.file, paths.link, true)
      : args.enabled
        ? NGINX_TEST
        : undefined;
  const content = planFileContent({ path: paths.file, content: args.content!, mode: '0644' }, current.file);
  if (content.failed) return content;
  let linkDone = false;
  for (const change of content.changes) {
    if (change.kind === 'put') {
      const put: PutChange = { ...change, validateInPlace };
      if (needsLink) {
        // The link is made by the same step (validated together), or right after it without validation.
        if (!args.validate) changes.push(put, enableChange(args, current, paths, false));
        else changes.push({ ...put, summary: `${put.summary} and enable it (${paths.link})` });
        linkDone = true;
        continue;
      }
      changes.push(put);
    } else {
      changes.push(change);
    }
  }
  if (needsLink && !linkDone) changes.push(enableChange(args, current, paths, args.validate));
  return { changes };
}

function enableChange(args: Args, current: SiteState, paths: ReturnType<typeof sitePaths>, validate: boolean): Change {
  return {
    kind: 'command',
    command: buildEnableScript(paths.file, paths.link, validate),
    summary: `enable site ${args.name} (link ${paths.link} to ${paths.file})${validate ? ', checked with nginx -t' : ''}`,
    from: describeLink(current.link),
    to: `link to ${paths.file}`,
  };
}

function planAbsent(args: Args, current: SiteState): Plan {
  const paths = sitePaths(args);
  const changes: Change[] = planRemoveDefault(args, current, paths.defaultSite);
  if (current.link.type !== 'absent') {
    changes.push({
      kind: 'command',
      command: `rm -f -- ${quote(paths.link)}`,
      summary: `disable site ${args.name} (remove ${paths.link})`,
      from: describeLink(current.link),
      to: 'absent',
    });
  }
  if (current.file.type !== 'absent') {
    const before = current.file.content?.toString('utf8');
    changes.push({
      kind: 'command',
      command: `rm -f -- ${quote(paths.file)}`,
      summary: `remove ${paths.file}`,
      from: current.file.sha256 ? `sha256:${current.file.sha256.slice(0, 12)}` : current.file.type,
      to: 'absent',
      diff: before === undefined ? undefined : { path: paths.file, before, after: '' },
    });
  }
  return { changes };
}

/** The Debian packages that install nginx. */
const NGINX_PACKAGES = ['nginx', 'nginx-light', 'nginx-core', 'nginx-full', 'nginx-extras'];

export function planNginxSite(args: Args, current: SiteState): Plan {
  const plan = args.state === 'absent' ? planAbsent(args, current) : planPresent(args, current);
  const unmet: Prerequisite | undefined = current.nginxInstalled
    ? undefined
    : {
        missing: 'nginx is not installed on this host',
        fix: 'install it in an earlier task (apt: name=nginx-light or nginx)',
        providedBy: NGINX_PACKAGES.map((name) => ({ package: name })),
      };
  if (plan.failed || plan.changes.length === 0) return { ...plan, result: { site: args.name }, unmet };
  if (args.reload) plan.changes.push({ kind: 'command', command: RELOAD_NGINX, summary: 'reload nginx' });
  return { ...plan, result: { site: args.name }, unmet };
}

export const module = defineModule<Args, SiteState>({
  name: 'nginx_site',
  summary:
    'An nginx site: its file in sites-available, its link in sites-enabled, checked with nginx -t, nginx reloaded on change.',
  description: [
    'Writes SITES_AVAILABLE/NAME from content or a template (Jinja2 or mustache, rendered on the controller) atomically, only when it',
    'differs, and links SITES_ENABLED/NAME to it. With validate (the default) the whole configuration is checked with `nginx -t`',
    'while the new file and link are in place; when the check fails, the previous file and link are put back, nginx is not',
    "reloaded and the task fails with nginx's message, so the running configuration never sees a broken site. nginx is",
    "reloaded once, at the end, and only when something changed. remove_default drops the Debian default site's link first",
    '(so a new default_server does not collide with it).',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'The application site from a role template, default site removed',
      yaml: `- nginx_site:\n    name: my_project\n    template: nginx-site.conf.mustache\n    remove_default: true`,
    },
    {
      title: 'A static site from inline content',
      yaml: `- nginx_site:\n    name: static\n    content: |\n      server {\n        listen 8080;\n        root /srv/static;\n      }`,
    },
    { title: 'Take a site down', yaml: `- nginx_site:\n    name: old_app\n    state: absent` },
  ],
  prepare(args, ctx) {
    if (args.template === undefined || args.state === 'absent') return args;
    return { ...args, content: renderTemplateFile(ctx, args.template) };
  },
  probe(args) {
    const paths = sitePaths(args);
    return buildSectionedProbe({
      file: probeContentFile(paths.file),
      link: buildPathProbe(paths.link),
      default: buildPathProbe(paths.defaultSite),
      nginx:
        'if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then echo nginx=yes; else echo nginx=no; fi',
    });
  },
  parse(output) {
    const sections = splitSectionedOutput(output.stdout);
    return {
      file: parseContentFile(readSection(sections, 'file')),
      link: parsePathState(readSection(sections, 'link')),
      defaultSite: parsePathState(readSection(sections, 'default')),
      nginxInstalled: parseProbeFields(readSection(sections, 'nginx').stdout).get('nginx') === 'yes',
    };
  },
  plan(args, current, ctx) {
    if (args.state === 'present' && args.content === undefined)
      return { changes: [], failed: `nginx_site: template ${args.template} was not rendered on the controller` };
    return planNginxSite(args, current);
  },
});
