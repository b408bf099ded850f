/** Renders a supervisor [program:x] section and masks its environment values for diffs. */
import { MASK } from '../../secrets/mask.js';
import { DroverError } from '../../errors.js';

export class SupervisorValueError extends DroverError {
  override name = 'SupervisorValueError';
}

export interface ProgramSettings {
  name: string;
  /** Ordered key -> value; undefined values are left out (supervisor's default applies). */
  settings: Array<[string, string | number | boolean | undefined]>;
  environment?: Record<string, string>;
}

export const CONF_HEADER = '; Managed by drover (supervisor_program): changes made here are overwritten.';

/** Why supervisor would misread VALUE, or undefined when it is safe to write as is. */
export function checkIniValue(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'must be a single line';
  // supervisor's parser treats ';' or '#' after whitespace as the start of a comment.
  if (/\s[;#]/.test(value))
    return "supervisor reads ' ;' and ' #' as the start of a comment: remove the space before ; or #";
  return undefined;
}

/** One environment value in supervisor's KEY="value" syntax; % doubled so supervisor does not expand it. */
export function quoteEnvValue(value: string): string {
  const text = value.replace(/%/g, '%%');
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes("'")) return `'${text}'`;
  throw new SupervisorValueError(
    'an environment value cannot contain both \' and " (supervisor has no escape for quotes)',
  );
}

export function renderEnvironment(environment: Record<string, string>): string {
  return Object.entries(environment)
    .map(([key, value]) => `${key}=${quoteEnvValue(value)}`)
    .join(',');
}

export function renderProgramConf(program: ProgramSettings): string {
  const lines = [CONF_HEADER, `[program:${program.name}]`];
  for (const [key, value] of program.settings) if (value !== undefined) lines.push(`${key}=${String(value)}`);
  if (program.environment && Object.keys(program.environment).length > 0)
    lines.push(`environment=${renderEnvironment(program.environment)}`);
  return `${lines.join('\n')}\n`;
}

/** KEY -> raw value text of an environment= line (quotes removed), as far as it can be read. */
export function readEnvironmentLine(value: string): Map<string, string> {
  const out = new Map<string, string>();
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("[^"]*"|'[^']*'|[^,]*)\s*,?/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(value)) !== null && match[0] !== '') {
    const raw = match[2];
    out.set(match[1], /^["']/.test(raw) ? raw.slice(1, -1) : raw.trim());
  }
  return out;
}

/**
 * The conf text with every environment value replaced by the mask. With `compareTo` (the other
 * side of a diff), values that differ from it read `********(changed)`, so a diff still shows which
 * variable changed without showing any value.
 */
export function maskEnvironment(text: string, compareTo?: string): string {
  const other = compareTo === undefined ? undefined : findEnvironment(compareTo);
  return text
    .split('\n')
    .map((line) => {
      const match = /^(\s*environment\s*=\s*)(.*)$/.exec(line);
      if (!match) return line;
      const values = readEnvironmentLine(match[2]);
      const masked = [...values.entries()].map(
        ([key, value]) => `${key}="${MASK}${other !== undefined && other.get(key) !== value ? '(changed)' : ''}"`,
      );
      return `${match[1]}${masked.join(',')}`;
    })
    .join('\n');
}

function findEnvironment(text: string): Map<string, string> {
  const line = text.split('\n').find((l) => /^\s*environment\s*=/.test(l));
  return line === undefined ? new Map() : readEnvironmentLine(line.replace(/^\s*environment\s*=\s*/, ''));
}
