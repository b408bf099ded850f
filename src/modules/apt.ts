import { z } from 'zod';
import {
  buildAutoremoveCommand,
  buildInstallCommand,
  buildRefreshCommand,
  buildRemoveCommand,
  withAptEnv,
  type AptCommandOptions,
} from './apt/command.js';
import {
  buildAptProbe,
  describeAge,
  isInstalledStatus,
  packageName,
  parseAptProbe,
  type AptState,
} from './apt/probe.js';
import { optionalBoolField } from './lib/fields/optional-bool-field.js';
import { boolField } from './lib/fields/schema-fields.js';
import { checkAliases, readAliased, type AliasSpec } from './lib/fields/aliases.js';
import { defineModule, type Change, type CommandChange, type Plan, type PlanContext } from './types.js';

const STATES = ['present', 'absent', 'latest'] as const;
// Debian package names (policy 5.6.1), an optional :arch and an optional =version. Nothing else can
// reach apt-get's command line, so a name can never be read as an option.
const SPEC = /^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;
const specField = z
  .string()
  .regex(SPEC, 'must be a Debian package name, optionally with =VERSION (e.g. nginx-light or nginx-light=1.22.1-9)');
const namesField = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(specField, { error: 'must be a package name or a list of them' }),
);
const secondsField = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)], {
  error: 'must be a whole number of seconds',
});

const NAMES: AliasSpec = { field: 'name', aliases: ['pkg', 'package'], what: 'the packages to manage' };

const schema = z
  .object({
    name: namesField
      .optional()
      .describe(
        'Package name or list of names, installed or removed together in one apt-get call. `NAME=VERSION` pins a version (state present). Aliases: pkg, package.',
      ),
    pkg: namesField.optional().describe('Alias of name.'),
    package: namesField.optional().describe('Alias of name.'),
    state: z
      .enum(STATES, { error: `must be one of ${STATES.join(', ')}` })
      .default('present')
      .describe(
        "present: installed (any version, or the pinned one). latest: installed at the candidate version of the host's current package lists. absent: removed.",
      ),
    update_cache: boolField(false).describe(
      'Refresh the package lists (apt-get update) before installing. A refresh is never counted as a change on its own: it runs right before an install this task needs, or, in a task without names, in a real run only.',
    ),
    cache_valid_time: secondsField
      .default(0)
      .describe(
        'With update_cache: skip the refresh when the lists were refreshed less than this many seconds ago. 0 refreshes every time.',
      ),
    install_recommends: optionalBoolField().describe(
      "true/false install or skip recommended packages. Unset keeps apt's own setting on the host (Debian installs them).",
    ),
    purge: boolField(false).describe(
      'With state absent: also remove configuration files (apt-get purge), including those of packages already removed without purge.',
    ),
    autoremove: boolField(false).describe(
      'Also remove packages that were installed as dependencies and are no longer needed (apt-get autoremove).',
    ),
    allow_downgrade: boolField(false).describe(
      'Allow a pinned version older than the installed one (--allow-downgrades).',
    ),
    lock_timeout: secondsField
      .default(300)
      .describe(
        'Seconds to wait for another apt or dpkg (e.g. unattended-upgrades) to release its lock before failing.',
      ),
    dpkg_options: z
      .string()
      .regex(/^[a-z-]+(,[a-z-]+)*$/, 'must be comma-separated dpkg options such as force-confdef,force-confold')
      .default('force-confdef,force-confold')
      .describe(
        'dpkg options, comma-separated, passed as -o Dpkg::Options::=--OPTION. The default keeps changed configuration files without asking.',
      ),
  })
  .superRefine((args, ctx) => {
    checkAliases(args, NAMES, ctx, { optional: true });
    const names = readAliased<string[]>(args, NAMES);
    if (names === undefined && !args.update_cache && !args.autoremove) {
      ctx.addIssue({
        code: 'custom',
        message:
          'name is required (a package or a list), unless the task only refreshes the lists (update_cache: true) or autoremoves',
        path: ['name'],
      });
    }
    if (args.state !== 'present' && (names ?? []).some((n) => n.includes('='))) {
      ctx.addIssue({
        code: 'custom',
        message: `state ${args.state} takes names without =VERSION; pin versions with state: present`,
        path: ['name'],
      });
    }
  });

type Raw = z.infer<typeof schema>;

