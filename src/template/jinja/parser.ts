/**
 * nunjucks's parser, brought to Jinja2's grammar where the two differ: True/False/None, slices
 * (x[1:], s[::-1]), x.0, tuples ((a, b)), loop filters ({% for x in xs if x.enabled %}), and
 * {% set ns.attr = ... %}. Tags Jinja2 has that drover does not run fail here, at parse time.
 */
import { TemplateSyntaxError } from '../errors.js';
import { tokenize, type TokenizeOptions } from './lexer.js';
import { lexer, nodes, parserModule, type AstNode } from './nunjucks.js';

/** x[start:stop:step]. */
export const SliceNode = nodes.Node.extend('Slice', { fields: ['start', 'stop', 'step'] });

const UNSUPPORTED_TAGS: Record<string, string> = {
  include: '{% include %} is not supported: render the other template with the template lookup',
  import: '{% import %} is not supported',
  from: '{% from ... import %} is not supported',
  extends: 'template inheritance ({% extends %}) is not supported',
  block: '{% block %} is not supported',
  switch: '{% switch %} is not Jinja2',
  verbatim: '{% verbatim %} is not Jinja2: use {% raw %}',
  ifAsync: 'unknown tag ifAsync',
  asyncEach: 'unknown tag asyncEach',
  asyncAll: 'unknown tag asyncAll',
  with: '{% with %} is not supported: use {% set %}',
  do: '{% do %} is not supported: use {% set _ = ... %}',
  autoescape: '{% autoescape %} is not supported: drover never escapes HTML',
  break: '{% break %} is not supported: filter the loop instead ({% for x in xs if ... %})',
  continue: '{% continue %} is not supported: filter the loop instead ({% for x in xs if ... %})',
  trans: '{% trans %} is not supported',
};

const LITERAL_NAMES: Record<string, unknown> = { True: true, False: false, None: null };

/** Names that end a test without parentheses rather than being its argument (x is defined and y). */
const NOT_AN_ARGUMENT = new Set(['else', 'or', 'and', 'if', 'is', 'not', 'in']);

class JinjaParser extends parserModule.Parser {
  override parseStatement(): AstNode {
    const token = this.peekToken();
    const breaking = this.breakOnBlocks?.includes(token?.value);
    if (token?.type === lexer.TOKEN_SYMBOL && !breaking && Object.hasOwn(UNSUPPORTED_TAGS, token.value))
      this.fail(UNSUPPORTED_TAGS[token.value], token.lineno, token.colno);
    return super.parseStatement();
  }

  override parseFor(): AstNode {
    const node = super.parseFor();
    if (node.arr instanceof nodes.InlineIf && node.arr.else_ === null) {
      node.loopFilter = node.arr.cond;
      node.arr = node.arr.body;
    }
    return node;
  }

  /** x is test, x is test(args), x is test arg (is in [...], is sameas true), x is not test. */
  override parseIs(): AstNode {
    const node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const negated = this.skipSymbol('not');
    const token = this.nextToken() ?? this.fail("expected a test name after 'is'");
    let name: string;
    if (token.type === lexer.TOKEN_SYMBOL) name = token.value;
    else if (token.type === lexer.TOKEN_NONE) name = 'none';
    else if (token.type === lexer.TOKEN_BOOLEAN) name = String(token.value);
    else return this.fail(`expected a test name after 'is', got ${token.value}`, token.lineno, token.colno);
    while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += `.${this.expect(lexer.TOKEN_SYMBOL).value}`;
    const test = new nodes.Symbol(token.lineno, token.colno, name);
    const next = this.peekToken();
    let right: AstNode = test;
    if (next?.type === lexer.TOKEN_LEFT_PAREN) {
      right = new nodes.FunCall(token.lineno, token.colno, test, this.parseSignature());
    } else if (next && this.startsArgument(next)) {
      const args = new nodes.NodeList(next.lineno, next.colno, [this.parsePrimary()]);
      right = new nodes.FunCall(token.lineno, token.colno, test, args);
    }
    const is = new nodes.Is(node.lineno, node.colno, node, right);
    return negated ? new nodes.Not(node.lineno, node.colno, is) : is;
  }

  private startsArgument(token: { type: string; value: unknown }): boolean {
    if (token.type === lexer.TOKEN_SYMBOL) return !NOT_AN_ARGUMENT.has(String(token.value));
    return [
      lexer.TOKEN_STRING,
      lexer.TOKEN_INT,
      lexer.TOKEN_FLOAT,
      lexer.TOKEN_BOOLEAN,
      lexer.TOKEN_NONE,
      lexer.TOKEN_LEFT_BRACKET,
      lexer.TOKEN_LEFT_CURLY,
    ].includes(token.type);
  }

