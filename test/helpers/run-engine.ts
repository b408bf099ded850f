import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalConnection } from '../../src/connection/local.js';
import type { Connection } from '../../src/connection/types.js';
import type { TaskResult } from '../../src/engine/events.js';
import { runPlaybook, type RunOutcome } from '../../src/engine/run-playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { loadModules } from '../../src/modules/registry.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';

export interface EngineRunOptions {
  check?: boolean;
  drift?: boolean;
  forceHandlers?: boolean;
  limit?: string;
  extraVars?: Record<string, unknown>;
  /** Hosts worked on at once (default 10). */
  forks?: number;
  /** How to reach each host (default: the local connection). */
  connect?: (host: string) => Connection;
  /** Take the per-host lock, as the CLI does. */
  hostLock?: boolean;
}

export interface EngineRun {
  outcome: RunOutcome;
  /** Every result, per host, in the order the host got them. */
  results: Map<string, TaskResult[]>;
  warnings: string[];
  verbose: string[];
}

/** A temporary directory for playbooks, inventories and the files their tasks write. */
export interface TempProject {
  dir: string;
  /** Writes a file under the directory (creating its parents) and returns its full path. */
  write(path: string, text: string): string;
  remove(): void;
}

export function createTempProject(prefix: string): TempProject {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(path, text) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a playbook through the engine over the local connection, collecting what a user would see. */
export async function runEngine(
  playbook: string,
  inventory: string,
  options: EngineRunOptions = {},
): Promise<EngineRun> {
  const modules = await loadModules();
  const results = new Map<string, TaskResult[]>();
  const warnings: string[] = [];
  const verbose: string[] = [];
  const outcome = await runPlaybook(loadPlaybook(playbook, modules), await loadInventory([inventory]), modules, {
    check: options.check ?? false,
    drift: options.drift ?? false,
    diff: true,
    forks: options.forks ?? 10,
    selection: { tags: [], skipTags: [] },
    forceHandlers: options.forceHandlers ?? false,
    extraVars: options.extraVars ?? {},
    connect: options.connect ?? ((host) => new LocalConnection(host)),
    hostLock: options.hostLock,
    limit: options.limit,
    events: {
      hostResult: (host, result) => results.set(host, [...(results.get(host) ?? []), result]),
      warning: (message) => warnings.push(message),
      verbose: (level, host, message) => verbose.push(`${level} ${host} ${message}`),
    },
  });
  return { outcome, results, warnings, verbose };
}