function resolveNames(args: Raw): string[] {
  return readAliased<string[]>(args, NAMES) ?? [];
}

function commandOptions(args: Raw): AptCommandOptions {
  return {
    lockTimeout: args.lock_timeout,
    dpkgOptions: args.dpkg_options,
    installRecommends: args.install_recommends,
    allowDowngrade: args.allow_downgrade,
    autoremove: args.autoremove,
    purge: args.purge,
  };
}

export const module = defineModule<Raw, AptState>({
  name: 'apt',
  summary: 'Install, upgrade or remove Debian packages with apt-get.',
  description: [
    'Installs (present), upgrades to the candidate version (latest) or removes (absent) packages, all names of a task in one',
    'apt-get call, non-interactively (DEBIAN_FRONTEND=noninteractive, changed configuration files kept), waiting up to',
    "lock_timeout for a running apt or unattended-upgrades. One probe reads every package's dpkg state and installed version",
    '(dpkg-query) and its candidate (apt-cache policy), so check mode shows exactly what would be installed, e.g.',
    '"install nginx-light (1.22.1-9)". A package list refresh (update_cache) is not a change by itself: it runs as part of an',
    'install the task needs, so a host whose packages are right reports 0 changes however old its lists are.',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'The packages of an application server',
      yaml: `- apt:\n    name: [nginx-light, uwsgi-emperor, uwsgi-plugin-python3, python3-venv]\n    update_cache: true\n    cache_valid_time: 3600`,
    },
    {
      title: 'A pinned version without recommended packages',
      yaml: `- apt:\n    name: postgresql-15=15.8-0+deb12u1\n    install_recommends: false`,
    },
    {
      title: 'Remove a package and its configuration',
      yaml: `- apt:\n    name: apache2\n    state: absent\n    purge: true\n    autoremove: true`,
    },
  ],
  probe(args) {
    return buildAptProbe(resolveNames(args), { autoremove: args.autoremove });
  },
  parse(output) {
    return parseAptProbe(output);
  },
  plan(args, current, ctx) {
    const names = resolveNames(args);
    const refreshDue =
      args.update_cache && (current.cacheAge === undefined || current.cacheAge >= args.cache_valid_time);
    if (names.length === 0) return planWithoutNames(args, current, refreshDue, ctx);
    return args.state === 'absent'
      ? planRemove(args, names, current)
      : planInstall(args, names, current, refreshDue, ctx);
  },
});

interface PackageStep {
  spec: string;
  verb: string;
  /** "nginx-light (1.22.1-9)" */
  item: string;
  from: string;
  to: string;
}

function planInstall(args: Raw, specs: string[], current: AptState, refreshDue: boolean, ctx: PlanContext): Plan {
  const steps: PackageStep[] = [];
  const unknown: string[] = [];
  for (const spec of specs) {
    const name = packageName(spec);
    const pin = spec.includes('=') ? spec.slice(spec.indexOf('=') + 1) : undefined;
    const pkg = current.packages.get(name) ?? {};
    const installed = isInstalledStatus(pkg.status) ? pkg.installed : undefined;
    const wanted = pin ?? (args.state === 'latest' || installed === undefined ? pkg.candidate : installed);
    if (installed !== undefined && installed === wanted) continue;
    if (installed !== undefined && wanted === undefined) continue; // latest, but apt knows no candidate: keep what is there
    if (wanted === undefined) unknown.push(name);
    const to = wanted ?? (refreshDue ? 'version known after apt-get update' : 'unknown to apt');
    // A version apt does not know yet is said once, in from → to, not after every name.
    if (installed === undefined)
      steps.push({ spec, verb: 'install', item: wanted === undefined ? name : `${name} (${to})`, from: 'absent', to });
    else
      steps.push({
        spec,
        verb: pin === undefined ? 'upgrade' : 'change',
        item: `${name} (${installed} → ${to})`,
        from: installed,
        to,
      });
  }
  if (unknown.length > 0 && !refreshDue) {
    const hint = args.update_cache
      ? 'the lists are newer than cache_valid_time; lower it to refresh them'
      : 'add update_cache: true to refresh the package lists first';
    return {
      changes: [],
      failed: `apt does not know ${unknown.join(', ')} on ${ctx.host}: check the name, or ${hint}`,
    };
  }
  const changes: Change[] = [];
  if (steps.length > 0) {
    const refreshNote = refreshDue ? ` after refreshing the package lists (${describeAge(current.cacheAge)})` : '';
    changes.push({
      kind: 'command',
      command: buildInstallCommand(
        steps.map((s) => s.spec),
        { ...commandOptions(args), refresh: refreshDue },
      ),
      summary: `${describeSteps(steps)}${refreshNote}${autoremoveNote(args, current)}`,
      ...fromTo(steps, specs.length),
    });
  } else {
    const orphans = planAutoremove(args, current);
    if (orphans) changes.push(orphans);
  }
  return { changes, provides: steps.map((step) => ({ package: packageName(step.spec) })) };
}

