/**
 * The parts of nunjucks drover builds its Jinja2 engine from: the lexer, the parser, the compiler
 * (to JavaScript) and the runtime helpers compiled templates call. nunjucks's own Environment and
 * Template are not used: drover compiles and runs templates itself, with its own runtime, so that
 * rendering follows Jinja2 and Python rules and can reach nothing but the template's variables.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/* The nunjucks internals are untyped JavaScript; these are the shapes drover relies on. */
export type AstNode = any;

export interface Token {
  type: string;
  value: any;
  lineno: number;
  colno: number;
}

export interface Tokenizer {
  str: string;
  index: number;
  in_code: boolean;
  nextToken(): Token | null;
  _parseString(delimiter: string): string;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  back(): void;
}

export interface NunjucksParser {
  tokens: Tokenizer;
  peekToken(): Token;
  nextToken(withWhitespace?: boolean): Token | null;
  pushToken(token: Token | null): void;
  skip(type: string): boolean;
  skipSymbol(value: string): boolean;
  skipValue(type: string, value: string): boolean;
  expect(type: string): Token;
  fail(message: string, lineno?: number, colno?: number): never;
  parseAsRoot(): AstNode;
  parseExpression(): AstNode;
  parseSignature(tolerant?: boolean, noParens?: boolean): AstNode;
  parseStatement(): AstNode;
  parseFor(): AstNode;
  parsePrimary(noPostfix?: boolean): AstNode;
  parsePostfix(node: AstNode): AstNode;
  parseAggregate(): AstNode;
  parseCompare(): AstNode;
  parseConcat(): AstNode;
  parseAdd(): AstNode;
  parseSub(): AstNode;
  parseMul(): AstNode;
  parseIs(): AstNode;
  parseRaw(tagName?: string): AstNode;
  breakOnBlocks: string[] | null;
}

export interface NunjucksCompiler {
  codebuf: string[];
  buffer: string;
  compile(node: AstNode, frame?: unknown): void;
  getCode(): string;
  fail(message: string, lineno?: number, colno?: number): never;
  _emit(code: string): void;
  _emitLine(code: string): void;
  _tmpid(): string;
  _compileExpression(node: AstNode, frame: unknown): void;
  _compileAggregate(node: AstNode, frame: unknown, start?: string, end?: string): void;
  _withScopedSyntax(fn: () => void): void;
  _emitLoopBindings(node: AstNode, arr: string, i: string, len: string): void;
  compileDict(node: AstNode, frame: unknown): void;
  compileArray(node: AstNode, frame: unknown): void;
  compileSet(node: AstNode, frame: unknown): void;
}

export interface CompileFrame {
  set(name: string, value: unknown): void;
  lookup(name: string): unknown;
  push(isolateWrites?: boolean): CompileFrame;
  pop(): CompileFrame;
}

type Constructor<T> = new (...args: any[]) => T;

export const lexer = require('nunjucks/src/lexer.js') as {
  lex(source: string, options: Record<string, unknown>): Tokenizer;
  [tokenType: string]: any;
};

export const nodes = require('nunjucks/src/nodes.js') as Record<string, any>;

export const parserModule = require('nunjucks/src/parser.js') as { Parser: Constructor<NunjucksParser> };

export const compilerModule = require('nunjucks/src/compiler.js') as { Compiler: Constructor<NunjucksCompiler> };

export const nunjucksRuntime = require('nunjucks/src/runtime.js') as Record<string, any> & {
  Frame: Constructor<{ topLevel: boolean; set(name: string, value: unknown, resolveUp?: boolean): void }>;
  SafeString: Constructor<{ val: string }>;
};

/** nunjucks's error for a template that does not parse: a message with a 1-based line and column. */
export interface NunjucksTemplateError extends Error {
  lineno?: number;
  colno?: number;
}
