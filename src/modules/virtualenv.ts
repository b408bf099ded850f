import { basename } from 'node:path';
import { z } from 'zod';
import { quote } from '../remote/quote.js';
import { boolField, pathField, principalField } from './lib/fields/schema-fields.js';
import { CommandSyntaxError, splitCommand } from './lib/text/split-command.js';
import {
  buildVenvProbe,
  checkerCommand,
  parseVenvProbe,
  VENV_MARKER,
  type VenvProbeArgs,
  type VenvState,
} from './virtualenv/probe.js';
import {
  defineModule,
  type Change,
  type CommandChange,
  type Plan,
  type PlanContext,
  type Prerequisite,
} from './types.js';

const wordsField = (what: string) =>
  z.string().superRefine((value, ctx) => {
    try {
      splitCommand(value);
    } catch (error) {
      if (!(error instanceof CommandSyntaxError)) throw error;
      ctx.addIssue({ code: 'custom', message: `${what}: ${error.message}; close the quote or escape it with \\` });
    }
  });

const packageSpec = z
  .union([z.string().min(1, 'must not be empty'), z.number()])
  .transform(String)
  .refine((spec) => !/^[.~]/.test(spec), 'give a local package as an absolute path (e.g. /opt/src/shop)')
  .refine((spec) => !spec.startsWith('-'), 'options go in extra_args, not in packages');

const schema = z
  .object({
    path: pathField.describe('Directory of the virtualenv, e.g. /opt/shop/env (alias: virtualenv).'),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe(
        'present: the venv exists with the packages. absent: the venv directory is removed (only if it is a venv).',
      ),
    python: z
      .string()
      .min(1)
      .default('python3')
      .describe(
        'Interpreter the venv is made with (name on PATH or absolute path). A venv made with another major.minor version, or whose interpreter is gone, is recreated.',
      ),
    virtualenv_command: wordsField('virtualenv_command')
      .optional()
      .describe(
        'Create the venv with this command (e.g. virtualenv, or "virtualenv --no-download") run as `COMMAND -p PYTHON PATH`, instead of `PYTHON -m venv PATH`.',
      ),
    system_site_packages: boolField(false).describe(
      "The venv sees the system's packages (e.g. python3-psycopg2 from apt).",
    ),
    owner: principalField
      .optional()
      .describe(
        'User that owns the venv: it is created and pip runs as this user (through become), as a guide\'s "su www" would.',
      ),
    group: principalField.optional().describe('Group of the venv directory (with owner).'),
    packages: z
      .array(packageSpec)
      .default([])
      .describe(
        'Packages to install: requirement specifiers (flask, flask==2.2.2, requests>=2) or absolute paths of a local project directory or wheel.',
      ),
    requirements: pathField.optional().describe('A requirements file on the host, installed with pip install -r.'),
    extra_args: wordsField('extra_args')
      .optional()
      .describe(
        'More pip install arguments, e.g. "--no-index --find-links /opt/wheels" on hosts without a package index.',
      ),
  })
  .superRefine((args, ctx) => {
    if (args.group !== undefined && args.owner === undefined)
      ctx.addIssue({ code: 'custom', message: 'group needs owner (the user the venv belongs to)', path: ['group'] });
  });

type Args = z.infer<typeof schema>;

function probeArgs(args: Args): VenvProbeArgs {
  return {
    path: args.path,
    python: args.python,
    virtualenvCommand: args.virtualenv_command === undefined ? undefined : splitCommand(args.virtualenv_command)[0],
    owner: args.owner,
    group: args.group,
    packages: args.packages,
    requirements: args.requirements,
  };
}

export const module = defineModule<Args, VenvState>({
  name: 'virtualenv',
  summary: 'A Python virtualenv with the packages it should hold, created and filled by its owner.',
  description: [
    'Creates a virtualenv (python3 -m venv, or a virtualenv command) and pip-installs packages and/or a requirements file into it,',
    "as the owner when one is given. The probe runs the venv's own interpreter (isolated, writing nothing) to compare what is",
    "installed with what is asked, using pip's own version rules, so a second run installs nothing and a package removed by",
    'hand shows up in check mode. Local directories and requirements files with lines other than plain requirements are',
    `compared by checksum with the one recorded in ${VENV_MARKER} inside the venv at the last install. A venv whose`,
    'interpreter is gone (a Python upgrade) is recreated and refilled.',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: "The application's venv, filled by its user from a requirements file",
      yaml: `- virtualenv:\n    path: /opt/shop/env\n    owner: www\n    requirements: /opt/shop/requirements.txt`,
    },
    {
      title: 'Pinned packages from a local wheel directory (no package index)',
      yaml: `- virtualenv:\n    path: /opt/api/env\n    packages: [flask==2.2.2, /opt/src/api]\n    system_site_packages: true\n    extra_args: --no-index --find-links /opt/wheels`,
    },
    { title: 'Remove an old venv', yaml: `- virtualenv:\n    path: /opt/old/env\n    state: absent` },
  ],
  probe(args) {
    return buildVenvProbe(probeArgs(args));
  },
  parse(output, args) {
    return parseVenvProbe(output, probeArgs(args));
  },
  plan(args, current, ctx) {
    if (current.path.type !== 'absent' && current.path.type !== 'directory') {
      return { changes: [], failed: `${args.path} exists and is not a directory; remove it or choose another path` };
    }
    if (args.state === 'absent') return planAbsent(args, current);
    return planPresent(args, current);
  },
});

