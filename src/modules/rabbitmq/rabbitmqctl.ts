import type { Prerequisite } from '../types.js';
/**
 * rabbitmqctl for the RabbitMQ modules: one read-only probe (export_definitions: users with their
 * password hashes and tags, vhosts, permissions, in one call of the slow Erlang CLI), the
 * commands that change the broker, and the password check against the exported hash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { quote, quoteArgs } from '../../remote/quote.js';
import { DroverError } from '../../errors.js';

export const rabbitmqNodeField = z
  .string()
  .regex(/^[A-Za-z0-9_.@-]+$/, 'must be an Erlang node name such as rabbit@mq1')
  .optional()
  .describe('Erlang node to manage (rabbitmqctl -n); the local node when omitted.');

/** Any vhost or user name RabbitMQ accepts, as long as it is text on one line. */
export function rabbitNameField(what: string) {
  return z
    .string({ error: `must be the ${what} name (a string)` })
    .min(1, 'must not be empty')
    .refine((name) => !/[\0\n\r]/.test(name), 'must not contain NUL or line breaks');
}

/**
 * Defines rmq(): rabbitmqctl with its arguments kept intact. Debian's /usr/sbin/rabbitmqctl wrapper
 * re-parses its arguments with `su -c "..."` when run as root, escaping only double quotes, so a
 * $ or backtick in a name would be expanded (or run) on the host. As root, rmq() runs the real
 * program as the rabbitmq user instead, from its home where the Erlang cookie is.
 */
const RMQ_FUNCTION = [
  'rmq() {',
  '  if [ "$(id -u)" = 0 ] && [ -x /usr/lib/rabbitmq/bin/rabbitmqctl ] && id -u rabbitmq >/dev/null 2>&1; then',
  '    (cd /var/lib/rabbitmq && HOME=/var/lib/rabbitmq runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmqctl "$@")',
  '  else rabbitmqctl "$@"; fi',
  '}',
].join('\n');

function nodeOption(node: string | undefined): string {
  return node === undefined ? '' : ` -n ${quote(node)}`;
}

/**
 * `rmq -q [-n NODE] VERB [--vhost=V] -- ARGS` for each step, joined with &&: every value quoted,
 * and `--` so a name starting with a dash is never read as an option.
 */
export function buildCtlCommand(
  node: string | undefined,
  steps: Array<{ verb: string; args: string[]; vhost?: string }>,
): string {
  const lines = steps.map(({ verb, args, vhost }) => {
    const vhostOption = vhost === undefined ? '' : ` ${quote(`--vhost=${vhost}`)}`;
    return `rmq -q${nodeOption(node)} ${verb}${vhostOption} -- ${quoteArgs(args)}`;
  });
  return `${RMQ_FUNCTION}\n${lines.join(' && ')}`;
}

export function buildRabbitProbe(node: string | undefined): string {
  return [
    'cd / 2>/dev/null',
    'command -v rabbitmqctl >/dev/null 2>&1 || { echo status=missing; exit 0; }',
    RMQ_FUNCTION,
    `if out=$(rmq -q${nodeOption(node)} export_definitions - --format json 2>&1); then echo status=ok; printf '%s\\n' "$out"; else echo status=down; printf '%s\\n' "$out" | grep . | head -n 3 | sed 's/^/error=/'; fi`,
  ].join('\n');
}

export interface RabbitUser {
  passwordHash: string;
  hashingAlgorithm: string;
  tags: string[];
}

export interface RabbitPermission {
  configure: string;
  write: string;
  read: string;
}

export interface RabbitState {
  status: 'ok' | 'missing' | 'down';
  error?: string;
  users: Map<string, RabbitUser>;
  vhosts: Set<string>;
  /** user -> vhost -> permissions */
  permissions: Map<string, Map<string, RabbitPermission>>;
}

export class RabbitProbeError extends DroverError {
  override name = 'RabbitProbeError';
}

