/**
 * lineinfile's edit as a pure function over a file's text, following Ansible's rules: the last
 * line matching regexp (or containing search_string) is replaced; otherwise, unless the exact
 * line is already there, the line is inserted after/before the last line matching
 * insertafter/insertbefore, or at BOF/EOF. Regexes are JavaScript's, matched against each line
 * without its line ending.
 */

export interface LineEditOptions {
  state: 'present' | 'absent';
  line?: string;
  regexp?: RegExp;
  searchString?: string;
  /** 'EOF' or a regex source. */
  insertAfter?: string;
  /** 'BOF' or a regex source. */
  insertBefore?: string;
  backrefs?: boolean;
  firstMatch?: boolean;
}

export interface LineEditResult {
  content: string;
  changed: boolean;
  /** 'line added', 'line replaced', '2 line(s) removed' or ''. */
  message: string;
}

/** Splits text into lines that keep their endings (the last may lack one). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function stripEnding(line: string): string {
  return line.replace(/\r?\n$/, '');
}

export function editLine(content: string, options: LineEditOptions): LineEditResult {
  return options.state === 'absent' ? removeLines(content, options) : ensureLine(content, options);
}

function matcher(options: LineEditOptions): ((text: string) => RegExpExecArray | boolean | null) | undefined {
  if (options.regexp) {
    const re = new RegExp(options.regexp.source, options.regexp.flags.replace('g', ''));
    return (text) => re.exec(text);
  }
  if (options.searchString !== undefined) return (text) => text.includes(options.searchString!);
  return undefined;
}

function removeLines(content: string, options: LineEditOptions): LineEditResult {
  const match = matcher(options) ?? ((text: string) => text === options.line);
  const lines = splitLines(content);
  const kept = lines.filter((line) => !match(stripEnding(line)));
  const removed = lines.length - kept.length;
  if (removed === 0) return { content, changed: false, message: '' };
  return { content: kept.join(''), changed: true, message: `${removed} line(s) removed` };
}

function ensureLine(content: string, options: LineEditOptions): LineEditResult {
  const line = options.line ?? '';
  const lines = splitLines(content);
  const match = matcher(options);
  let matchIndex = -1;
  let found: RegExpExecArray | boolean | null = null;
  if (match) {
    for (let i = 0; i < lines.length; i++) {
      const result = match(stripEnding(lines[i]));
      if (result) {
        matchIndex = i;
        found = result;
        if (options.firstMatch) break;
      }
    }
  }
  let exactIndex = -1;
  let insertIndex = -1;
  const anchor =
    options.insertAfter !== undefined && options.insertAfter !== 'EOF'
      ? options.insertAfter
      : options.insertBefore !== undefined && options.insertBefore !== 'BOF'
        ? options.insertBefore
        : undefined;
  if (matchIndex === -1) {
    const anchorRe = anchor === undefined ? undefined : new RegExp(anchor);
    let anchorDone = false;
    for (let i = 0; i < lines.length; i++) {
      const text = stripEnding(lines[i]);
      if (text === line) exactIndex = i;
      else if (!anchorDone && anchorRe?.test(text)) {
        insertIndex = options.insertAfter !== undefined ? i + 1 : i;
        if (options.firstMatch) anchorDone = true;
      }
    }
  }

  const target = matchIndex !== -1 ? matchIndex : exactIndex;
  if (target !== -1) {
    const wanted =
      (options.backrefs && found && typeof found !== 'boolean' ? expandBackrefs(line, found) : line) +
      lineEnding(lines[target]);
    if (lines[target] === wanted) return { content, changed: false, message: '' };
    lines[target] = wanted;
    return { content: lines.join(''), changed: true, message: 'line replaced' };
  }
  // Without a match the backreferences cannot be filled in, so nothing is written (as in Ansible).
  if (options.backrefs) return { content, changed: false, message: '' };
  let at: number;
  if (options.insertBefore === 'BOF' || options.insertAfter === 'BOF') at = 0;
  else if (options.insertAfter === 'EOF' || insertIndex === -1) at = lines.length;
  else at = insertIndex;
  if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, `${line}\n`);
  return { content: lines.join(''), changed: true, message: 'line added' };
}

/** A replaced line keeps its own ending (\r\n stays \r\n); a last line without one gains \n. */
function lineEnding(line: string): string {
  return /\r\n$/.test(line) ? '\r\n' : '\n';
}

/** Python's match.expand: \1, \g<1>, \g<name>; a group that did not take part is empty. */
export function expandBackrefs(template: string, match: RegExpExecArray): string {
  return template.replace(/\\(?:(\d{1,2})|g<(\w+)>)/g, (_, number: string | undefined, name: string | undefined) => {
    const key = number ?? name!;
    const value = /^\d+$/.test(key) ? match[Number(key)] : match.groups?.[key];
    return value ?? '';
  });
}

/** Python's named groups (?P<name>...) and (?P=name) in JavaScript spelling. */
export function translatePythonRegex(source: string): string {
  return source.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
}
