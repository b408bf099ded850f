/**
 * Secrets stay masked through filters and methods: when a filter's input holds a registered
 * secret (a vault value, a password) and its output no longer shows it as it was (b64encode of a
 * longer text, regex_replace, upper, hash), each text of the output is registered as a secret too.
 */
import { types } from 'node:util';
import { containsSecret, registerSecret } from '../secrets/mask.js';

/** How many texts a value is searched through, at most: a secret sits near the top of real inputs. */
const WALK_LIMIT = 2000;

export function carrySecrets(inputs: readonly unknown[], output: unknown): void {
  const produced = texts(output);
  if (produced.length === 0) return;
  if (!inputs.some((input) => texts(input).some((text) => containsSecret(text)))) return;
  for (const text of produced) if (!containsSecret(text)) registerSecret(text);
}

function texts(value: unknown, out: string[] = [], seen = new Set<object>()): string[] {
  if (out.length >= WALK_LIMIT) return out;
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object' && !seen.has(value) && !types.isProxy(value)) {
    seen.add(value);
    for (const item of Array.isArray(value) ? value : Object.values(value)) texts(item, out, seen);
  }
  return out;
}
