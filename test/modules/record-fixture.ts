/**
 * Probe fixtures: a module's arguments, the probe script it builds for them, what a host answered,
 * and the state and plan the module makes of that answer. test/modules/probe-fixtures.test.ts
 * checks every fixture against the code; recordFixture writes one from a real host.
 *
 * A fixture lives in test/modules/<module>/fixtures/<name>.json. Scripts and outputs are stored as
 * arrays of lines (joined with \n, so a final newline is a last empty line), so that a review diff
 * shows which line of a probe changed. Values JSON cannot hold are written as { "$map": {...} },
 * { "$set": [...] }, { "$buffer": "utf-8 text" } or { "$base64": "..." }; undefined is left out
 * (a state that is undefined as a whole is null).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BecomeOptions, Connection } from '../../src/connection/index.js';
import { decodeText } from '../../src/modules/lib/probe/probe-fields.js';
import type { ModuleDefinition, PlanContext, PrepareContext, ProbeOutput } from '../../src/modules/types.js';
import { renderString } from '../../src/template/render.js';

export const MODULE_TESTS_DIR = dirname(fileURLToPath(import.meta.url));

export interface ProbeFixture {
  description: string;
  /** "lab host NAME, Debian VERSION" when the probe output came from a real host. */
  recordedFrom?: string;
  /** What the recorder changed in the host's answer (values that differ on every run), if anything. */
  normalised?: string;
  /** The arguments as a task gives them: they must pass the module's schema. */
  taskArgs: unknown;
  /** The arguments the module's probe, parse and plan receive: the schema's output, after prepare. */
  args: Record<string, unknown>;
  context: PlanContext;
  /** The probe script, one entry per line (absent for modules without a probe). */
  probe?: string[];
  probeOutput?: { stdout: string[]; code: number };
  /** parse's result (encoded, see above). */
  state?: unknown;
  /** The message parse throws, for an answer it refuses. */
  parseError?: string;
  /** plan's result (encoded); absent when parse throws. */
  plan?: unknown;
}

export function fixtureDir(moduleName: string): string {
  return join(MODULE_TESTS_DIR, moduleName, 'fixtures');
}

export function toLines(text: string): string[] {
  return text.split('\n');
}

export function fromLines(lines: string[]): string {
  return lines.join('\n');
}

/** The JSON form of a state or plan (see the file comment). */
export function encodeValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) {
    const text = decodeText(value);
    return text === undefined ? { $base64: value.toString('base64') } : { $buffer: text };
  }
  if (value instanceof Map)
    return { $map: Object.fromEntries([...value].map(([key, item]) => [String(key), encodeValue(item)])) };
  if (value instanceof Set) return { $set: [...value].map(encodeValue) };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, encodeValue(item)]),
    );
  return value;
}

/** What the module makes of a probe output today: its probe script, parsed state (or parse error) and plan. */
export function evaluateFixture(
  module: ModuleDefinition,
  args: Record<string, unknown>,
  output: ProbeOutput | undefined,
  context: PlanContext,
): Pick<ProbeFixture, 'probe' | 'state' | 'parseError' | 'plan'> {
  const probe = module.probe ? toLines(module.probe(args)) : undefined;
  let state: unknown;
  if (module.parse && output) {
    try {
      state = module.parse(output, args);
    } catch (error) {
      return { probe, parseError: error instanceof Error ? error.message : String(error) };
    }
  }
  const plan = module.plan(args, state, context);
  return { probe, state: module.probe ? encodeValue(state) : undefined, plan: encodeValue(plan) };
}

