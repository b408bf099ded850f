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

export function maskSecrets(text: string): string {
  if (secrets.size === 0 || !text) return text;
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return out;
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
