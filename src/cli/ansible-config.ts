/**
 * ansible.cfg and ANSIBLE_* variables, read as ansible-playbook reads them, so an Ansible project's
 * settings hold without being typed again: the first of $ANSIBLE_CONFIG, ./ansible.cfg (unless
 * the directory is world-writable, which Ansible refuses too), ~/.ansible.cfg and
 * /etc/ansible/ansible.cfg. An environment variable wins over the file; an option given on the
 * command line wins over both. Relative paths in the file are relative to the file's directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseBoolWord } from '../connection/host-vars.js';
import { UsageError } from './exit-codes.js';

/** The settings drover takes from Ansible's configuration, with where each came from. */
export interface AnsibleSettings {
  /** The configuration file read, if any. */
  file?: string;
  inventory?: string[];
  rolesPath?: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  hostKeyChecking?: boolean;
  forks?: number;
  timeout?: number;
  vaultPasswordFile?: string;
}

/** As Ansible's config types: a pathlist is split on commas, a pathspec on colons. */
type Kind = 'pathlist' | 'pathspec' | 'path' | 'string' | 'bool' | 'int';

/** Setting, its ansible.cfg section and key, its environment variable, and its kind. */
const SETTINGS: Array<{
  name: keyof Omit<AnsibleSettings, 'file'>;
  section: string;
  key: string;
  env: string;
  kind: Kind;
}> = [
  { name: 'inventory', section: 'defaults', key: 'inventory', env: 'ANSIBLE_INVENTORY', kind: 'pathlist' },
  { name: 'rolesPath', section: 'defaults', key: 'roles_path', env: 'ANSIBLE_ROLES_PATH', kind: 'pathspec' },
  { name: 'remoteUser', section: 'defaults', key: 'remote_user', env: 'ANSIBLE_REMOTE_USER', kind: 'string' },
  {
    name: 'privateKeyFile',
    section: 'defaults',
    key: 'private_key_file',
    env: 'ANSIBLE_PRIVATE_KEY_FILE',
    kind: 'path',
  },
  {
    name: 'hostKeyChecking',
    section: 'defaults',
    key: 'host_key_checking',
    env: 'ANSIBLE_HOST_KEY_CHECKING',
    kind: 'bool',
  },
  { name: 'forks', section: 'defaults', key: 'forks', env: 'ANSIBLE_FORKS', kind: 'int' },
  { name: 'timeout', section: 'defaults', key: 'timeout', env: 'ANSIBLE_TIMEOUT', kind: 'int' },
  {
    name: 'vaultPasswordFile',
    section: 'defaults',
    key: 'vault_password_file',
    env: 'ANSIBLE_VAULT_PASSWORD_FILE',
    kind: 'path',
  },
];

/** A value in ansible.cfg or ANSIBLE_* that cannot be used (the CLI reports it as a usage error). */
export class AnsibleConfigError extends UsageError {
  override name = 'AnsibleConfigError';
}

/** The configuration file ansible-playbook would read here. */
export function findAnsibleConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv) return existsSync(fromEnv) ? resolve(cwd, fromEnv) : undefined;
  const local = join(cwd, 'ansible.cfg');
  if (existsSync(local) && (statSync(cwd).mode & 0o002) === 0) return local;
  for (const candidate of [join(homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg'])
    if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Reads the settings from the environment and the configuration file. */
export function readAnsibleSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AnsibleSettings {
  const file = findAnsibleConfig(env, cwd);
  const sections = file ? parseIni(readFileSync(file, 'utf8')) : new Map<string, Map<string, string>>();
  const settings: AnsibleSettings = { file };
  for (const setting of SETTINGS) {
    const fromEnv = env[setting.env];
    const fromFile = sections.get(setting.section)?.get(setting.key);
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromFile;
    if (raw === undefined || raw === '') continue;
    const base = fromEnv !== undefined && fromEnv !== '' ? cwd : dirname(file!);
    const where = fromEnv !== undefined && fromEnv !== '' ? setting.env : `${file} [${setting.section}] ${setting.key}`;
    (settings as Record<string, unknown>)[setting.name] = convert(raw, setting.kind, base, where);
  }
  return settings;
}

function convert(raw: string, kind: Kind, base: string, where: string): unknown {
  const path = (value: string) => {
    const expanded = value.startsWith('~/') ? join(homedir(), value.slice(2)) : value;
    // "host1,host2," is a host list, not a path.
    return isAbsolute(expanded) ? expanded : resolve(base, expanded);
  };
  switch (kind) {
    case 'pathlist':
    case 'pathspec':
      return raw
        .split(kind === 'pathlist' ? ',' : ':')
        .map((part) => part.trim())
        .filter(Boolean)
        .map(path);
    case 'path':
      return path(raw.trim());
    case 'bool': {
      const value = parseBoolWord(raw.trim());
      if (value === undefined) throw new AnsibleConfigError(`${where}: '${raw}' is not a boolean (use true or false)`);
      return value;
    }
    case 'int': {
      const value = Number(raw.trim());
      if (!Number.isInteger(value) || value < 1)
        throw new AnsibleConfigError(`${where}: '${raw}' is not a whole number above 0`);
      return value;
    }
    default:
      return raw.trim();
  }
}

/**
 * Python configparser's format as Ansible uses it: [sections], `key = value` or `key: value`,
 * full-line comments with # or ;, inline comments after ` ;`, indented continuation lines.
 */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(rawLine) || rawLine.trim() === '') continue;
    const line = rawLine.replace(/\s;.*$/, '');
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      section = sections.get(header[1].trim()) ?? new Map();
      sections.set(header[1].trim(), section);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(line) && section && lastKey) {
      section.set(lastKey, `${section.get(lastKey)}\n${line.trim()}`);
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line.trim());
    if (!pair || !section) continue;
    lastKey = pair[1].toLowerCase();
    section.set(lastKey, pair[2].trim());
  }
  return sections;
}

/** The options of run, check and drift that Ansible's settings fill when the command line does not. */
export function applyAnsibleSettings(
  command: import('commander').Command,
  settings: AnsibleSettings,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const fill = (option: string, value: unknown) => {
    if (value === undefined) return;
    const source = command.getOptionValueSource(option);
    if (source === undefined || source === 'default') command.setOptionValueWithSource(option, value, 'config');
  };
  fill('inventory', settings.inventory);
  fill('forks', settings.forks);
  fill('user', settings.remoteUser);
  fill('privateKey', settings.privateKeyFile);
  fill('connectTimeout', settings.timeout);
  fill(
    'hostKeyChecking',
    settings.hostKeyChecking === undefined ? undefined : settings.hostKeyChecking ? 'strict' : 'off',
  );
  fill('rolesPath', settings.rolesPath);
  // drover's own variable wins over Ansible's settings.
  if (!env.DROVER_VAULT_PASSWORD_FILE) fill('vaultPasswordFile', settings.vaultPasswordFile);
}
