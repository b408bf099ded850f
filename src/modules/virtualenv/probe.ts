/** The virtualenv module's read-only probe: the directory, pyvenv.cfg, the interpreters, and what pip has installed. */
import { quote } from '../../remote/quote.js';
import type { ProbeOutput } from '../types.js';
import { buildPathProbe, parsePathState, type PathState } from '../lib/probe/path-probe.js';
import { emitBase64, parseProbeFields, readBase64Field } from '../lib/probe/probe-fields.js';
import { VENV_CHECKER } from './checker.js';

/** Kept inside the venv: what the last install recorded (requirements file and local directory checksums). */
export const VENV_MARKER = '.drover-virtualenv.json';

export type ItemStatus = 'ok' | 'missing' | 'differs' | 'unknown' | 'nosource';

export interface VenvState {
  path: PathState;
  /** pyvenv.cfg exists. */
  isVenv: boolean;
  /** The venv's bin/python runs. */
  pythonWorks: boolean;
  /** From pyvenv.cfg. */
  systemSitePackages?: boolean;
  /** major.minor the venv was made with. */
  venvVersion?: string;
  /** major.minor of the requested interpreter; undefined when it is not on the host. */
  pythonVersion?: string;
  /** The interpreter has the venv and ensurepip modules (Debian: python3-venv). */
  pythonHasVenv: boolean;
  /** The virtualenv_command's program exists (when one is given). */
  virtualenvCommandFound?: boolean;
  /** Per requested package, in order; undefined when the checker could not run. */
  packages?: Array<{ status: ItemStatus; installed?: string }>;
  requirements?: {
    status: ItemStatus;
    unmet: string[];
    /** The marker holds a checksum from an earlier install. */ recorded: boolean;
  };
}

export interface VenvProbeArgs {
  path: string;
  python: string;
  virtualenvCommand?: string;
  owner?: string;
  group?: string;
  packages: string[];
  requirements?: string;
}

/** Runs the checker with the venv's interpreter: isolated, no bytecode written. */
export function checkerCommand(
  venv: string,
  mode: 'check' | 'record',
  requirements: string | undefined,
  specs: string[],
): string {
  const python = quote(`${venv}/bin/python`);
  return `${python} -I -B -c ${quote(VENV_CHECKER)} ${mode} ${quote(`${venv}/${VENV_MARKER}`)} ${quote(requirements ?? '')} ${specs.map(quote).join(' ')}`.trimEnd();
}

export function buildVenvProbe(args: VenvProbeArgs): string {
  const lines = [
    `( ${buildPathProbe(args.path, { recurse: args.owner === undefined ? undefined : { owner: args.owner, group: args.group } })} )`,
    `v=${quote(args.path)}; py=${quote(args.python)}`,
    'if [ -f "$v/pyvenv.cfg" ]; then echo venv=1; ' + emitBase64('cfg64', 'cat -- "$v/pyvenv.cfg"') + '; fi',
    'if [ -x "$v/bin/python" ] && "$v/bin/python" -I -B -c "import sys" >/dev/null 2>&1; then echo venv_python=1; fi',
    `if command -v "$py" >/dev/null 2>&1; then echo "python_version=$("$py" -I -B -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)"; "$py" -I -B -c 'import venv, ensurepip' >/dev/null 2>&1 && echo python_venv=1; fi`,
  ];
  if (args.virtualenvCommand !== undefined) {
    lines.push(`if command -v ${quote(args.virtualenvCommand)} >/dev/null 2>&1; then echo venvcmd=1; fi`);
  }
  lines.push(
    `if [ -x "$v/bin/python" ]; then ${checkerCommand(args.path, 'check', args.requirements, args.packages)} 2>/dev/null; fi`,
  );
  lines.push('exit 0');
  return lines.join('\n');
}

function readCfg(text: string): Map<string, string> {
  const cfg = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) cfg.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  return cfg;
}

function majorMinor(version: string | undefined): string | undefined {
  return version?.match(/^(\d+\.\d+)/)?.[1];
}

export function parseVenvProbe(output: ProbeOutput, args: VenvProbeArgs): VenvState {
  const fields = parseProbeFields(output.stdout);
  const cfg = readCfg(readBase64Field(fields, 'cfg64')?.toString('utf8') ?? '');
  const state: VenvState = {
    path: parsePathState(output),
    isVenv: fields.get('venv') === '1',
    pythonWorks: fields.get('venv_python') === '1',
    pythonVersion: fields.get('python_version') || undefined,
    pythonHasVenv: fields.get('python_venv') === '1',
  };
  if (state.isVenv) {
    const site = cfg.get('include-system-site-packages');
    state.systemSitePackages = site === undefined ? undefined : site.toLowerCase() === 'true';
    state.venvVersion = majorMinor(cfg.get('version') ?? cfg.get('version_info'));
  }
  if (args.virtualenvCommand !== undefined) state.virtualenvCommandFound = fields.get('venvcmd') === '1';
  if (fields.get('checker') === '1') {
    state.packages = args.packages.map((_, i) => {
      const [status, have] = (fields.get(`pkg${i}`) ?? 'unknown').split(' ');
      const installed = have ? Buffer.from(have, 'base64').toString('utf8') : '';
      return { status: status as ItemStatus, ...(installed ? { installed } : {}) };
    });
    if (args.requirements !== undefined) {
      const unmet = readBase64Field(fields, 'req_unmet')?.toString('utf8') ?? '';
      state.requirements = {
        status: (fields.get('req') ?? 'unknown') as ItemStatus,
        unmet: unmet ? unmet.split('\n') : [],
        recorded: Boolean(fields.get('req_recorded')),
      };
    }
  }
  return state;
}
