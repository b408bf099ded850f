/**
 * nunjucks's compiler, with every operation routed through drover's runtime (runtime.ts): truth,
 * comparison, arithmetic, `in`, lookups, calls and output follow Python, and every name, key and
 * string the template holds reaches the generated code as a JSON string literal, never as code.
 */
import { TemplateSyntaxError } from '../errors.js';
import { compilerModule, nodes, type AstNode, type CompileFrame } from './nunjucks.js';
import { SliceNode } from './parser.js';

export interface CompileOptions {
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

const COLLECTION_PREFIXES = /^ansible\.(?:builtin|legacy)\./;

/** The name a filter or test is known by, without Ansible's ansible.builtin. prefix. */
export function shortName(name: string): string {
  return name.replace(COLLECTION_PREFIXES, '');
}

/** How an expression reads in the template, for error messages: groups['web'][0], x.y. */
export function describeNode(node: AstNode): string {
  if (node instanceof nodes.Symbol) return String(node.value);
  if (node instanceof nodes.Literal) return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
  if (node instanceof nodes.LookupVal) {
    const target = describeNode(node.target);
    if (node.val instanceof SliceNode) return `${target}[...]`;
    if (node.dotted && node.val instanceof nodes.Literal) return `${target}.${node.val.value}`;
    return `${target}[${describeNode(node.val)}]`;
  }
  if (node instanceof nodes.FunCall) return `${describeNode(node.name)}(...)`;
  return '(expression)';
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

class JinjaCompiler extends compilerModule.Compiler {
  constructor(private readonly options: CompileOptions) {
    super('template', false);
  }

  private call(name: string, args: AstNode[], frame: CompileFrame): void {
    this._emit(`runtime.${name}(`);
    args.forEach((arg, index) => {
      if (index > 0) this._emit(', ');
      this.compile(arg, frame);
    });
    this._emit(')');
  }

  compileLiteral(node: AstNode): void {
    const value = node.value;
    if (typeof value === 'string') this._emit(json(value));
    else if (value === null || value === undefined) this._emit('null');
    else if (typeof value === 'number' || typeof value === 'boolean') this._emit(json(value));
    else this.fail('unsupported literal', node.lineno, node.colno);
  }

  compileTemplateData(node: AstNode): void {
    this.compileLiteral(node);
  }

  override compileArray(node: AstNode, frame: CompileFrame): void {
    this._emit(node.tuple ? 'runtime.makeTuple(' : 'runtime.makeList(');
    this._compileAggregate(node, frame, '[', ']');
    this._emit(')');
  }

  override compileDict(node: AstNode, frame: CompileFrame): void {
    if (node instanceof nodes.KeywordArgs) {
      super.compileDict(node, frame);
      return;
    }
    this._emit('runtime.makeDict([');
    node.children.forEach((pair: AstNode, index: number) => {
      if (index > 0) this._emit(', ');
      this.compile(pair.key, frame);
      this._emit(', ');
      this._compileExpression(pair.value, frame);
    });
    this._emit('])');
  }

  compilePair(node: AstNode, frame: CompileFrame): void {
    // Only keyword arguments (name=value) compile as pairs: their key is a name, never a variable.
    const key = node.key;
    if (!(key instanceof nodes.Symbol)) this.fail('a keyword argument needs a name', key.lineno, key.colno);
    this._emit(`${json(key.value)}: `);
    this._compileExpression(node.value, frame);
  }

  compileLookupVal(node: AstNode, frame: CompileFrame): void {
    if (node.val instanceof SliceNode) {
      this.call('sliceLookup', [node.target, node.val.start, node.val.stop, node.val.step], frame);
      return;
    }
    this._emit('runtime.memberLookup(context, ');
    this._compileExpression(node.target, frame);
    this._emit(', ');
    this._compileExpression(node.val, frame);
    this._emit(`, ${json(describeNode(node.target))}, ${node.dotted ? 'true' : 'false'})`);
  }

  compileFunCall(node: AstNode, frame: CompileFrame): void {
    this._emit(`(lineno = ${Number(node.lineno)}, colno = ${Number(node.colno)}, runtime.callWrap(`);
    this._compileExpression(node.name, frame);
    this._emit(`, ${json(describeNode(node.name))}, context, `);
    this._compileAggregate(node.args, frame, '[', ']');
    this._emit('))');
  }

  compileFilter(node: AstNode, frame: CompileFrame): void {
    const name = shortName(String(node.name.value));
    if (!this.options.hasFilter(name)) this.fail(`no filter named '${node.name.value}'`, node.lineno, node.colno);
    this._emit(`(lineno = ${Number(node.lineno)}, env.getFilter(${json(name)}).call(context, `);
    this._compileAggregate(node.args, frame);
    this._emit('))');
  }

  compileIs(node: AstNode, frame: CompileFrame): void {
    const right = node.right;
    const callee = right instanceof nodes.FunCall ? right.name : right;
    const name = shortName(flatName(callee));
    if (!this.options.hasTest(name)) this.fail(`no test named '${flatName(callee)}'`, node.lineno, node.colno);
    this._emit(`(env.getTest(${json(name)}).call(context, `);
    this.compile(node.left, frame);
    if (right instanceof nodes.FunCall) {
      this._emit(', ');
      this._compileAggregate(right.args, frame);
    }
    this._emit(') === true)');
  }

  compileIn(node: AstNode, frame: CompileFrame): void {
    this.call('inOperator', [node.left, node.right], frame);
  }

  compileCompare(node: AstNode, frame: CompileFrame): void {
    this._emit('runtime.compare(');
    this.compile(node.expr, frame);
    this._emit(', [');
    node.ops.forEach((op: AstNode, index: number) => {
      if (index > 0) this._emit(', ');
      this._emit(`[${json(op.type)}, `);
      this.compile(op.expr, frame);
      this._emit(']');
    });
    this._emit('])');
  }

  private lazy(name: 'or' | 'and', node: AstNode, frame: CompileFrame): void {
    this._emit(`runtime.${name}(`);
    this.compile(node.left, frame);
    this._emit(', () => (');
    this.compile(node.right, frame);
    this._emit('))');
  }

  compileOr(node: AstNode, frame: CompileFrame): void {
    this.lazy('or', node, frame);
  }

  compileAnd(node: AstNode, frame: CompileFrame): void {
    this.lazy('and', node, frame);
  }

  compileNot(node: AstNode, frame: CompileFrame): void {
    this.call('not', [node.target], frame);
  }

  compileAdd(node: AstNode, frame: CompileFrame): void {
    this.call('add', [node.left, node.right], frame);
  }

  compileSub(node: AstNode, frame: CompileFrame): void {
    this.call('subtract', [node.left, node.right], frame);
  }

  compileMul(node: AstNode, frame: CompileFrame): void {
    this.call('multiply', [node.left, node.right], frame);
  }

  compileDiv(node: AstNode, frame: CompileFrame): void {
    this.call('divide', [node.left, node.right], frame);
  }

  compileFloorDiv(node: AstNode, frame: CompileFrame): void {
    this.call('floorDivide', [node.left, node.right], frame);
  }

  compileMod(node: AstNode, frame: CompileFrame): void {
    this.call('modulo', [node.left, node.right], frame);
  }

  compilePow(node: AstNode, frame: CompileFrame): void {
    this.call('power', [node.left, node.right], frame);
  }

  compileNeg(node: AstNode, frame: CompileFrame): void {
    this.call('negate', [node.target], frame);
  }

  compilePos(node: AstNode, frame: CompileFrame): void {
    this.call('plus', [node.target], frame);
  }

  compileConcat(node: AstNode, frame: CompileFrame): void {
    this.call('concat', [node.left, node.right], frame);
  }

  compileInlineIf(node: AstNode, frame: CompileFrame): void {
    this._emit('(runtime.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit(')');
  }

  compileIf(node: AstNode, frame: CompileFrame): void {
    this._emit(`lineno = ${Number(node.lineno)};\nif (runtime.truthy(`);
    this._compileExpression(node.cond, frame);
    this._emitLine(')) {');
    this._withScopedSyntax(() => this.compile(node.body, frame));
    if (node.else_) {
      this._emitLine('} else {');
      this._withScopedSyntax(() => this.compile(node.else_, frame));
    }
    this._emitLine('}');
  }

  override compileSet(node: AstNode, frame: CompileFrame): void {
    const target = node.targets[0];
    if (node.targets.length === 1 && target instanceof nodes.LookupVal && node.value) {
      if (!(target.val instanceof nodes.Literal)) this.fail('expected {% set ns.name = value %}', node.lineno);
      this._emit('runtime.setAttribute(');
      this._compileExpression(target.target, frame);
      this._emit(`, ${json(String(target.val.value))}, `);
      this._compileExpression(node.value, frame);
      this._emitLine(');');
      return;
    }
    for (const each of node.targets)
      if (!(each instanceof nodes.Symbol)) this.fail('{% set %} needs a name', node.lineno, node.colno);
    super.compileSet(node, frame);
  }

  compileFor(node: AstNode, frame: CompileFrame): void {
    const names: AstNode[] = node.name instanceof nodes.Array ? node.name.children : [node.name];
    for (const name of names) if (!(name instanceof nodes.Symbol)) this.fail('expected a loop variable', node.lineno);
    const [i, len, arr] = [this._tmpid(), this._tmpid(), this._tmpid()];
    const loopFrame = frame.push();
    this._emitLine(`lineno = ${Number(node.lineno)};`);
    // A {% set %} inside the loop stays inside it, as in Jinja2 (use a namespace to carry values out).
    this._emitLine('frame = frame.push(true);');
    this._emit(`var ${arr} = runtime.iterate(`);
    this._compileExpression(node.arr, frame);
    this._emitLine(`, ${names.length});`);
    if (node.loopFilter) {
      const item = this._tmpid();
      const filterFrame = frame.push();
      this._emitLine(`${arr} = runtime.filterLoop(${arr}, function (${item}) {`);
      this.bindNames(names, item, filterFrame);
      this._emit('return runtime.truthy(');
      this._compileExpression(node.loopFilter, filterFrame);
      this._emitLine(');\n});');
    }
    this._emitLine(`var ${len} = ${arr}.length;`);
    this._emitLine(`for (var ${i} = 0; ${i} < ${len}; ${i}++) {`);
    this.bindNames(names, `${arr}[${i}]`, loopFrame);
    this._emitLoopBindings(node, arr, i, len);
    this._emitLine(`var ${i}_extras = runtime.loopExtras(${arr}, ${i});`);
    for (const extra of ['cycle', 'previtem', 'nextitem'])
      this._emitLine(`frame.set(${json(`loop.${extra}`)}, ${i}_extras.${extra});`);
    this._emitLine('frame.set("loop.depth", 1);\nframe.set("loop.depth0", 0);');
    this._withScopedSyntax(() => this.compile(node.body, loopFrame));
    this._emitLine('}');
    if (node.else_) {
      this._emitLine(`if (!${len}) {`);
      this.compile(node.else_, frame);
      this._emitLine('}');
    }
    this._emitLine('frame = frame.pop();');
  }

  /** Binds the loop variables (for x / for k, v) to an item, at compile time and at run time. */
  private bindNames(names: AstNode[], item: string, frame: CompileFrame): void {
    names.forEach((name, index) => {
      const id = this._tmpid();
      const value = names.length === 1 ? item : `runtime.memberLookup(context, ${item}, ${index}, "item", false)`;
      this._emitLine(`var ${id} = ${value};`);
      this._emitLine(`frame.set(${json(name.value)}, ${id});`);
      frame.set(name.value, id);
    });
  }

  compileOutput(node: AstNode, frame: CompileFrame): void {
    for (const child of node.children) {
      if (child instanceof nodes.TemplateData) {
        if (child.value) this._emitLine(`${this.buffer} += ${json(child.value)};`);
        continue;
      }
      const line = Number(child.lineno);
      this._emit(
        node.native
          ? `${this.buffer} = runtime.nativeValue((lineno = ${line}, `
          : `${this.buffer} += runtime.suppressValue((lineno = ${line}, `,
      );
      this._compileExpression(child, frame);
      this._emitLine('));');
    }
  }

  compileInclude(node: AstNode): void {
    this.fail('{% include %} is not supported', node.lineno, node.colno);
  }

  compileImport(node: AstNode): void {
    this.fail('{% import %} is not supported', node.lineno, node.colno);
  }

  compileFromImport(node: AstNode): void {
    this.fail('{% from ... import %} is not supported', node.lineno, node.colno);
  }

  compileExtends(node: AstNode): void {
    this.fail('{% extends %} is not supported', node.lineno, node.colno);
  }

  compileBlock(node: AstNode): void {
    this.fail('{% block %} is not supported', node.lineno, node.colno);
  }

  compileSuper(node: AstNode): void {
    this.fail('super() is not supported', node.lineno, node.colno);
  }

  compileCallExtension(node: AstNode): void {
    this.fail('unsupported tag', node.lineno, node.colno);
  }
}

function flatName(node: AstNode): string {
  if (node instanceof nodes.Symbol) return String(node.value);
  if (node instanceof nodes.LookupVal && node.val instanceof nodes.Literal)
    return `${flatName(node.target)}.${node.val.value}`;
  return describeNode(node);
}

/** Compiles a parsed template to the source of a function returning { root }. */
export function compileTemplate(ast: AstNode, options: CompileOptions): string {
  const compiler = new JinjaCompiler(options);
  try {
    compiler.compile(ast);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw error;
    const { message, lineno } = error as { message: string; lineno?: number };
    throw new TemplateSyntaxError(`template syntax error: ${message}`, { line: lineno, cause: error });
  }
  return compiler.getCode();
}