function planAbsent(args: Args, current: VenvState): Plan {
  if (current.path.type === 'absent') return { changes: [] };
  if (!current.isVenv)
    return { changes: [], failed: `${args.path} is not a virtualenv (no pyvenv.cfg); refusing to remove it` };
  return {
    changes: [
      {
        kind: 'command',
        command: `rm -rf -- ${quote(args.path)}`,
        summary: `remove virtualenv ${args.path}`,
        from: 'present',
        to: 'absent',
      },
    ],
  };
}

function ownerSpec(args: Args): string {
  return args.group === undefined ? args.owner! : `${args.owner}:${args.group}`;
}

function planPresent(args: Args, current: VenvState): Plan {
  const missingTool = findMissingTool(args, current);
  const changes: Change[] = [];
  // From /, so a command run as the owner never starts in a directory it cannot read (root's home).
  const asOwner = args.owner === undefined ? {} : { user: args.owner, cwd: '/' };
  const exists = current.path.type === 'directory';
  if (args.owner !== undefined) {
    const wrongOwner = exists && current.path.owner !== args.owner && current.path.uid !== args.owner;
    const wrongGroup =
      exists && args.group !== undefined && current.path.group !== args.group && current.path.gid !== args.group;
    const inside = current.path.recurseMismatch;
    if (!exists) {
      changes.push({
        kind: 'command',
        command: `mkdir -p -- ${quote(args.path)} && chown ${quote(ownerSpec(args))} -- ${quote(args.path)}`,
        summary: `create directory ${args.path} owned by ${ownerSpec(args)}`,
        from: 'absent',
        to: 'directory',
      });
    } else if (wrongOwner || wrongGroup || inside?.owner || inside?.group) {
      changes.push({
        kind: 'command',
        command: `chown -R ${quote(ownerSpec(args))} -- ${quote(args.path)}`,
        summary: `give ${args.path} and everything in it to ${ownerSpec(args)}`,
        from: `${current.path.owner}:${current.path.group}`,
        to: ownerSpec(args),
      });
    }
  }

  const recreate =
    current.isVenv &&
    (!current.pythonWorks ||
      (current.pythonVersion !== undefined &&
        current.venvVersion !== undefined &&
        current.venvVersion !== current.pythonVersion));
  const fresh = !current.isVenv || recreate;
  if (fresh) {
    const why = !current.isVenv
      ? ''
      : !current.pythonWorks
        ? ': its interpreter is gone'
        : `: it was made with Python ${current.venvVersion}`;
    changes.push({
      kind: 'command',
      command: buildCreateCommand(args, recreate),
      summary: `${recreate ? 'recreate' : 'create'} virtualenv ${args.path} with ${args.python}${current.pythonVersion ? ` (${current.pythonVersion})` : ''}${why}`,
      from: !current.isVenv ? 'absent' : !current.pythonWorks ? 'broken' : `python ${current.venvVersion}`,
      to: `python ${current.pythonVersion ?? args.python}`,
      ...asOwner,
    });
  } else if (current.systemSitePackages !== args.system_site_packages) {
    // Running venv again on an existing one rewrites pyvenv.cfg and keeps the installed packages.
    changes.push({
      kind: 'command',
      command: buildCreateCommand(args, false),
      summary: `${args.system_site_packages ? 'give' : 'take away'} system site packages ${args.system_site_packages ? 'to' : 'from'} ${args.path}`,
      from: `system_site_packages ${current.systemSitePackages ?? false}`,
      to: `system_site_packages ${args.system_site_packages}`,
      ...asOwner,
    });
  }

  const install = planInstall(args, fresh ? undefined : current);
  if (install.change) changes.push({ ...install.change, ...asOwner });
  return { changes, unmet: missingTool ?? install.unmet };
}