  /**
   * {% raw %}...{% endraw %} as Jinja2 reads it: the text up to the first endraw, with the newline
   * after {% raw %} kept and the one after {% endraw %} dropped (trim_blocks), and - on either tag.
   */
  override parseRaw(): AstNode {
    const start = this.nextToken()!;
    const end = this.nextToken();
    if (!end || end.type !== lexer.TOKEN_BLOCK_END) this.fail("expected '%}' after raw", start.lineno, start.colno);
    const tokens = this.tokens;
    const newlineDropped = end.value === '%}' && tokens.str[tokens.index - 1] === '\n';
    const rest = tokens.str.slice(tokens.index);
    const close = /\{%(-?)\s*endraw\s*(-?)%\}/.exec(rest);
    if (!close) return this.fail('missing {% endraw %}', start.lineno, start.colno);
    let text = (newlineDropped ? '\n' : '') + rest.slice(0, close.index);
    if (end.value.startsWith('-')) text = text.replace(/^\s+/, '');
    if (close[1] === '-') text = text.replace(/\s+$/, '');
    for (let i = 0; i < close.index + close[0].length; i++) tokens.forward();
    if (close[2] === '-') while (!tokens.isFinished() && /\s/.test(tokens.current())) tokens.forward();
    else if (!tokens.isFinished() && tokens.current() === '\n') tokens.forward();
    return new nodes.Output(start.lineno, start.colno, [new nodes.TemplateData(start.lineno, start.colno, text)]);
  }

  override parsePrimary(noPostfix?: boolean): AstNode {
    const token = this.peekToken();
    if (token?.type === lexer.TOKEN_SYMBOL && Object.hasOwn(LITERAL_NAMES, token.value)) {
      this.nextToken();
      const literal = new nodes.Literal(token.lineno, token.colno, LITERAL_NAMES[token.value]);
      return noPostfix ? literal : this.parsePostfix(literal);
    }
    return super.parsePrimary(noPostfix);
  }

  override parsePostfix(start: AstNode): AstNode {
    let node = start;
    for (let token = this.peekToken(); token; token = this.peekToken()) {
      if (token.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(token.lineno, token.colno, node, this.parseSignature());
      } else if (token.type === lexer.TOKEN_LEFT_BRACKET) {
        node = this.parseSubscript(node);
      } else if (token.type === lexer.TOKEN_OPERATOR && token.value === '.') {
        this.nextToken();
        const key = this.nextToken();
        if (!key || (key.type !== lexer.TOKEN_SYMBOL && key.type !== lexer.TOKEN_INT))
          this.fail(`expected a name after '.', got ${key?.value}`, key?.lineno, key?.colno);
        const value = key.type === lexer.TOKEN_INT ? Number.parseInt(key.value, 10) : key.value;
        node = new nodes.LookupVal(token.lineno, token.colno, node, new nodes.Literal(key.lineno, key.colno, value));
        node.dotted = true;
      } else break;
    }
    return node;
  }

  /** x[key] or x[start:stop:step]. */
  private parseSubscript(target: AstNode): AstNode {
    const open = this.nextToken()!;
    const close = () => {
      if (!this.skip(lexer.TOKEN_RIGHT_BRACKET)) this.fail("expected ']'", open.lineno, open.colno);
    };
    const part = () => {
      const next = this.peekToken();
      return next.type === lexer.TOKEN_COLON || next.type === lexer.TOKEN_RIGHT_BRACKET
        ? new nodes.Literal(next.lineno, next.colno, null)
        : this.parseExpression();
    };
    const first = part();
    if (!this.skip(lexer.TOKEN_COLON)) {
      close();
      return new nodes.LookupVal(open.lineno, open.colno, target, first);
    }
    const stop = part();
    const step = this.skip(lexer.TOKEN_COLON) ? part() : new nodes.Literal(open.lineno, open.colno, null);
    close();
    return new nodes.LookupVal(
      open.lineno,
      open.colno,
      target,
      new SliceNode(open.lineno, open.colno, first, stop, step),
    );
  }

  // Jinja2's precedence: ~ binds tighter than + and -, looser than * and /.
  override parseConcat(): AstNode {
    return this.parseAdd();
  }

  override parseSub(): AstNode {
    let node = this.parseTilde();
    while (this.skipValue(lexer.TOKEN_OPERATOR, '-'))
      node = new nodes.Sub(node.lineno, node.colno, node, this.parseTilde());
    return node;
  }

  private parseTilde(): AstNode {
    let node = this.parseMul();
    while (this.skipValue(lexer.TOKEN_TILDE, '~'))
      node = new nodes.Concat(node.lineno, node.colno, node, this.parseMul());
    return node;
  }

  override parseAggregate(): AstNode {
    const node = super.parseAggregate();
    if (node instanceof nodes.Group && node.children.length > 1) {
      const tuple = new nodes.Array(node.lineno, node.colno, node.children);
      tuple.tuple = true;
      return tuple;
    }
    return node;
  }
}

/** Parses a template into nunjucks's syntax tree, or fails with the line of the problem. */
export function parseTemplate(source: string, options: TokenizeOptions): AstNode {
  const parser = new JinjaParser(tokenize(source, options));
  try {
    return parser.parseAsRoot();
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw error;
    const { message, lineno } = error as { message: string; lineno?: number };
    throw new TemplateSyntaxError(`template syntax error: ${message}`, { line: lineno, cause: error });
  }
}
