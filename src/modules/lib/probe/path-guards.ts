/** The `creates`/`removes` guards of command and shell: globs checked by a read-only probe. */
import { quote } from '../../../remote/quote.js';

/** A glob as sh text: `*`, `?` and simple `[...]` classes stay active, everything else is quoted. */
export function globToShell(pattern: string): string {
  const parts = pattern.split(/(\*|\?|\[[A-Za-z0-9!^_.-]+\])/);
  return parts.map((part, i) => (i % 2 === 1 ? part : part === '' ? '' : quote(part))).join('') || "''";
}

/** Sh printing `NAME=1` when something matches the glob, `NAME=0` otherwise. */
export function probeGlobExists(name: string, pattern: string): string {
  return `${name}=0; for g in ${globToShell(pattern)}; do if [ -e "$g" ] || [ -L "$g" ]; then ${name}=1; break; fi; done; echo "${name}=$${name}"`;
}
