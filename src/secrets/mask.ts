/**
 * Secret values known to this run (vault values, module parameters declared secret). Every
 * output path passes text through maskSecrets() before it is shown or written.
 */
// Each secret maps to its renderings, longest first.
const secrets = new Map<string, string[]>();
// Every rendering of every secret, longest first (built again after a registration).
let allForms: string[] | undefined;
export const MASK = '********';

/** Registers a secret value; in a list or map (secret_env), every value inside is one. */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 3) {
    if (!secrets.has(value)) {
      secrets.set(value, renderings(value));
      allForms = undefined;
    }
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
 * The forms a secret takes in text drover builds: as it is, through up to three quotings in a row
 * (a quoted command line inside a registered result printed as JSON inside a report), in base64,
 * and, for a secret of several lines, each of its lines (see secretLines) with their quotings.
 */
function renderings(secret: string): string[] {
  const forms = new Set([...quotings(secret), ...base64Forms(secret)]);
  for (const line of secretLines(secret)) quotings(line).forEach((form) => forms.add(form));
  return [...forms].sort((a, b) => b.length - a.length);
}

function quotings(text: string): string[] {
  let level = [text];
  const forms = new Set(level);
  for (let depth = 0; depth < 3; depth++) {
    level = level.flatMap((form) => ENCODINGS.map((encode) => encode(form))).filter((form) => !forms.has(form));
    level.forEach((form) => forms.add(form));
  }
  return [...forms];
}

/** Shortest line of a multi-line secret that is masked on its own. */
const MIN_LINE = 4;
/** PEM and PGP armour: '-----BEGIN CERTIFICATE-----', '-----END RSA PRIVATE KEY-----'. */
const ARMOUR_LINE = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/**
 * The lines of a multi-line secret (a private key, a certificate) that are masked on their own as
 * well as within the whole: a diff shows a file line by line, so none of its lines holds the whole
 * secret. A line counts trimmed (of its \r and surrounding blanks) when it has at least MIN_LINE
 * characters and a letter or digit; armour lines and lines of punctuation alone ('}', '-----') are
 * the same in every such secret and tell nothing about it: they are masked inside the whole secret
 * only, so a diff still shows what kind of file it is.
 */
function secretLines(secret: string): string[] {
  if (!secret.includes('\n')) return [];
  return secret
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_LINE && /[\p{L}\p{N}]/u.test(line) && !ARMOUR_LINE.test(line));
}

/** Shortest base64 form masked: shorter runs turn up by chance in other base64 text. */
const MIN_BASE64 = 8;

/**
 * The secret in base64 (`base64 -w0 < FILE` of a file that holds it): the whole encoding, and the
 * characters that stand for the secret's bytes alone inside a longer encoding, for each of the three
 * places it can start in base64's 3-byte groups.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [bytes.toString('base64')];
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    forms.push(encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6)));
  }
  return forms.filter((form) => form.length >= MIN_BASE64);
}

/** The runs of a secret between quote and escape characters, long enough to tell it apart. */
function fragments(secret: string): string[] {
  return secret.split(/['"\\$`]/).filter((part) => part.length >= 3);
}

export function maskSecrets(text: string): string {
  if (secrets.size === 0 || !text) return text;
  let out = text;
  // Longest first, so a secret that contains another (or one of its own lines) is masked whole.
  allForms ??= [...new Set([...secrets.values()].flat())].sort((a, b) => b.length - a.length);
  for (const form of allForms) if (out.includes(form)) out = out.split(form).join(MASK);
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
    if (parts.length > 0 && parts.some((part) => part !== secret) && parts.every((part) => text.includes(part)))
      return true;
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
