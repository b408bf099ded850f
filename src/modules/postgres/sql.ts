import type { Prerequisite } from '../types.js';
/**
 * SQL text and psql invocations for the PostgreSQL modules. Identifiers and literals are quoted
 * here for SQL; the psql command line itself holds no value from a playbook (scripts go on stdin),
 * and the probes compare names through hex, so no quoting mode of the server matters.
 */
import { z } from 'zod';
import { quote } from '../../remote/quote.js';
import { wholeNumberField } from '../lib/fields/whole-number-field.js';

/** "name" with embedded double quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** 'text' with embedded single quotes doubled (the script sets standard_conforming_strings on). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** An SQL expression for the text, spelled in hex digits only: safe in any quoting context. */
export function hexText(text: string): string {
  return `convert_from(decode('${Buffer.from(text, 'utf8').toString('hex')}', 'hex'), 'UTF8')`;
}

/** An SQL expression printing a text column as hex (names may hold |, newlines, anything). */
export function hexOf(column: string): string {
  return `encode(convert_to(${column}, 'UTF8'), 'hex')`;
}

export function decodeHex(hex: string): string {
  return Buffer.from(hex, 'hex').toString('utf8');
}

/** A role or database name: PostgreSQL keeps 63 bytes and truncates longer names, which would never converge. */
export function pgNameField(what: string) {
  return z
    .string({ error: `must be the ${what} name (a string)` })
    .min(1, 'must not be empty')
    .refine((name) => !name.includes('\0'), 'must not contain a NUL byte')
    .refine(
      (name) => Buffer.byteLength(name) <= 63,
      'must be at most 63 bytes long (PostgreSQL truncates longer names)',
    );
}

/** Connection parameters shared by the PostgreSQL modules (Ansible's names). */
export const pgConnectionFields = {
  port: wholeNumberField('a TCP port')
    .default(5432)
    .describe('Port of the PostgreSQL cluster (Debian numbers a second cluster 5433).'),
  login_unix_socket: z
    .string()
    .min(1)
    .optional()
    .describe("Directory of the server's Unix socket; psql's default (/var/run/postgresql) when omitted."),
  login_user: z
    .string()
    .regex(/^[a-z_][a-z0-9_.-]*$/, 'must be an OS user name such as postgres')
    .default('postgres')
    .describe(
      'OS user psql runs as (through become), connecting over the Unix socket with peer authentication as the role of the same name. It must be a superuser or have CREATEROLE/CREATEDB.',
    ),
};

export interface PgConnection {
  port: number;
  login_unix_socket?: string;
  login_user: string;
}

/** psql's connection options; -X skips ~/.psqlrc so a user's settings cannot change the output. */
function psqlArgs(conn: PgConnection): string {
  const socket = conn.login_unix_socket === undefined ? '' : ` -h ${quote(conn.login_unix_socket)}`;
  return `-X -p ${quote(conn.port)}${socket} -d postgres`;
}

/** Change command: runs the SQL script on stdin, stopping at the first error. */
export function buildPsqlScriptCommand(conn: PgConnection): string {
  return `psql ${psqlArgs(conn)} -q -v ON_ERROR_STOP=1 -f -`;
}

/** Every change script starts here, so literals mean the same on any server configuration. */
export function sqlScript(statements: string[]): string {
  return ['SET standard_conforming_strings = on;', ...statements].join('\n') + '\n';
}

/**
 * Read-only probe: prints `status=ok` and the query's rows (one text column each), or
 * `status=missing` (no psql) / `status=down` with psql's message. psql runs as login_user:
 * runuser as root, sudo -n otherwise (the probe never asks for a password).
 */
export function buildPsqlProbe(conn: PgConnection, query: string): string {
  const run = `psql ${psqlArgs(conn)} -At -v ON_ERROR_STOP=1 -c ${quote(query)}`;
  const user = quote(conn.login_user);
  return [
    'cd / 2>/dev/null',
    'command -v psql >/dev/null 2>&1 || { echo status=missing; exit 0; }',
    `if [ "$(id -un)" = ${user} ]; then pg_run() { ${run}; }`,
    `elif [ "$(id -u)" = 0 ]; then pg_run() { runuser -u ${user} -- ${run}; }`,
    `else pg_run() { sudo -n -u ${user} -- ${run}; }; fi`,
    "if out=$(pg_run 2>&1); then echo status=ok; printf '%s\\n' \"$out\"; else echo status=down; printf '%s\\n' \"$out\" | head -n 3 | sed 's/^/error=/'; fi",
    // Fresh random bytes for a new password verifier's salt: the plan stays a pure function of this output.
    "printf 'salt='; head -c 16 /dev/urandom | base64",
  ].join('\n');
}

export type PgStatus = 'ok' | 'missing' | 'down';

export interface PgProbe {
  status: PgStatus;
  /** psql's message when the server could not be queried. */
  error?: string;
  /** Query rows (status ok). */
  rows: string[];
  /** 16 random bytes read on the host. */
  salt?: Buffer;
}

export function parsePsqlProbe(stdout: string): PgProbe {
  const lines = stdout.split('\n');
  const status = (lines.find((l) => l.startsWith('status='))?.slice(7) ?? 'down') as PgStatus;
  const saltLine = lines.find((l) => l.startsWith('salt='));
  const errors = lines.filter((l) => l.startsWith('error=')).map((l) => l.slice(6));
  const rows =
    status === 'ok' ? lines.filter((l) => l !== '' && !l.startsWith('status=') && !l.startsWith('salt=')) : [];
  return {
    status,
    rows,
    error: errors.length > 0 ? errors.join(' ') : undefined,
    salt: saltLine && saltLine.length > 5 ? Buffer.from(saltLine.slice(5), 'base64') : undefined,
  };
}

/**
 * When the server cannot be asked: check mode plans as if nothing exists yet (an earlier task
 * installs PostgreSQL), a real run fails with what to do.
 */
/** PostgreSQL does not answer the probe: what the role or database is cannot be read. */
export function pgUnavailable(probe: PgProbe): Prerequisite {
  if (probe.status === 'missing')
    return {
      missing: 'psql is not installed on this host',
      fix: 'install postgresql (apt: name: postgresql) before this task',
      providedBy: [{ package: 'postgresql' }, { package: 'postgresql-client' }],
    };
  return {
    missing: `cannot query PostgreSQL${probe.error ? ` (${probe.error})` : ''}`,
    fix: 'check that the cluster is running (service: name=postgresql state=started) and port/login_unix_socket/login_user are right',
    providedBy: [{ service: 'postgresql' }, { package: 'postgresql' }],
  };
}

/** Change fields every psql change shares: run as login_user from /, script on stdin. */
export function psqlChange(conn: PgConnection, statements: string[]) {
  return {
    kind: 'command' as const,
    command: buildPsqlScriptCommand(conn),
    stdin: sqlScript(statements),
    user: conn.login_user,
    cwd: '/',
  };
}
