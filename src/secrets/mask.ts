/**
 * Secret values known to this run (vault values, module parameters declared secret). Every
 * output path passes text through maskSecrets() before it is shown or written.
 */
const secrets = new Set<string>();
export const MASK = '********';

/** Registers a secret value; in a list or map (secret_env), every value inside is one. */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 3) secrets.add(value);
  else if (typeof value === 'number') registerSecret(String(value));
  else if (Array.isArray(value)) value.forEach(registerSecret);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(registerSecret);
}

/**
 * The forms a secret takes in text drover builds: as it is, inside single quotes (quote() turns ' into '\''),
 * and inside double quotes or JSON (a backslash before \ " $ `).
 */
function renderings(secret: string): string[] {
  return [...new Set([secret, secret.replace(/'/g, `'\\''`), secret.replace(/[\\"$`]/g, '\\$&')])];
}

/** The runs of a secret between quote and escape characters, long enough to tell it apart. */
function fragments(secret: string): string[] {
  return secret.split(/['"\\$`]/).filter((part) => part.length >= 3);
}

export function maskSecrets(text: string): string {
  if (secrets.size === 0 || !text) return text;
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    for (const form of renderings(secret)) out = out.split(form).join(MASK);
  }
  return out;
}

/**
 * Whether text holds a registered secret, in any of its quoted forms. A secret cut apart by quoting
 * (say '$HOME' expanded in a command word) counts when each of its longer pieces is there.
 */
export function containsSecret(text: string): boolean {
  if (secrets.size === 0 || !text) return false;
  for (const secret of secrets) {
    if (renderings(secret).some((form) => text.includes(form))) return true;
    const parts = fragments(secret);
    if (parts.length > 0 && parts.some((part) => part !== secret) && parts.every((part) => text.includes(part))) return true;
  }
  return false;
}

/** Masks every string inside a value (for reports). */
export function maskValue<T>(value: T): T {
  if (secrets.size === 0) return value;
  if (typeof value === 'string') return maskSecrets(value) as T;
  if (Array.isArray(value)) return value.map(maskValue) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v)])) as T;
  }
  return value;
}
