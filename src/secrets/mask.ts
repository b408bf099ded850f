/**
 * Secret values known to this run (vault values, module parameters declared secret). Every
 * output path passes text through maskSecrets() before it is shown or written.
 */
// Each secret maps to its renderings, longest first.
const secrets = new Map<string, string[]>();
export const MASK = '********';

/** Registers a secret value; in a list or map (secret_env), every value inside is one. */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 3) {
    if (!secrets.has(value)) secrets.set(value, renderings(value));
  } else if (typeof value === 'number') registerSecret(String(value));
  else if (Array.isArray(value)) value.forEach(registerSecret);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(registerSecret);
}

/** How quoting rewrites a secret: quote()'s single quotes ' -> '\'', a backslash before \ " $ ` in double quotes, a JSON string. */
const ENCODINGS: Array<(text: string) => string> = [
  (text) => text.replace(/'/g, `'\\''`),
  (text) => text.replace(/[\\"$`]/g, '\\$&'),
  (text) => JSON.stringify(text).slice(1, -1),
];

/**
 * The forms a secret takes in text drover builds: as it is, and through up to three quotings in a
 * row (a quoted command line inside a registered result printed as JSON inside a report).
 */
function renderings(secret: string): string[] {
  let level = [secret];
  const forms = new Set(level);
  for (let depth = 0; depth < 3; depth++) {
    level = level.flatMap((form) => ENCODINGS.map((encode) => encode(form))).filter((form) => !forms.has(form));
    level.forEach((form) => forms.add(form));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** The runs of a secret between quote and escape characters, long enough to tell it apart. */
function fragments(secret: string): string[] {
  return secret.split(/['"\\$`]/).filter((part) => part.length >= 3);
}

export function maskSecrets(text: string): string {
  if (secrets.size === 0 || !text) return text;
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const [, forms] of [...secrets].sort(([a], [b]) => b.length - a.length)) {
    for (const form of forms) out = out.split(form).join(MASK);
  }
  return out;
}

/** Where registered secrets sit in text, in any of their quoted forms: [start, end) of each. */
export function secretSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  if (!text) return spans;
  for (const forms of secrets.values()) {
    for (const form of forms) {
      for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
    }
  }
  return spans;
}

/**
 * Whether text holds a registered secret, in any of its quoted forms. A secret cut apart by quoting
 * (say '$HOME' expanded in a command word) counts when each of its longer pieces is there.
 */
export function containsSecret(text: string): boolean {
  if (secrets.size === 0 || !text) return false;
  for (const [secret, forms] of secrets) {
    if (forms.some((form) => text.includes(form))) return true;
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