interface Definitions {
  users?: Array<{ name: string; password_hash?: string; hashing_algorithm?: string; tags?: string[] | string }>;
  vhosts?: Array<{ name: string }>;
  permissions?: Array<{ user: string; vhost: string; configure: string; write: string; read: string }>;
}

/** Tags are a list in 3.10+, a comma-separated string in older exports. */
function readTags(tags: string[] | string | undefined): string[] {
  if (tags === undefined) return [];
  return (Array.isArray(tags) ? tags : tags.split(',')).map((t) => t.trim()).filter((t) => t !== '');
}

export function parseRabbitProbe(stdout: string): RabbitState {
  const lines = stdout.split('\n');
  const status = (lines.find((l) => l.startsWith('status='))?.slice(7) ?? 'down') as RabbitState['status'];
  const empty: RabbitState = { status, users: new Map(), vhosts: new Set(), permissions: new Map() };
  if (status !== 'ok') {
    const errors = lines.filter((l) => l.startsWith('error=')).map((l) => l.slice(6).trim());
    return { ...empty, error: errors.length ? errors.join(' ') : undefined };
  }
  const json = lines.find((l) => l.startsWith('{'));
  let definitions: Definitions;
  try {
    definitions = JSON.parse(json ?? '') as Definitions;
  } catch (error) {
    throw new RabbitProbeError(`rabbitmqctl export_definitions printed no JSON: ${stdout.slice(0, 200)}`, {
      cause: error,
    });
  }
  for (const user of definitions.users ?? []) {
    empty.users.set(user.name, {
      passwordHash: user.password_hash ?? '',
      hashingAlgorithm: user.hashing_algorithm ?? 'rabbit_password_hashing_sha256',
      tags: readTags(user.tags),
    });
  }
  for (const vhost of definitions.vhosts ?? []) empty.vhosts.add(vhost.name);
  for (const p of definitions.permissions ?? []) {
    const byVhost = empty.permissions.get(p.user) ?? new Map<string, RabbitPermission>();
    byVhost.set(p.vhost, { configure: p.configure, write: p.write, read: p.read });
    empty.permissions.set(p.user, byVhost);
  }
  return empty;
}

const HASHES: Record<string, string> = {
  rabbit_password_hashing_sha256: 'sha256',
  rabbit_password_hashing_sha512: 'sha512',
  rabbit_password_hashing_md5: 'md5',
};

/** RabbitMQ stores base64(salt[4] + HASH(salt[4] + utf8 password)). */
export function verifyRabbitPassword(user: RabbitUser, password: string): boolean {
  const algorithm = HASHES[user.hashingAlgorithm];
  const stored = Buffer.from(user.passwordHash, 'base64');
  if (!algorithm || stored.length <= 4) return false;
  const salt = stored.subarray(0, 4);
  const digest = createHash(algorithm)
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return digest.length === stored.length - 4 && timingSafeEqual(digest, stored.subarray(4));
}

/** The broker does not answer the probe: its users and vhosts cannot be read. */
export function rabbitUnavailable(state: RabbitState): Prerequisite | undefined {
  if (state.status === 'ok') return undefined;
  if (state.status === 'missing')
    return {
      missing: 'rabbitmqctl is not installed on this host',
      fix: 'install rabbitmq-server (apt) before this task',
      providedBy: [{ package: 'rabbitmq-server' }],
    };
  return {
    missing: `cannot reach RabbitMQ${state.error ? ` (${state.error})` : ''}`,
    fix: 'check that rabbitmq-server is running (and node, if given) and that the task runs as root',
    providedBy: [{ service: 'rabbitmq-server' }, { package: 'rabbitmq-server' }],
  };
}

/** The probe and parse every RabbitMQ module shares: one export_definitions call. */
export const rabbitStateProbe = {
  probe: (args: { node?: string }): string => buildRabbitProbe(args.node),
  parse: (output: { stdout: string }): RabbitState => parseRabbitProbe(output.stdout),
};
