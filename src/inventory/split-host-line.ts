/**
 * Splits an INI host line into words like Python's shlex.split(line, comments=True), which Ansible
 * uses: quotes group words and are removed, a backslash escapes outside single quotes, and an
 * unquoted `#` ends the line even inside a word.
 */
export function splitHostLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '#') break;
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('no character after the escape character');
      word += line[i + 1];
      i += 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = scanQuoted(line, i);
      word += end.text;
      i = end.next;
      continue;
    }
    word += c;
    i++;
  }
  if (inWord) words.push(word);
  return words;
}

function scanQuoted(line: string, start: number): { text: string; next: number } {
  const quote = line[start];
  let text = '';
  let i = start + 1;
  while (i < line.length) {
    const c = line[i];
    if (c === quote) return { text, next: i + 1 };
    // In double quotes a backslash escapes only `"` and `\` (POSIX shell rule).
    if (quote === '"' && c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
      text += line[i + 1];
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  throw new Error('no closing quotation');
}
