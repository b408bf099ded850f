/**
 * nunjucks's tokenizer with Jinja2's rules where they differ: string literals unescape as Python
 * strings do ('\d' keeps its backslash, '\x41' is 'A'), a name is an identifier and nothing else,
 * and nunjucks's r/regex/ literals do not exist. In Ansible's playbook strings, backslashes inside
 * {{ }} string literals are kept as written (Ansible doubles them before Jinja2 reads them).
 */
import { TemplateSyntaxError } from '../errors.js';
import { lexer, type Tokenizer } from './nunjucks.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

export interface TokenizeOptions {
  /** Keep backslashes in string literals inside {{ }} as written (Ansible's playbook strings). */
  rawStringsInVariables: boolean;
}

export function tokenize(source: string, options: TokenizeOptions): Tokenizer {
  const tokens = lexer.lex(source, { trimBlocks: true, lstripBlocks: false });
  let inVariable = false;
  let braces = 0;
  const next = tokens.nextToken.bind(tokens);
  tokens.nextToken = () => {
    const token = next();
    if (token === null) return token;
    // {{ {'a': {'b': 1}} }}: a }} that closes dict literals is two braces, as Jinja2 reads it.
    if (token.type === lexer.TOKEN_VARIABLE_END && token.value === '}}' && braces > 0) {
      tokens.back();
      tokens.in_code = true;
      braces--;
      return { ...token, type: lexer.TOKEN_RIGHT_CURLY, value: '}' };
    }
    if (token.type === lexer.TOKEN_LEFT_CURLY) braces++;
    else if (token.type === lexer.TOKEN_RIGHT_CURLY) braces = Math.max(0, braces - 1);
    if (token.type === lexer.TOKEN_VARIABLE_START || token.type === lexer.TOKEN_BLOCK_START) braces = 0;
    if (token.type === lexer.TOKEN_VARIABLE_START) inVariable = true;
    else if (token.type === lexer.TOKEN_BLOCK_START || token.type === lexer.TOKEN_VARIABLE_END) inVariable = false;
    else if (token.type === lexer.TOKEN_REGEX || (token.type === lexer.TOKEN_SYMBOL && !IDENTIFIER.test(token.value)))
      throw new TemplateSyntaxError(`unexpected '${String(token.value.body ?? token.value)}'`, {
        line: token.lineno + 1,
      });
    // trim_blocks drops the newline after a comment too.
    else if (token.type === lexer.TOKEN_COMMENT && !tokens.isFinished() && tokens.current() === '\n') tokens.forward();
    return token;
  };
  tokens._parseString = (delimiter: string) => {
    tokens.forward();
    let raw = '';
    while (!tokens.isFinished() && tokens.current() !== delimiter) {
      if (tokens.current() === '\\') {
        raw += tokens.current();
        tokens.forward();
        if (tokens.isFinished()) break;
      }
      raw += tokens.current();
      tokens.forward();
    }
    if (tokens.isFinished()) throw new TemplateSyntaxError('unexpected end of template inside a string literal');
    tokens.forward();
    return options.rawStringsInVariables && inVariable ? raw : unescapePython(raw);
  };
  return tokens;
}

/** A Python string literal's escapes: \n, \t, \\, \', \xhh, \uhhhh, \Uhhhhhhhh, octal; others stay. */
export function unescapePython(raw: string): string {
  return raw.replace(
    /\\(?:([0-7]{1,3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([\s\S]))/g,
    (whole, octal, hex2, hex4, hex8, other: string | undefined) => {
      const code = octal ? parseInt(octal, 8) : hex2 || hex4 || hex8 ? parseInt(hex2 ?? hex4 ?? hex8, 16) : undefined;
      if (code !== undefined) return String.fromCodePoint(code);
      return other !== undefined && Object.hasOwn(ESCAPES, other) ? ESCAPES[other] : whole;
    },
  );
}
