/**
 * Where a YAML syntax error's broken token starts, when that is not where the parser stopped: a
 * string whose closing quote is missing, or a { or [ that is never closed, is read on to the end
 * of the file, so the parser stops there, far from where the string or the braces opened.
 */
import { CST, Parser } from 'yaml';

type Opened = 'quote' | 'flow';

/** The offset where the unclosed string (or flow map/list) that runs up to `stoppedAt` opens. */
export function findUnclosedStart(text: string, stoppedAt: number, kind: Opened): number | undefined {
  let found: number | undefined;
  const consider = (token: CST.Token | undefined) => {
    if (!token || token.offset >= stoppedAt) return;
    if (kind === 'quote' && isQuoted(token) && !isClosed(token.source)) found = token.offset;
    if (kind === 'flow' && token.type === 'flow-collection' && !token.end.some(isFlowEnd)) found = token.offset;
  };
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    consider(token.value);
    CST.visit(token, (item) => {
      consider(item.key ?? undefined);
      consider(item.value);
    });
  }
  return found;
}

function isQuoted(token: CST.Token): token is CST.FlowScalar {
  return token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar';
}

function isFlowEnd(token: CST.SourceToken): boolean {
  return token.type === 'flow-map-end' || token.type === 'flow-seq-end';
}

function isClosed(source: string): boolean {
  const quote = source[0];
  const body = source.trimEnd();
  if (body.length < 2 || !body.endsWith(quote)) return false;
  // "...\" ends with an escaped quote, not a closing one (single quotes escape by doubling: '' is fine).
  if (quote === '"') return /\\*$/.exec(body.slice(0, -1))![0].length % 2 === 0;
  return true;
}
