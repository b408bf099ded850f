/** A `name` parameter with Ansible's aliases (user, username, db, vhost): one of them is required, all given must agree. */
import type { z } from 'zod';

export function checkNameAliases(
  args: Record<string, unknown>,
  aliases: readonly string[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  const given = ['name', ...aliases].filter((key) => args[key] !== undefined);
  if (given.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `name is required: the ${what} to manage (or ${aliases.join(', ')})`,
      path: ['name'],
    });
    return;
  }
  const first = args[given[0]];
  for (const key of given.slice(1)) {
    if (args[key] !== first)
      ctx.addIssue({
        code: 'custom',
        message: `give the ${what} once: ${given[0]} and ${key} are the same parameter`,
        path: [key],
      });
  }
}

/** The name, from whichever spelling was given (after checkNameAliases passed). */
export function pickName(args: Record<string, unknown>, aliases: readonly string[]): string {
  return [args.name, ...aliases.map((key) => args[key])].find((value) => value !== undefined) as string;
}
