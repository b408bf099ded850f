import { WITH_LOOPS } from './keywords/declarations.js';
import type { LoadContext } from './load-context.js';
import type { YamlFile } from './source.js';

type RawMap = Record<string, unknown>;

/** The keywords a task or include loops with. */
export const LOOP_KEYS: readonly string[] = ['loop', ...WITH_LOOPS];

export interface LoopRead {
  /** `loop`'s list, or a `with_*` loop's terms as written: they are rendered, then looked up, on each host. */
  loop?: unknown;
  /** The lookup of a `with_<lookup>` loop. */
  loopWith?: string;
  /** The loop keywords written on it. */
  keys: string[];
}

/**
 * The loop a task or include is written with. One loop keyword at most, as in Ansible; an empty
 * `with_*` is an error there too ("you must specify a value when using with_items").
 */
export function readLoop(
  raw: RawMap,
  values: Partial<Record<string, unknown>>,
  source: YamlFile,
  ctx: LoadContext,
  label: string,
  what: string,
): LoopRead {
  const keys = LOOP_KEYS.filter((key) => Object.hasOwn(raw, key));
  if (keys.length > 1) {
    ctx.problems.push({
      message: `${what} loops once, but this one has ${keys.join(' and ')}`,
      location: source.locate(raw, keys[1]),
      task: label,
      field: keys[1],
      hint: 'keep one of them (loop is the current form)',
    });
  }
  for (const key of keys) {
    if (key === 'loop' || (raw[key] !== null && raw[key] !== undefined)) continue;
    ctx.problems.push({
      message: `you must specify a value when using ${key}`,
      location: source.locate(raw, key),
      task: label,
      field: key,
      hint: `e.g. ${key}: "{{ packages }}"`,
    });
  }
  const key = keys.find((name) => values[name] !== undefined);
  if (key === undefined) return { keys };
  return key === 'loop'
    ? { keys, loop: values.loop }
    : { keys, loop: values[key], loopWith: key.slice('with_'.length) };
}
