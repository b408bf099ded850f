import { dirname } from 'node:path';
import { z } from 'zod';
import { quote } from '../remote/quote.js';
import { probeContentFile } from './lib/file-modules/content-module.js';
import {
  buildServiceProbe,
  parseServiceFields,
  planServiceRunning,
  type ServiceState,
} from './uwsgi_emperor_vassal/emperor-service.js';
import { planFileContent } from './lib/plan/file-content-plan.js';
import { parsePathState, contentText, type PathState } from './lib/probe/path-probe.js';
import { parseProbeFields } from './lib/probe/probe-fields.js';
import { boolField, modeField, pathField, principalField } from './lib/fields/schema-fields.js';
import { maskSecretEnv, renderVassalIni } from './uwsgi_emperor_vassal/ini.js';
import { defineModule, type Change, type Plan, type PlanContext, type Prerequisite } from './types.js';

const noNewline = (what: string) => (value: string) => !/[\n\r]/.test(value) || `${what} must be on one line`;
const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean, or a list of them',
});

const optionsField = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'uWSGI option names are letters, digits, -, _ and . (e.g. http-socket)'),
    z.union([scalar, z.array(scalar)], { error: 'must be a string, number or boolean, or a list of them' }),
  )
  .superRefine((options, ctx) => {
    for (const [key, value] of Object.entries(options)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string' && /[\n\r]/.test(item))
          ctx.addIssue({ code: 'custom', message: `the value of ${key} must be on one line`, path: [key] });
      }
    }
  });

