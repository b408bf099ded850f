/**
 * blockinfile's edit as a pure function: the lines between the begin and end markers are
 * replaced by the block (or removed with the markers), or the marked block is inserted after the
 * last line matching insertafter / before the last line matching insertbefore / at BOF / at EOF.
 */

export interface BlockEditOptions {
  state: 'present' | 'absent';
  block: string;
  markerBegin: string;
  markerEnd: string;
  /** Markers of an earlier block to take over when the file has none of the above (e.g. Ansible's). */
  legacyMarkers?: { begin: string; end: string };
  /** 'EOF' or a regex source. */
  insertAfter?: string;
  /** 'BOF' or a regex source. */
  insertBefore?: string;
}

export interface BlockEditResult {
  content: string;
  changed: boolean;
  message: string;
}

function findMarkers(lines: string[], begin: string, end: string): [number, number] | undefined {
  let first = -1;
  let last = -1;
  lines.forEach((line, i) => {
    const text = line.replace(/\s+$/, '');
    if (text === begin) first = i;
    if (text === end) last = i;
  });
  return first === -1 || last === -1 ? undefined : [first, last];
}

export function editBlock(content: string, options: BlockEditOptions): BlockEditResult {
  const lines = content === '' ? [] : content.split('\n');
  if (content.endsWith('\n')) lines.pop();
  const blockLines =
    options.state === 'present' && options.block !== ''
      ? [options.markerBegin, ...options.block.replace(/\n$/, '').split('\n'), options.markerEnd]
      : [];
  const markers =
    findMarkers(lines, options.markerBegin, options.markerEnd) ??
    (options.legacyMarkers && findMarkers(lines, options.legacyMarkers.begin, options.legacyMarkers.end));
  let at: number;
  if (markers) {
    const [begin, end] = markers[0] <= markers[1] ? markers : [markers[1], markers[0]];
    lines.splice(begin, end - begin + 1);
    at = begin;
  } else if (blockLines.length === 0) {
    return { content, changed: false, message: '' };
  } else {
    const anchor =
      options.insertAfter !== undefined && options.insertAfter !== 'EOF'
        ? options.insertAfter
        : options.insertBefore !== undefined && options.insertBefore !== 'BOF'
          ? options.insertBefore
          : undefined;
    if (anchor !== undefined) {
      const re = new RegExp(anchor);
      let found = -1;
      lines.forEach((line, i) => {
        if (re.test(line)) found = i;
      });
      at = found === -1 ? lines.length : options.insertAfter !== undefined ? found + 1 : found;
    } else {
      at = options.insertBefore === 'BOF' || options.insertAfter === 'BOF' ? 0 : lines.length;
    }
  }
  lines.splice(at, 0, ...blockLines);
  const next = lines.length === 0 ? '' : `${lines.join('\n')}${content === '' || content.endsWith('\n') ? '\n' : ''}`;
  if (next === content) return { content, changed: false, message: '' };
  const message = blockLines.length === 0 ? 'block removed' : markers ? 'block updated' : 'block inserted';
  return { content: next, changed: true, message };
}
