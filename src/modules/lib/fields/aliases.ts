/**
 * Ansible's `aliases=[...]`: a parameter's other names, declared once per parameter (an AliasSpec
 * beside its schema keys). Each name is its own optional schema key, so unknown-parameter checks and
 * the reference know them all; the schema's refinement checks them and its readers pick the value.
 */
import type { z } from 'zod';

export interface AliasSpec {
  /** The parameter's own name. */
  readonly field: string;
  readonly aliases: readonly string[];
  /** What the parameter names, for the message when it is missing: "the role to manage". */
  readonly what: string;
}

/** One value under the parameter's names: present unless `optional`, and names given together must agree. */
export function checkAliases(
  args: Record<string, unknown>,
  spec: AliasSpec,
  ctx: z.RefinementCtx,
  options: { optional?: boolean } = {},
): void {
  const given = [spec.field, ...spec.aliases].filter((key) => args[key] !== undefined);
  if (given.length === 0) {
    if (!options.optional)
      ctx.addIssue({
        code: 'custom',
        message: `${spec.field} is required: ${spec.what} (or ${spec.aliases.join(', ')})`,
        path: [spec.field],
      });
    return;
  }
  const first = JSON.stringify(args[given[0]]);
  for (const key of given.slice(1))
    if (JSON.stringify(args[key]) !== first)
      ctx.addIssue({
        code: 'custom',
        message: `give ${spec.field} once: ${given[0]} and ${key} are the same parameter`,
        path: [key],
      });
}

/** The parameter's value, under whichever of its names it was given (after checkAliases passed). */
export function readAliased<T>(args: Record<string, unknown>, spec: AliasSpec): T | undefined {
  for (const key of [spec.field, ...spec.aliases]) if (args[key] !== undefined) return args[key] as T;
  return undefined;
}