function findMissingTool(args: Args, current: VenvState): Prerequisite | undefined {
  const needsCreate = !current.isVenv || !current.pythonWorks;
  if (!needsCreate && current.systemSitePackages === args.system_site_packages) return undefined;
  const python = basename(args.python);
  if (args.virtualenv_command !== undefined && !current.virtualenvCommandFound)
    return {
      missing: `${splitCommand(args.virtualenv_command)[0]} is not installed on the host`,
      fix: `install it (apt: virtualenv) or leave virtualenv_command out to use ${args.python} -m venv`,
      providedBy: [{ package: 'virtualenv' }],
    };
  if (current.pythonVersion === undefined)
    return {
      missing: `${args.python} is not installed on the host`,
      fix: 'install it (apt: python3) or set python',
      providedBy: [...new Set([python, 'python3'])].map((name) => ({ package: name })),
    };
  if (args.virtualenv_command === undefined && !current.pythonHasVenv)
    return {
      missing: `${args.python} cannot create virtualenvs (no venv/ensurepip module)`,
      fix: 'install python3-venv with apt',
      providedBy: [...new Set(['python3-venv', `${python}-venv`])].map((name) => ({ package: name })),
    };
  return undefined;
}

function buildCreateCommand(args: Args, clear: boolean): string {
  const flags = [args.system_site_packages ? '--system-site-packages' : '', clear ? '--clear' : '']
    .filter(Boolean)
    .join(' ');
  if (args.virtualenv_command !== undefined) {
    const words = splitCommand(args.virtualenv_command).map(quote).join(' ');
    return `${words} -p ${quote(args.python)} ${flags ? `${flags} ` : ''}${quote(args.path)}`;
  }
  return `${quote(args.python)} -m venv ${flags ? `${flags} ` : ''}${quote(args.path)}`;
}

interface InstallItem {
  /** What pip is given. */
  words: string[];
  /** As shown: "flask==2.2.2". */
  label: string;
  found: string;
}

/** current undefined: a new venv, everything is installed. */
function planInstall(args: Args, current: VenvState | undefined): { change?: CommandChange; unmet?: Prerequisite } {
  let unmet: Prerequisite | undefined;
  const items: InstallItem[] = [];
  args.packages.forEach((spec, i) => {
    const status = current?.packages?.[i];
    if (status?.status === 'nosource') {
      items.push({ words: [spec], label: spec, found: 'source missing on the host' });
      return;
    }
    if (status?.status === 'ok') return;
    const found = status?.installed
      ? status.installed
      : status?.status === 'differs'
        ? 'changed since the last install'
        : 'absent';
    items.push({ words: [spec], label: spec, found });
  });
  if (args.requirements !== undefined) {
    const req = current?.requirements;
    if (req?.status === 'nosource')
      unmet = {
        missing: `requirements file ${args.requirements} does not exist on the host`,
        fix: 'put it there first (copy or template)',
        providedBy: [{ path: args.requirements }],
      };
    if (req?.status !== 'ok') {
      const found = !req
        ? 'not installed'
        : req.status === 'nosource'
          ? 'file not there yet'
          : req.unmet.length > 0
            ? req.unmet.join(', ')
            : req.recorded
              ? 'file changed since the last install'
              : 'not installed yet';
      items.push({ words: ['-r', args.requirements], label: `-r ${args.requirements}`, found });
    }
  }
  const missingSource = items.find((item) => item.found === 'source missing on the host');
  if (missingSource)
    unmet ??= {
      missing: `${missingSource.label} does not exist on the host`,
      fix: 'put it there first (copy, unarchive or git)',
      providedBy: [{ path: missingSource.label }],
    };
  if (items.length === 0) return { unmet };
  const python = quote(`${args.path}/bin/python`);
  const extra = args.extra_args === undefined ? [] : splitCommand(args.extra_args);
  const pip = `${python} -m pip install --disable-pip-version-check --no-input ${[...extra, ...items.flatMap((item) => item.words)].map(quote).join(' ')}`;
  const record = checkerCommand(args.path, 'record', args.requirements, args.packages);
  return {
    change: {
      kind: 'command',
      command: `${pip} && ${record}`,
      summary: `pip install into ${args.path}: ${items.map((item) => (item.found === 'absent' ? item.label : `${item.label} (${item.found})`)).join(', ')}`,
      from: items.map((item) => `${item.label}: ${item.found}`).join(', '),
      to: items.map((item) => item.label).join(', '),
      diff: {
        path: `${args.path} (installed packages)`,
        before: items.map((item) => `${item.label}: ${item.found}\n`).join(''),
        after: items.map((item) => `${item.label}: installed\n`).join(''),
      },
    },
    unmet,
  };
}
