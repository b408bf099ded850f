import type { EngineEvents, TaskResult } from '../engine/events.js';
import { maskSecrets } from '../secrets/mask.js';
import { createPlainOutput, type OutputOptions } from './plain-output.js';
import { renderProgress, type TaskProgress } from './render-progress.js';

export interface LiveOptions extends OutputOptions {
  /** The terminal's width now (it can change while drover runs). */
  columns(): number;
  /** Milliseconds since some fixed moment (tests pass a fake clock). */
  now?(): number;
}

/** How often the progress line is redrawn while no result comes in, for its elapsed time. */
const TICK_MS = 1000;
const ERASE_LINE = '\r\x1b[2K';

/**
 * The terminal view: the plain view's lines, each written once and never again, and under them one
 * progress line for the running task (hosts done, changed, failed, which hosts still run and for
 * how long), redrawn in place. The line is cut to the terminal's width so that it never wraps:
 * a wrapped line could not be erased, and would stay on the screen as a copy.
 */
export function createLiveOutput(options: LiveOptions): EngineEvents & { finish(): Promise<void> } {
  const now = options.now ?? Date.now;
  let progress: TaskProgress | undefined;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;

  const clear = () => {
    if (shown) options.write(ERASE_LINE);
    shown = false;
  };
  const draw = () => {
    clear();
    if (!progress || progress.done.size >= progress.hosts.length) return;
    const text = renderProgress(progress, now(), options.columns() - 1, options.style);
    if (text === '') return;
    options.write(ERASE_LINE + maskSecrets(text));
    shown = true;
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  // Every permanent line goes through here: the progress line is taken away first, then put back.
  const plain = createPlainOutput({
    ...options,
    write: (text) => {
      clear();
      options.write(text);
    },
  });
  const record = (host: string, status: TaskResult['status'] | 'unreachable') => {
    if (!progress) return;
    progress.done.add(host);
    progress.counts[status]++;
  };

  return {
    playStart(play) {
      stopTimer();
      progress = undefined;
      plain.playStart?.(play);
    },
    taskStart(task) {
      plain.taskStart?.(task);
      progress = {
        name: task.name,
        handler: task.handler,
        hosts: task.hosts,
        done: new Set(),
        counts: { ok: 0, changed: 0, failed: 0, skipped: 0, unknown: 0, unreachable: 0 },
        startedAt: now(),
      };
      stopTimer();
      timer = setInterval(draw, TICK_MS);
      timer.unref();
      draw();
    },
    hostResult(host, result) {
      plain.hostResult?.(host, result);
      record(host, result.status);
      draw();
    },
    hostUnreachable(host, reason, task) {
      plain.hostUnreachable?.(host, reason, task);
      record(host, 'unreachable');
      draw();
    },
    warning(message) {
      plain.warning?.(message);
      draw();
    },
    verbose(level, host, message) {
      if (options.verbosity < level) return;
      plain.verbose?.(level, host, message);
      draw();
    },
    async finish() {
      stopTimer();
      progress = undefined;
      clear();
    },
  };
}
