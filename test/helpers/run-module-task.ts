/**
 * Runs one module as a one-task play through the engine (loader, prepare, batched probe, plan,
 * apply), on a connection the test already holds: module tests take the path a playbook run takes.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection, ExecOptions } from '../../src/connection/types.js';
import type { ReportedChange, TaskResult, TaskStatus } from '../../src/engine/events.js';
import { runPlaybook } from '../../src/engine/run-playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { loadModules } from '../../src/modules/registry.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';

/** What a change that ran printed (the last change's output is the task's registered output). */
export interface ExecutedChange {
  summary: string;
  kind: 'command' | 'put';
  result: { code: number; stdout: string; stderr: string };
}

export interface ModuleRunResult {
  status: TaskStatus;
  /** What the module planned: in check mode what it would change, in a run what it changed. */
  plan: { changes: ReportedChange[]; failed?: string; skipReason?: string; result: Record<string, unknown> };
  /** The changes that ran, in order; empty in check mode. */
  executed: ExecutedChange[];
  /** The change that exited non-zero (later changes did not run). */
  failedChange?: ExecutedChange;
  /** The task's registered result. */
  registered: Record<string, unknown>;
  /** Every command line the host was sent, with its stdin when that is text (probes and changes). */
  sent: Array<{ command: string; stdin?: string }>;
  /** Remote execs the task cost. */
  execs: number;
}

export interface ModuleTaskOptions {
  check?: boolean;
  drift?: boolean;
  become?: { user: string };
  /** Play vars the task's templates and prepare() see. */
  vars?: Record<string, unknown>;
  /** A directory holding files/ and templates/ for copy and template `src`. */
  localDir?: string;
  /** Other inventory lines (hosts and their vars) besides the connection's host. */
  inventory?: string;
}

/** Parses arguments with the module's schema, as the loader does (throws zod's error). */
export function parseArgs<A>(module: ModuleDefinition<A>, raw: unknown): A {
  return module.schema.parse(raw);
}

// The test owns the connection: the engine may use it, not open or close it. What it sends is recorded.
function borrow(conn: Connection, sent: ModuleRunResult['sent']): Connection {
  return new Proxy(conn, {
    get(target, property) {
      if (property === 'connect' || property === 'close') return async () => undefined;
      if (property === 'hold') return undefined;
      if (property === 'exec')
        return (command: string, options?: ExecOptions) => {
          const stdin = options?.stdin;
          sent.push({
            command,
            stdin: typeof stdin === 'string' ? stdin : Buffer.isBuffer(stdin) ? stdin.toString() : undefined,
          });
          return target.exec(command, options);
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function runModule(
  conn: Connection,
  module: ModuleDefinition,
  args: unknown,
  options: ModuleTaskOptions = {},
): Promise<ModuleRunResult> {
  const modules = await loadModules();
  const dir = mkdtempSync(join(tmpdir(), 'drover-module-task-'));
  try {
    if (options.localDir)
      for (const kind of ['files', 'templates']) symlinkSync(join(options.localDir, kind), join(dir, kind));
    const play = {
      hosts: conn.host,
      gather_facts: false,
      ...(options.vars ? { vars: options.vars } : {}),
      ...(options.become ? { become: true, become_user: options.become.user } : {}),
      tasks: [{ name: `${module.name} under test`, [module.name]: args, register: 'result' }],
    };
    const playbook = join(dir, 'play.yml');
    writeFileSync(playbook, JSON.stringify([play], null, 2));
    const inventory = join(dir, 'hosts');
    writeFileSync(inventory, `${conn.host}\n${options.inventory ?? ''}\n`);
    const results: TaskResult[] = [];
    const applied: Array<{ summary: string; kind: 'command' | 'put' }> = [];
    const sent: ModuleRunResult['sent'] = [];
    const before = conn.execCount;
    const outcome = await runPlaybook(loadPlaybook(playbook, modules), await loadInventory([inventory]), modules, {
      check: options.check ?? false,
      drift: options.drift ?? false,
      diff: true,
      forks: 1,
      selection: { tags: [], skipTags: [] },
      forceHandlers: false,
      extraVars: {},
      connect: () => borrow(conn, sent),
      hostLock: false,
      verbosity: 0,
      events: {
        hostResult: (_host, result) => results.push(result),
        verbose: (level, _host, message) => {
          if (level === 3 && message.startsWith('apply: ')) applied.push(readApplyLine(message.slice(7)));
        },
      },
    });
    const host = outcome.hosts.get(conn.host);
    const result = results[0];
    if (!host || !result) throw new Error(`the task did not run on ${conn.host}`);
    const registered = (host.registered.result ?? {}) as Record<string, unknown>;
    // A group's changes are all announced before its exec: a failing change ends the list (see apply-plan.ts).
    const failedAt =
      result.status === 'failed'
        ? applied.findIndex(({ summary }) => text(registered.msg).startsWith(`${summary}: exit `))
        : -1;
    if (failedAt >= 0) applied.splice(failedAt + 1);
    const executed = applied.map(({ summary, kind }, index): ExecutedChange => {
      const last = index === applied.length - 1;
      return {
        summary,
        kind,
        result: last
          ? { code: Number(registered.rc ?? 0), stdout: text(registered.stdout), stderr: text(registered.stderr) }
          : { code: 0, stdout: '', stderr: '' },
      };
    });
    const failedChange = result.status === 'failed' && executed.length > 0 ? executed.at(-1) : undefined;
    return {
      status: result.status,
      plan: {
        changes: result.changes,
        failed: result.status === 'failed' && !failedChange ? result.error : undefined,
        skipReason: result.status === 'skipped' ? result.skipReason : undefined,
        result: registered,
      },
      executed,
      failedChange,
      registered,
      sent,
      execs: conn.execCount - before,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The change from the engine's "apply:" line (`summary\n  $ command` or `summary (put path)`). */
function readApplyLine(line: string): { summary: string; kind: 'command' | 'put' } {
  const command = line.indexOf('\n  $ ');
  if (command >= 0) return { summary: line.slice(0, command), kind: 'command' };
  return { summary: line.replace(/ \(put [^\n]*\)$/, ''), kind: 'put' };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