/** The fixture with its keys in the order the files use, then written as 2-space JSON. */
export function writeFixture(path: string, fixture: ProbeFixture): void {
  const ordered: ProbeFixture = {
    description: fixture.description,
    ...(fixture.recordedFrom !== undefined ? { recordedFrom: fixture.recordedFrom } : {}),
    ...(fixture.normalised !== undefined ? { normalised: fixture.normalised } : {}),
    taskArgs: fixture.taskArgs,
    args: fixture.args,
    context: fixture.context,
    ...(fixture.probe !== undefined ? { probe: fixture.probe } : {}),
    ...(fixture.probeOutput !== undefined ? { probeOutput: fixture.probeOutput } : {}),
    ...(fixture.parseError !== undefined
      ? { parseError: fixture.parseError }
      : fixture.probe !== undefined
        ? { state: fixture.state ?? null }
        : {}),
    ...(fixture.plan !== undefined ? { plan: fixture.plan } : {}),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(ordered, null, 2)}\n`);
}

/**
 * Values in probe outputs that differ on every run, replaced so that recording twice gives the same
 * file. Each returns the new stdout and a note for the fixture, or undefined when it found no such value.
 */
type Normaliser = (stdout: string) => { stdout: string; note: string } | undefined;

function replacing(
  pattern: RegExp,
  replacement: string | ((match: string, ...groups: string[]) => string),
  note: string,
): Normaliser {
  return (stdout) => {
    if (!new RegExp(pattern.source, pattern.flags.replace('g', '')).test(stdout)) return undefined;
    return { stdout: stdout.replace(pattern, replacement as string), note };
  };
}

/** Rewrites the text inside the base64 value of `KEY=` lines (a key may carry a section prefix such as `status|`). */
function insideBase64(key: string, pattern: RegExp, replacement: string, note: string): Normaliser {
  return (stdout) => {
    let found = false;
    const line = new RegExp(`^((?:[a-z][a-z0-9_-]*\\|)?${key}=)(\\S*)$`, 'gm');
    const next = stdout.replace(line, (_, head: string, value: string) => {
      const text = Buffer.from(value, 'base64').toString('utf8');
      if (!new RegExp(pattern.source, pattern.flags.replace('g', '')).test(text)) return `${head}${value}`;
      found = true;
      return `${head}${Buffer.from(text.replace(pattern, replacement), 'utf8').toString('base64')}`;
    });
    return found ? { stdout: next, note } : undefined;
  };
}

const PG_SALT = replacing(
  /^salt=.*$/m,
  `salt=${Buffer.alloc(16).toString('base64')}`,
  'salt= (16 random bytes read on every probe) is replaced by 16 zero bytes',
);

const NORMALISERS: Record<string, Normaliser[]> = {
  apt: [
    replacing(
      /^cache_age=(\d+)$/m,
      (_, age) => `cache_age=${Math.floor(Number(age) / 60) * 60}`,
      'cache_age= (seconds since the last refresh) is rounded down to the minute',
    ),
  ],
  postgres_user: [PG_SALT],
  postgres_db: [PG_SALT],
  supervisor_program: [
    insideBase64(
      'out64',
      /pid \d+, uptime \d+:\d\d:\d\d/g,
      'pid 4242, uptime 0:01:00',
      'the pid and uptime in supervisorctl status lines are replaced by pid 4242, uptime 0:01:00',
    ),
  ],
  firewall_rule: [
    replacing(
      /^(ssh\|ssh_client=\S+) \d+ (\d+)$/m,
      '$1 50000 $2',
      "the client's source port in SSH_CLIENT (new on every connection) is replaced by 50000",
    ),
  ],
};

function normalise(moduleName: string, stdout: string): { stdout: string; notes: string[] } {
  const notes: string[] = [];
  let text = stdout;
  for (const normaliser of NORMALISERS[moduleName] ?? []) {
    const result = normaliser(text);
    if (!result) continue;
    text = result.stdout;
    notes.push(result.note);
  }
  return { stdout: text, notes };
}

const debianVersions = new WeakMap<Connection, Promise<string>>();

function debianVersion(conn: Connection): Promise<string> {
  let version = debianVersions.get(conn);
  if (!version) {
    version = conn.exec('cat /etc/debian_version').then((result) => result.stdout.trim() || 'unknown');
    debianVersions.set(conn, version);
  }
  return version;
}

/** prepare()'s context as the engine gives it: templates rendered with the vars, local files under localDir. */
function prepareContext(host: string, options: RecordOptions): PrepareContext {
  const vars = options.vars ?? {};
  return {
    host,
    vars,
    render: (template) => renderString(template, vars),
    resolveLocalFile(kind, path) {
      const dir = options.localDir;
      const found = dir === undefined ? undefined : [join(dir, kind, path), join(dir, path)].find(existsSync);
      if (!found) throw new Error(`recordFixture: ${kind} ${path} not found (options.localDir: ${dir ?? 'unset'})`);
      return found;
    },
  };
}

export interface RecordOptions {
  /** What the host's state is at this point, and what the module should make of it. */
  description: string;
  become?: BecomeOptions;
  /** The variables prepare() sees (e.g. groups and hostvars for firewall_rule's sources). */
  vars?: Record<string, unknown>;
  /** A directory holding templates/ and files/ for modules that read local files in prepare(). */
  localDir?: string;
}

/**
 * With DROVER_RECORD_FIXTURES=1, runs the module's probe for these task arguments on the host (read
 * only), and writes test/modules/<module>/fixtures/<name>.json with its answer and what the module
 * makes of it now. Without it, does nothing.
 */
export async function recordFixture(
  conn: Connection,
  module: ModuleDefinition,
  taskArgs: unknown,
  name: string,
  options: RecordOptions,
): Promise<void> {
  if (process.env.DROVER_RECORD_FIXTURES !== '1') return;
  if (!module.probe) throw new Error(`recordFixture: ${module.name} has no probe to record`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`recordFixture: ${name} is not a fixture name (a-z, 0-9, -)`);
  const parsed = module.schema.parse(taskArgs);
  const args = (module.prepare ? await module.prepare(parsed, prepareContext(conn.host, options)) : parsed) as Record<
    string,
    unknown
  >;
  const answer = await conn.exec(module.probe(args), { become: options.become });
  const { stdout, notes } = normalise(module.name, answer.stdout);
  const output: ProbeOutput = { stdout, code: answer.code };
  const context: PlanContext = { host: conn.host };
  const evaluated = evaluateFixture(module, args, output, context);
  writeFixture(join(fixtureDir(module.name), `${name}.json`), {
    description: options.description,
    recordedFrom: `lab host ${conn.host}, Debian ${await debianVersion(conn)}`,
    normalised: notes.length > 0 ? notes.join('; ') : undefined,
    taskArgs: encodeValue(taskArgs),
    args: encodeValue(args) as Record<string, unknown>,
    context,
    probe: evaluated.probe,
    probeOutput: { stdout: toLines(output.stdout), code: output.code },
    state: evaluated.state,
    parseError: evaluated.parseError,
    plan: evaluated.plan,
  });
}
