/**
 * What `drover adhoc` prints: one block per host, as ansible's ad-hoc command does
 * (`web1 | CHANGED | rc=0 >>` and the output for command and shell, `web1 | SUCCESS => {...}` with
 * the registered result for other modules). Secrets are masked.
 */
import type { RunOutcome } from '../engine/run-playbook.js';
import type { TaskResult } from '../engine/events.js';
import { maskSecrets } from '../secrets/mask.js';
import type { ChalkInstance } from 'chalk';

const COMMAND_MODULES = new Set(['command', 'shell']);

export function renderAdhocResults(
  outcome: RunOutcome,
  resultName: string,
  module: string,
  style: ChalkInstance,
): string {
  const blocks: string[] = [];
  for (const name of outcome.order) {
    const host = outcome.hosts.get(name)!;
    const result = host.results.at(-1);
    if (host.unreachable && (!result || result.module === 'engine' || host.results.length === 0)) {
      blocks.push(style.red(`${name} | UNREACHABLE! => ${host.unreachableReason ?? 'unreachable'}`));
      continue;
    }
    if (!result) continue;
    const registered = (host.registered[resultName] ?? {}) as Record<string, unknown>;
    blocks.push(renderHost(name, result, registered, module, style));
  }
  return maskSecrets(blocks.map((block) => `${block}\n`).join(''));
}

function renderHost(
  host: string,
  result: TaskResult,
  registered: Record<string, unknown>,
  module: string,
  style: ChalkInstance,
): string {
  const colour = result.status === 'failed' ? style.red : result.status === 'changed' ? style.yellow : style.green;
  if (result.status === 'skipped')
    return style.cyan(`${host} | SKIPPED${result.skipReason ? `: ${result.skipReason}` : ''}`);
  if (result.status === 'unknown')
    return style.blue(`${host} | UNKNOWN => ${result.unknown?.reason ?? 'check mode cannot tell'}`);
  const word = result.status === 'failed' ? 'FAILED' : result.status === 'changed' ? 'CHANGED' : 'SUCCESS';
  if (COMMAND_MODULES.has(module) && typeof registered.rc === 'number') {
    const text = [registered.stdout, registered.stderr].filter((part) => typeof part === 'string' && part !== '');
    const body = text.length > 0 ? text.join('\n') : result.status === 'failed' ? 'non-zero return code' : '';
    return `${colour(`${host} | ${word} | rc=${registered.rc} >>`)}\n${body}`;
  }
  const shown = result.status === 'failed' ? { ...registered, msg: registered.msg ?? result.error } : registered;
  return colour(`${host} | ${word} => ${JSON.stringify(sortKeys(shown), null, 4)}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
