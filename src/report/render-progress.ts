import type { ChalkInstance } from 'chalk';
import type { TaskResult } from '../engine/events.js';

/** What the live view knows of the task that runs now. */
export interface TaskProgress {
  name: string;
  handler: boolean;
  hosts: string[];
  done: Set<string>;
  counts: Record<TaskResult['status'] | 'unreachable', number>;
  startedAt: number;
}

/** The elapsed time is shown once a task has run this long: fast tasks do not need it. */
const SHOW_ELAPSED_MS = 2000;

/**
 * `TASK [name] 7/10 hosts done, 2 changed, 0 failed, running: n03, n08, n09 (12s)`, at most `width`
 * characters long: the host list is cut first ("n03, +2 more"), then the whole line.
 */
export function renderProgress(progress: TaskProgress, now: number, width: number, style: ChalkInstance): string {
  if (width <= 0) return '';
  const { counts, hosts, done } = progress;
  const failed = counts.failed + counts.unreachable;
  const head = `${progress.handler ? 'HANDLER' : 'TASK'} [${progress.name}] ${done.size}/${hosts.length} hosts done, ${counts.changed} changed, ${failed} failed`;
  const elapsed = now - progress.startedAt;
  const tail = elapsed >= SHOW_ELAPSED_MS ? ` (${Math.floor(elapsed / 1000)}s)` : '';
  const running = hosts.filter((host) => !done.has(host));
  let text = `${head}${tail}`;
  for (let shown = running.length; shown >= 0; shown--) {
    const more = running.length - shown;
    const list = [...running.slice(0, shown), ...(more > 0 ? [`+${more} more`] : [])].join(', ');
    const candidate = `${head}, running: ${list}${tail}`;
    if (candidate.length <= width || shown === 0) {
      text = candidate;
      break;
    }
  }
  if (text.length > width) text = width > 1 ? `${text.slice(0, width - 1)}…` : text.slice(0, width);
  return style.gray(text);
}
