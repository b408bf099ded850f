/**
 * Compares drover's template engine with what ansible-core renders for the same input.
 *
 * The cases live in test/template/corpus/*.yml; what ansible-core rendered for each of them is in
 * test/template/corpus/recorded/<file>.json, written by scripts/record-jinja-corpus.py (re-run it
 * after changing a case). Every case is one test, named by file and id. By default a mismatch
 * fails; with DROVER_CORPUS_REPORT=1 the cases only report, and the agreement count is printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { createPatch } from 'diff';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { correctPyyamlTags } from '../../src/playbook/pyyaml-tags.js';
import { evaluateCondition } from '../../src/template/expression.js';
import { renderString, renderValue } from '../../src/template/render.js';

type Vars = Record<string, unknown>;

/** How drover renders each kind of case: the three entry points the engine offers. */
const renderExpression = (text: string, vars: Vars): unknown => renderValue(text, vars);
const evaluateWhen = (text: string, vars: Vars): unknown => evaluateCondition(text, vars);
const renderTemplateFile = (text: string, vars: Vars): unknown => renderString(text, vars);

/**
 * Cases the engine deliberately renders differently from ansible-core, each with the reason.
 * A listed case that agrees after all fails, so that the list stays true.
 */
const knownDifferences: Array<{ file: string; id: string; reason: string }> = [
  {
    file: 'expressions.yml',
    id: 'dotted-int-becomes-string',
    reason: 'a single {{ expression }} keeps its type (Ansible turns it into text): docs/differences-from-ansible.md',
  },
  {
    file: 'expressions.yml',
    id: 'int-filter-result-is-string',
    reason: 'a single {{ expression }} keeps its type (Ansible turns it into text): docs/differences-from-ansible.md',
  },
  {
    file: 'expressions.yml',
    id: 'arithmetic',
    reason: 'a single {{ expression }} keeps its type (Ansible turns it into text): docs/differences-from-ansible.md',
  },
  {
    file: 'filters.yml',
    id: 'default-undefined',
    reason: 'a single {{ expression }} keeps its type (Ansible turns it into text): docs/differences-from-ansible.md',
  },
  {
    file: 'lookups-and-vars.yml',
    id: 'vars-mapping-subscript',
    reason: 'a single {{ expression }} keeps its type (Ansible turns it into text): docs/differences-from-ansible.md',
  },
  {
    file: 'expressions.yml',
    id: 'string-literal-true',
    reason:
      'text that reads like a list, dict or bool stays text (Ansible reads it back as data): docs/differences-from-ansible.md',
  },
  {
    file: 'expressions.yml',
    id: 'string-that-looks-like-list',
    reason:
      'text that reads like a list, dict or bool stays text (Ansible reads it back as data): docs/differences-from-ansible.md',
  },
  {
    file: 'expressions.yml',
    id: 'json-string-variable-reads-as-dict',
    reason:
      'text that reads like a list, dict or bool stays text (Ansible reads it back as data): docs/differences-from-ansible.md',
  },
  {
    file: 'filters.yml',
    id: 'default-empty-in-brackets-reads-as-list',
    reason:
      'text that reads like a list, dict or bool stays text (Ansible reads it back as data): docs/differences-from-ansible.md',
  },
  {
    file: 'filters.yml',
    id: 'int-and-float',
    reason: 'a float without a fraction prints as an integer (2, not 2.0): JavaScript has one number type',
  },
  {
    file: 'filters.yml',
    id: 'round-abs-pow',
    reason: 'a float without a fraction prints as an integer (2, not 2.0): JavaScript has one number type',
  },
];

const REPORT_ONLY = process.env.DROVER_CORPUS_REPORT === '1';
const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const RECORDED_DIR = join(CORPUS_DIR, 'recorded');
const KINDS = ['expression', 'condition', 'template'] as const;
type Kind = (typeof KINDS)[number];

interface Inventory {
  hosts?: Record<string, Vars | null>;
  groups?: Record<string, string[]>;
  group_vars?: Record<string, Vars | null>;
}

interface CaseInput {
  vars?: Vars;
  host?: string;
  inventory?: Inventory;
  role?: { defaults?: Vars; vars?: Vars };
  expression?: string;
  condition?: string;
  template?: string;
}

/** A rendered value with its type (string, int, float, bool, list, dict, null), or an error. */
type Outcome = { type: string; value: unknown } | { error: string };

interface RecordedCase {
  id: string;
  kind: Kind;
  description: string;
  input: CaseInput;
  magic: { inventory_hostname: string; groups: Record<string, string[]>; group_names: string[] };
  result: Outcome;
}

