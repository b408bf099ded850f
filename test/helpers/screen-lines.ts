/**
 * The lines a terminal `width` columns wide holds after a stream of output, as a terminal shows
 * them: text overwrites from the cursor, \r returns to the line's start, ESC[2K erases the line,
 * \n ends it, a line longer than the width wraps onto a new one (which no erase can take back).
 * Colour codes are dropped. The unfinished last line is returned too when it is not empty.
 */
export function screenLines(stream: string, width = Infinity): string[] {
  const lines: string[] = [];
  let current: string[] = [];
  let column = 0;
  const tokens = stream.match(/\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\r\n\x1b]/gu) ?? [];
  for (const token of tokens) {
    if (token === '\x1b[2K') current = [];
    else if (token.startsWith('\x1b')) continue;
    else if (token === '\r') column = 0;
    else if (token === '\n') {
      lines.push(current.join('').trimEnd());
      current = [];
      column = 0;
    } else {
      if (column >= width) {
        lines.push(current.join(''));
        current = [];
        column = 0;
      }
      while (current.length < column) current.push(' ');
      current[column++] = token;
    }
  }
  if (current.join('').trim() !== '') lines.push(current.join('').trimEnd());
  return lines;
}
