import { quote } from '../../remote/quote.js';
import { containsSecret } from '../../secrets/mask.js';

/**
 * How the shell module hands its script to the shell: as `EXE -c SCRIPT`, unless the script holds a
 * secret. `-c` would make the script an argument of the shell process, visible in `ps` on the host;
 * such a script goes in a here-document on fd 3 instead (`EXE /dev/fd/3`), inside the command line
 * that the connection keeps off the exec line. The script's own stdin stays free either way.
 */
export function shellInvocation(executable: string, script: string): string {
  if (!containsSecret(script)) return `${quote(executable)} -c ${quote(script)}`;
  const lines = script.split('\n');
  let end = 'DROVER_SCRIPT_END';
  while (lines.includes(end)) end += '_';
  return `${quote(executable)} /dev/fd/3 3<<'${end}'\n${script}${script.endsWith('\n') ? '' : '\n'}${end}`;
}