interface RecordedFile {
  corpus: string;
  ansible_core: string;
  cases: RecordedCase[];
}

interface CaseReport {
  file: string;
  id: string;
  agrees: boolean;
  known: boolean;
  summary: string;
}

const reports: CaseReport[] = [];

function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => ['.yml', '.yaml', '.json'].includes(extname(name)))
    .sort();
}

function readCorpus(file: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
  const data: unknown =
    extname(file) === '.json' ? JSON.parse(text) : parseYaml(text, { version: '1.1', customTags: correctPyyamlTags });
  const cases = Array.isArray(data) ? data : (data as { cases?: unknown })?.cases;
  if (!Array.isArray(cases)) throw new Error(`${file}: expected a list of cases`);
  return cases as Array<Record<string, unknown>>;
}

function readRecorded(file: string): RecordedFile | undefined {
  const path = join(RECORDED_DIR, `${basename(file, extname(file))}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RecordedFile;
  } catch {
    return undefined;
  }
}

/** The case as the corpus file has it, in the shape the recorder stores as its input. */
function inputOf(corpusCase: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(corpusCase).filter(([key]) => key !== 'id' && key !== 'description'));
}

/** A host's inventory variables: group_vars of all, then of its other groups, then its host_vars. */
function inventoryVars(inventory: Inventory, host: string): Vars {
  const groups = Object.entries(inventory.groups ?? {})
    .filter(([, members]) => members.includes(host))
    .map(([group]) => group)
    .sort();
  return Object.assign(
    {},
    inventory.group_vars?.all ?? {},
    ...groups.map((group) => inventory.group_vars?.[group] ?? {}),
    inventory.hosts?.[host] ?? {},
  ) as Vars;
}

/**
 * The variables the task saw, built the way drover builds a task's variables (role defaults <
 * inventory < role vars < task vars, then the magic variables), with the groups and group_names
 * ansible had.
 */
function caseVars(recorded: RecordedCase): Vars {
  const input = structuredClone(recorded.input);
  const { inventory, role } = input;
  const host = recorded.magic.inventory_hostname;
  const hostNames = inventory ? Object.keys(inventory.hosts ?? {}) : [host];
  const hostvars = Object.fromEntries(
    hostNames.map((name) => [name, { ...(inventory ? inventoryVars(inventory, name) : {}), inventory_hostname: name }]),
  );
  return {
    ...(role?.defaults ?? {}),
    ...(inventory ? inventoryVars(inventory, host) : {}),
    ...(role?.vars ?? {}),
    ...(input.vars ?? {}),
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    groups: structuredClone(recorded.magic.groups),
    group_names: [...recorded.magic.group_names],
    hostvars,
  };
}

/** The JSON type name ansible's result would have for a JavaScript value. */
function typeOf(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'dict';
  return typeof value;
}

function plainValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return value;
  }
}

function runDrover(recorded: RecordedCase): Outcome {
  const vars = caseVars(recorded);
  const text = recorded.input[recorded.kind] as string;
  try {
    const render =
      recorded.kind === 'expression'
        ? renderExpression
        : recorded.kind === 'condition'
          ? evaluateWhen
          : renderTemplateFile;
    const value = plainValue(render(text, vars));
    return { type: typeOf(value), value };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { error: message.split('\n')[0] };
  }
}

function sameType(expected: string, actual: string): boolean {
  // JavaScript has one number type: a float that happens to be integral reads as an int.
  return expected === actual || (expected === 'float' && actual === 'int');
}

function agrees(expected: Outcome, actual: Outcome): boolean {
  if ('error' in expected) return 'error' in actual;
  if ('error' in actual) return false;
  return sameType(expected.type, actual.type) && isDeepStrictEqual(expected.value, actual.value);
}

function show(outcome: Outcome): string {
  if ('error' in outcome) return `error: ${outcome.error}`;
  return `${outcome.type} ${JSON.stringify(outcome.value, null, 2)}`;
}

function explain(file: string, recorded: RecordedCase, ansible: string, actual: Outcome): string {
  const expected = recorded.result;
  const lines = [
    `${file} › ${recorded.id}: ${recorded.description}`,
    `${recorded.kind}:`,
    indent(String(recorded.input[recorded.kind])),
    `vars: ${JSON.stringify(recorded.input.vars ?? {})}`,
    ...(recorded.input.inventory
      ? [`host: ${recorded.magic.inventory_hostname}`, `inventory: ${JSON.stringify(recorded.input.inventory)}`]
      : []),
    ...(recorded.input.role ? [`role: ${JSON.stringify(recorded.input.role)}`] : []),
    `ansible-core ${ansible} gave: ${show(expected)}`,
    `drover gave: ${show(actual)}`,
  ];
  if (
    !('error' in expected) &&
    !('error' in actual) &&
    typeof expected.value === 'string' &&
    typeof actual.value === 'string'
  ) {
    const patch = createPatch(recorded.id, expected.value, actual.value, 'ansible-core', 'drover');
    lines.push('diff (- ansible-core, + drover):', indent(patch.split('\n').slice(4).join('\n')));
  }
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function oneLine(outcome: Outcome): string {
  const text = 'error' in outcome ? `error: ${outcome.error}` : `${outcome.type} ${JSON.stringify(outcome.value)}`;
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

const files = corpusFiles();

describe('the Ansible template corpus', () => {
  it('has corpus files, each recorded', () => {
    expect(files.length).toBeGreaterThan(0);
    const missing = files.filter((file) => readRecorded(file) === undefined);
    expect(missing, 'run: python3 scripts/record-jinja-corpus.py').toEqual([]);
  });

  it('lists only existing cases as known differences', () => {
    const existing = new Set(
      files.flatMap((file) => (readRecorded(file)?.cases ?? []).map((recorded) => `${file}:${recorded.id}`)),
    );
    expect(knownDifferences.filter(({ file, id }) => !existing.has(`${file}:${id}`))).toEqual([]);
  });

  for (const file of files) {
    const recordedFile = readRecorded(file);
    if (!recordedFile) continue;
    const corpus = readCorpus(file);

    describe(file, () => {
      it('is recorded from the current corpus file', () => {
        const stale = [
          ...corpus
            .filter((corpusCase) => {
              const recorded = recordedFile.cases.find((candidate) => candidate.id === corpusCase.id);
              return (
                !recorded ||
                recorded.description !== corpusCase.description ||
                !isDeepStrictEqual(recorded.input, inputOf(corpusCase))
              );
            })
            .map((corpusCase) => String(corpusCase.id)),
          ...recordedFile.cases
            .filter((recorded) => !corpus.some((corpusCase) => corpusCase.id === recorded.id))
            .map((recorded) => `${recorded.id} (no longer in ${file})`),
        ];
        expect(
          stale,
          `these cases differ from their recording: re-run python3 scripts/record-jinja-corpus.py test/template/corpus/${file}` +
            ' (if they still differ, drover reads their YAML differently from ansible: quote the ambiguous scalars)',
        ).toEqual([]);
      });

      for (const recorded of recordedFile.cases) {
        const known = knownDifferences.find((entry) => entry.file === file && entry.id === recorded.id);
        const name = `${recorded.id}: ${recorded.description}${known ? ` (known difference: ${known.reason})` : ''}`;
        it(name, () => {
          const actual = runDrover(recorded);
          const ok = agrees(recorded.result, actual);
          reports.push({
            file,
            id: recorded.id,
            agrees: ok,
            known: known !== undefined,
            summary: `ansible ${oneLine(recorded.result)} | drover ${oneLine(actual)}`,
          });
          if (REPORT_ONLY) return;
          if (known) {
            expect(ok, `${file} › ${recorded.id} agrees with ansible-core now: remove it from knownDifferences`).toBe(
              false,
            );
            return;
          }
          if (!ok) throw new Error(explain(file, recorded, recordedFile.ansible_core, actual));
        });
      }
    });
  }
});

afterAll(() => {
  if (reports.length === 0) return;
  const lines: string[] = [];
  const agreeing = reports.filter((report) => report.agrees).length;
  const known = reports.filter((report) => report.known).length;
  lines.push(
    `ansible corpus: ${agreeing}/${reports.length} cases agree with ansible-core` +
      (known > 0 ? ` (${known} listed as known differences)` : ''),
  );
  for (const file of files) {
    const ofFile = reports.filter((report) => report.file === file);
    if (ofFile.length === 0) continue;
    lines.push(`  ${file}: ${ofFile.filter((report) => report.agrees).length}/${ofFile.length}`);
  }
  if (REPORT_ONLY) {
    const disagreeing = reports.filter((report) => !report.agrees);
    if (disagreeing.length > 0) lines.push('disagreeing cases:');
    for (const report of disagreeing) {
      lines.push(`  ${report.file} › ${report.id}${report.known ? ' (known)' : ''}: ${report.summary}`);
    }
  }
  console.log(lines.join('\n'));
});