const secretEnvField = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'),
    z.union([z.string(), z.number()]).transform(String),
  )
  .superRefine((env, ctx) => {
    for (const [key, value] of Object.entries(env)) {
      if (/[\n\r]/.test(value))
        ctx.addIssue({ code: 'custom', message: `the value of ${key} must be on one line`, path: [key] });
      // uWSGI expands $(VAR), @(file) and %-magic (%d, %(option); a lone % is dropped) in config values; a secret must stay literal.
      if (/[$@]\(|%/.test(value))
        ctx.addIssue({
          code: 'custom',
          message: `the value of ${key} contains %, $( or @( which uWSGI would expand; choose a value without them`,
          path: [key],
        });
    }
  });

const schema = z.object({
  name: z
    .string({ error: "name is required: the vassal's name (its file is NAME.ini)" })
    .min(1)
    .refine((n) => !n.includes('/') && n !== '.' && n !== '..', 'must be a file name without /')
    .refine((n) => !/[\n\r\0]/.test(n), 'must be on one line')
    .describe('Name of the vassal; its file is VASSALS_DIR/NAME.ini.'),
  state: z
    .enum(['present', 'absent'], { error: 'must be present or absent' })
    .default('present')
    .describe(
      'present: the vassal file exists with these options (the emperor starts or reloads it). absent: the file is removed (the emperor stops the vassal).',
    ),
  options: optionsField
    .default({})
    .describe(
      'uWSGI options, written in this order under [uwsgi]: any key (plugins, module, chdir, virtualenv, http-socket, socket, chmod-socket, processes, master, uid, gid, vacuum, max-requests, touch-reload, buffer-size...) to a value; a list repeats the key. true/false are written as true/false. Values are shown in diffs: put passwords in secret_env.',
    ),
  secret_env: secretEnvField
    .default({})
    .describe(
      "Environment variables holding secrets (database passwords...), written as `env = NAME=value` lines. Their values are masked in every diff and summary, and a new file gets group www-data (the group Debian's emperor runs as) and mode 0640 unless group/mode are given.",
    ),
  vassals_dir: pathField.default('/etc/uwsgi-emperor/vassals').describe('The directory the emperor watches.'),
  owner: principalField
    .optional()
    .describe(
      'Owner of the vassal file (the emperor in tyrant mode runs the vassal as its owner). Default: root for a new file.',
    ),
  group: principalField
    .optional()
    .describe('Group of the vassal file. Default for a new file with secret_env: www-data.'),
  mode: modeField
    .optional()
    .describe("Permissions of the vassal file. Default for a new file: '0644', or '0640' with secret_env."),
  emperor: boolField(true).describe('Make sure the emperor service is enabled and running (state present only).'),
  emperor_service: z
    .string()
    .min(1)
    .refine(noNewline('emperor_service'), 'must be on one line')
    .default('uwsgi-emperor')
    .describe("The emperor's systemd service (Debian package uwsgi-emperor)."),
});

type Args = z.infer<typeof schema>;

/** The group Debian's uwsgi-emperor runs as (/etc/uwsgi-emperor/emperor.ini). */
const EMPEROR_GROUP = 'www-data';

interface VassalState {
  file: PathState;
  service: ServiceState;
}

function vassalPath(args: Args): string {
  return `${args.vassals_dir.replace(/\/+$/, '') || '/'}/${args.name}.ini`;
}

export const module = defineModule<Args, VassalState>({
  name: 'uwsgi_emperor_vassal',
  summary: 'A uWSGI emperor vassal: its ini file from structured options, and the emperor running.',
  description: [
    'Writes VASSALS_DIR/NAME.ini from a map of uWSGI options (atomically, only when it differs, with a diff) and makes sure',
    'the emperor service is enabled and running. The emperor watches the directory: a new file starts the vassal, a',
    'changed file reloads it, a removed file (state absent) stops it. Passwords go in secret_env: they are written as',
    'env lines and masked in diffs, summaries and reports.',
  ].join(' '),
  schema: schema,
  secretArgs: ['secret_env'],
  examples: [
    {
      title: 'The shop API behind nginx (a unix socket), from its virtualenv',
      yaml: `- uwsgi_emperor_vassal:\n    name: shop_api\n    options:\n      plugins: python3\n      virtualenv: /opt/shop/env\n      chdir: /opt/shop\n      module: shop.api:app\n      socket: /run/uwsgi/shop_api.sock\n      chmod-socket: 660\n      uid: www-data\n      gid: www-data\n      master: true\n      processes: 4\n      vacuum: true\n      env: [SHOP_ENV=production, TZ=UTC]\n    secret_env:\n      SHOP_DB_PASSWORD: "{{ vault_shop_db_password }}"`,
    },
    {
      title: "Plain HTTP on a port (as in the guide's backend servers)",
      yaml: `- uwsgi_emperor_vassal:\n    name: shop_admin\n    options:\n      plugins: python3\n      http-socket: 0.0.0.0:8080\n      master: true\n      virtualenv: /opt/shop/env\n      module: shop.admin:app`,
    },
    { title: 'Stop and remove a vassal', yaml: `- uwsgi_emperor_vassal:\n    name: old_app\n    state: absent` },
  ],
  probe(args) {
    return [`( ${probeContentFile(vassalPath(args))} )`, buildServiceProbe(args.emperor_service), 'exit 0'].join('\n');
  },
  parse(output) {
    return { file: parsePathState(output), service: parseServiceFields(parseProbeFields(output.stdout)) };
  },
  plan(args, current, ctx) {
    return args.state === 'absent' ? planAbsent(args, current.file) : planPresent(args, current);
  },
});

function planAbsent(args: Args, file: PathState): Plan {
  if (file.type === 'absent') return { changes: [] };
  const path = vassalPath(args);
  if (file.type === 'directory') return { changes: [], failed: `${path} is a directory, not a vassal file` };
  return {
    changes: [
      {
        kind: 'command',
        command: `rm -f -- ${quote(path)}`,
        summary: `remove vassal ${args.name} (${path})`,
        from: 'present',
        to: 'absent',
      },
    ],
  };
}

function planPresent(args: Args, current: VassalState): Plan {
  const path = vassalPath(args);
  const secretNames = Object.keys(args.secret_env);
  let unmet: Prerequisite | undefined;
  if (current.file.type === 'absent' && current.file.parent !== 'directory')
    unmet = {
      missing: `${dirname(path)} does not exist`,
      fix: 'install uwsgi-emperor (apt) first, or set vassals_dir',
      providedBy: [{ package: 'uwsgi-emperor' }, { path: dirname(path) }],
    };
  const content = renderVassalIni(args.name, args.options, args.secret_env);
  // Debian's emperor runs as www-data: a file holding secrets is root:www-data 0640, readable by it and nobody else.
  const withSecrets = secretNames.length > 0 && current.file.type === 'absent';
  const mode = args.mode ?? (current.file.type === 'absent' ? (secretNames.length > 0 ? '0640' : '0644') : undefined);
  const group = args.group ?? (withSecrets ? EMPEROR_GROUP : undefined);
  const filePlan = planFileContent(
    {
      path,
      content,
      owner: args.owner,
      group,
      mode,
      summary:
        current.file.type === 'absent'
          ? `create vassal ${args.name} (${path})`
          : `update vassal ${args.name} (${path})`,
    },
    { ...current.file, parent: 'directory' },
  );
  if (filePlan.failed) return filePlan;
  const changes: Change[] = filePlan.changes.map((change) =>
    secretNames.length > 0 ? hideSecrets(change, secretNames, current.file) : change,
  );

  if (args.emperor) {
    const service = planServiceRunning(args.emperor_service, current.service);
    if (service.missing) {
      unmet ??= {
        missing: `the service ${args.emperor_service} is not installed`,
        fix: 'install uwsgi-emperor (apt) first, or set emperor_service',
        providedBy: [{ package: 'uwsgi-emperor' }],
      };
      changes.push({
        kind: 'command',
        command: `systemctl enable --now -- ${quote(args.emperor_service)}`,
        summary: `enable and start ${args.emperor_service}`,
        from: 'not installed',
        to: 'enabled, active',
      });
    } else {
      changes.push(...service.changes);
    }
  }
  return { changes, result: { path }, unmet };
}

/** Masks secret env values in a change's diff, and replaces checksums (of a file holding secrets) with plain words. */
function hideSecrets(change: Change, names: string[], file: PathState): Change {
  if (change.kind !== 'put') return change;
  const diff = change.diff && {
    ...change.diff,
    before: maskSecretEnv(contentText(file) ?? change.diff.before, names),
    after: maskSecretEnv(change.diff.after, names),
  };
  const onlySecret = diff !== undefined && file.type !== 'absent' && diff.before === diff.after;
  return {
    ...change,
    summary: onlySecret ? `${change.summary} (a secret_env value changed)` : change.summary,
    from: file.type === 'absent' ? 'absent' : 'other content',
    to: 'wanted content',
    diff,
  };
}
