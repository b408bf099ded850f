/** --step's question before each task, read from stdin (a terminal, or lines piped in). */
import { createInterface } from 'node:readline';
import type { StepAnswer } from '../engine/run-context.js';

/**
 * Asks `Perform task: TASK [name] (N)o/(y)es/(c)ontinue:` as ansible-playbook does; an empty or
 * other answer is no. At the end of stdin every later task is no: nothing runs unasked.
 */
export function createStepPrompt(): { ask(task: { name: string }): Promise<StepAnswer>; close(): void } {
  const lines = createInterface({ input: process.stdin, terminal: false });
  const waiting: Array<(line: string | undefined) => void> = [];
  const queued: string[] = [];
  let ended = false;
  lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : queued.push(line)));
  lines.on('close', () => {
    ended = true;
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  const nextLine = () =>
    queued.length > 0
      ? Promise.resolve(queued.shift())
      : ended
        ? Promise.resolve(undefined)
        : new Promise<string | undefined>((resolve) => waiting.push(resolve));
  return {
    async ask(task) {
      process.stdout.write(`\nPerform task: TASK [${task.name}] (N)o/(y)es/(c)ontinue: `);
      const answer = (await nextLine())?.trim().toLowerCase();
      if (answer === undefined) process.stdout.write('\n');
      return answer === 'y' || answer === 'yes' ? 'yes' : answer === 'c' || answer === 'continue' ? 'continue' : 'no';
    },
    close: () => lines.close(),
  };
}
