/**
 * How a call's arguments reach a filter, test, lookup or method: nunjucks passes keyword
 * arguments (name=value) as one last object marked __keywords.
 */
export interface CallArguments {
  positional: unknown[];
  keywords: Record<string, unknown>;
}

export function splitArguments(args: readonly unknown[]): CallArguments {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && (last as Record<string, unknown>).__keywords === true) {
    const keywords = Object.fromEntries(Object.entries(last).filter(([key]) => key !== '__keywords'));
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

/**
 * Reads parameters the way Python binds them: by position in the order of `names`, or by name.
 * A name given twice or not known fails, naming the callee.
 */
export function bindArguments(
  callee: string,
  args: readonly unknown[],
  names: readonly string[],
): Record<string, unknown> {
  const { positional, keywords } = splitArguments(args);
  if (positional.length > names.length)
    throw new TypeError(`${callee}() takes at most ${names.length} argument(s) (${positional.length} given)`);
  const bound: Record<string, unknown> = {};
  positional.forEach((value, index) => (bound[names[index]] = value));
  for (const [key, value] of Object.entries(keywords)) {
    if (!names.includes(key)) throw new TypeError(`${callee}() got an unexpected keyword argument '${key}'`);
    if (key in bound) throw new TypeError(`${callee}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  return bound;
}
