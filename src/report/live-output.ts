import { Listr, type ListrTaskWrapper } from 'listr2';
import type { EngineEvents, TaskResult } from '../engine/events.js';
import { maskSecrets } from '../secrets/mask.js';
import { banner, describeResult, type OutputOptions } from './plain-output.js';

interface LiveTask {
  title: string;
  counts: Record<TaskResult['status'] | 'unreachable', number>;
  lines: string[];
  wrapper?: ListrTaskWrapper<unknown, any, any>;
  finish(): void;
}

/**
 * The terminal view: one listr2 task per playbook task, with a spinner while hosts work, a title
 * that counts results as they come in, and the changed/failed/unknown lines kept under it.
 */
export function createLiveOutput(options: OutputOptions): EngineEvents & { finish(): Promise<void> } {
  const { style, write } = options;
  let chain: Promise<void> = Promise.resolve();
  let current: LiveTask | undefined;

  const refresh = (task: LiveTask) => {
    if (!task.wrapper) return;
    const { ok, changed, failed, skipped, unknown, unreachable } = task.counts;
    const parts = [
      `ok ${ok}`,
      changed ? style.yellow(`changed ${changed}`) : '',
      failed ? style.red(`failed ${failed}`) : '',
      unreachable ? style.red(`unreachable ${unreachable}`) : '',
      skipped ? style.cyan(`skipped ${skipped}`) : '',
      unknown ? style.blue(`unknown ${unknown}`) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    task.wrapper.title = `${task.title}  ${style.gray(parts)}`;
    task.wrapper.output = maskSecrets(task.lines.join('\n'));
  };

  const close = () => {
    current?.finish();
    current = undefined;
  };

  const start = (title: string) => {
    close();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const task: LiveTask = {
      title,
      counts: { ok: 0, changed: 0, failed: 0, skipped: 0, unknown: 0, unreachable: 0 },
      lines: [],
      finish,
    };
    current = task;
    chain = chain.then(() =>
      new Listr(
        [
          {
            title,
            task: async (_ctx, wrapper) => {
              task.wrapper = wrapper;
              refresh(task);
              await done;
              if (task.counts.failed + task.counts.unreachable > 0)
                throw new Error(`${title}  ${style.gray(wrapper.title.slice(title.length).trim())}`);
            },
            rendererOptions: { persistentOutput: true, outputBar: Infinity },
          },
        ],
        { exitOnError: false, rendererOptions: { collapseErrors: false, showErrorMessage: false } },
      )
        .run()
        .then(
          () => undefined,
          () => undefined,
        ),
    );
  };

  const print = (text: string) => {
    chain = chain.then(() => write(`${maskSecrets(text)}\n`));
  };

  return {
    playStart(play) {
      close();
      print(style.bold(banner(`PLAY [${play.name}]`)));
    },
    taskStart(task) {
      start(`${task.handler ? 'HANDLER' : 'TASK'} [${task.name}]`);
    },
    hostResult(host, result) {
      if (!current) return print(describeResult(host, result, options).join('\n'));
      current.counts[result.status]++;
      if (result.status !== 'ok' || result.msg !== undefined || options.verbosity > 0)
        current.lines.push(...describeResult(host, result, options));
      refresh(current);
    },
    hostUnreachable(host, reason) {
      if (!current) return print(style.red(`fatal: [${host}]: UNREACHABLE! => ${reason}`));
      current.counts.unreachable++;
      current.lines.push(style.red(`fatal: [${host}]: UNREACHABLE! => ${reason}`));
      refresh(current);
    },
    warning(message) {
      if (current) current.lines.push(style.magenta(`[WARNING]: ${message}`));
      else print(style.magenta(`[WARNING]: ${message}`));
    },
    verbose(level, host, message) {
      if (options.verbosity < level) return;
      const text = style.gray(`<${host}> ${message}`);
      if (current) {
        current.lines.push(text);
        refresh(current);
      } else print(text);
    },
    async finish() {
      close();
      await chain;
    },
  };
}
