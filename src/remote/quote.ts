/**
 * The one quoting helper: every value that goes into a remote shell command passes through here.
 * POSIX single quotes keep every byte literal; a single quote inside is closed, escaped and reopened.
 */
export function quote(value: string | number): string {
  const text = String(value);
  if (text !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each argument and joins them into one command line. */
export function quoteArgs(args: ReadonlyArray<string | number>): string {
  return args.map(quote).join(' ');
}

/** Tagged template: interpolated values are quoted, the literal parts are kept as written. */
export function sh(
  strings: TemplateStringsArray,
  ...values: Array<string | number | ReadonlyArray<string | number>>
): string {
  let out = strings[0];
  values.forEach((value, i) => {
    out += Array.isArray(value) ? quoteArgs(value) : quote(value as string | number);
    out += strings[i + 1];
  });
  return out;
}

/**
 * A relative path that starts with `-` gets `./` before it, so no command reads it as an option
 * (and `cd -` does not mean "the previous directory"). Other paths are returned as they are.
 */
export function dashSafePath(path: string): string {
  return path.startsWith('-') ? `./${path}` : path;
}
