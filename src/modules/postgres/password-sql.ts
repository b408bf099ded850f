/** The PASSWORD clause of CREATE/ALTER ROLE, without a plaintext password wherever that is possible. */
import { MASK } from '../../secrets/mask.js';
import { buildScramVerifier, isAsciiPassword } from './password.js';
import { quoteLiteral } from './sql.js';

export interface PasswordSql {
  /** Statements that must run first in the same session. */
  setup: string[];
  /** "PASSWORD '...'" or "PASSWORD NULL". */
  clause: string;
}

/**
 * An ASCII password is sent as a SCRAM-SHA-256 verifier made here with the host's random salt, so
 * the plaintext never reaches the server (nor its statement log or pg_stat_statements). Other
 * text is normalized by the server (SASLprep) before hashing, which only the server does exactly:
 * it is sent as plaintext on psql's stdin with statement logging off for that session.
 * An empty password removes the role's password.
 */
export function buildPasswordSql(password: string, salt: Buffer): PasswordSql {
  if (password === '') return { setup: [], clause: 'PASSWORD NULL' };
  if (isAsciiPassword(password))
    return { setup: [], clause: `PASSWORD ${quoteLiteral(buildScramVerifier(password, salt))}` };
  return {
    setup: [
      "SET log_statement = 'none';",
      'SET log_min_duration_statement = -1;',
      "SET log_min_error_statement = 'panic';",
      "SET password_encryption = 'scram-sha-256';",
    ],
    clause: `PASSWORD ${quoteLiteral(password)}`,
  };
}

/** How a role's password is shown in summaries, from and to: never the value. */
export function describePassword(password: string | undefined): string {
  return password ? MASK : 'none';
}