function planRemove(args: Raw, names: string[], current: AptState): Plan {
  const steps: PackageStep[] = [];
  for (const spec of names) {
    const name = packageName(spec);
    const pkg = current.packages.get(name);
    const onDisk = pkg?.status !== undefined && pkg.status[1] !== 'n' && pkg.status[1] !== 'c';
    const configLeft = pkg?.status?.[1] === 'c';
    if (onDisk)
      steps.push({
        spec,
        verb: args.purge ? 'purge' : 'remove',
        item: `${name} (${pkg.installed ?? pkg.status})`,
        from: pkg.installed ?? 'broken install',
        to: 'absent',
      });
    else if (configLeft && args.purge)
      steps.push({ spec, verb: 'purge the configuration files of', item: name, from: 'config-files', to: 'absent' });
  }
  if (steps.length === 0) {
    const orphans = planAutoremove(args, current);
    return { changes: orphans ? [orphans] : [] };
  }
  return {
    changes: [
      {
        kind: 'command',
        command: buildRemoveCommand(
          steps.map((s) => packageName(s.spec)),
          commandOptions(args),
        ),
        summary: `${describeSteps(steps)}${autoremoveNote(args, current)}`,
        ...fromTo(steps, names.length),
      },
    ],
  };
}

/** A task without names: refresh the lists and/or autoremove. */
function planWithoutNames(args: Raw, current: AptState, refreshDue: boolean, ctx: PlanContext): Plan {
  const orphans = planAutoremove(args, current);
  const changes = orphans ? [orphans] : [];
  if (!refreshDue) return { changes };
  // A refresh changes nothing that is configured: a real run does it as upkeep, never as a change,
  // so a converged play stays at 0 changed and drift never reports stale lists.
  const refresh: CommandChange = {
    kind: 'command',
    command: withAptEnv(buildRefreshCommand(commandOptions(args))),
    summary: `refresh the package lists (${describeAge(current.cacheAge)})`,
  };
  return {
    changes,
    upkeep: [refresh],
    result: {
      msg: `the package lists are refreshed first (they were ${describeAge(current.cacheAge)})`,
      cache_updated: true,
    },
  };
}

function planAutoremove(args: Raw, current: AptState): Change | undefined {
  if (!args.autoremove || !current.autoremovable?.length) return undefined;
  const list = current.autoremovable.join(', ');
  return {
    kind: 'command',
    command: withAptEnv(buildAutoremoveCommand(commandOptions(args))),
    summary: `autoremove unused packages: ${list}`,
    from: list,
    to: 'absent',
  };
}

function autoremoveNote(args: Raw, current: AptState): string {
  return args.autoremove && current.autoremovable?.length ? `, autoremove ${current.autoremovable.join(', ')}` : '';
}

/** "install a (1), b (2); upgrade c (1 → 2)" */
function describeSteps(steps: PackageStep[]): string {
  const byVerb = new Map<string, string[]>();
  for (const step of steps) byVerb.set(step.verb, [...(byVerb.get(step.verb) ?? []), step.item]);
  return [...byVerb].map(([verb, items]) => `${verb} ${items.join(', ')}`).join('; ');
}

/** One package: "absent" → "1.22.1-9". Several: each as "name version", or the one value they share ("absent"). */
function fromTo(steps: PackageStep[], asked: number): { from: string; to: string } {
  if (steps.length === 1 && asked === 1) return { from: steps[0].from, to: steps[0].to };
  const name = (s: PackageStep) => packageName(s.spec);
  const side = (pick: (s: PackageStep) => string) => {
    const values = steps.map(pick);
    if (steps.length > 1 && values.every((v) => v === values[0])) return values[0];
    return steps.map((s) => `${name(s)} ${pick(s)}`).join(', ');
  };
  return { from: side((s) => s.from), to: side((s) => s.to) };
}
