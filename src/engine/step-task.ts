/** --step, as ansible-playbook does it: before each task, ask whether to run it. */
import type { TaskNode } from '../tree/types.js';
import type { PlayRun } from './play-run.js';

/**
 * Whether the task runs, asking once per task (the hosts of a free play share the answer).
 * 'continue' runs this task and every later one without asking again.
 */
export function confirmStep(ctx: PlayRun, task: TaskNode): Promise<boolean> {
  const ask = ctx.run.options.step;
  if (!ask || ctx.run.stepping === false) return Promise.resolve(true);
  const answers = (ctx.run.stepAnswers ??= new Map());
  let answer = answers.get(task.id);
  if (!answer) {
    answer = ask({ name: task.name ?? task.module, module: task.module }).then((reply) => {
      if (reply === 'continue') ctx.run.stepping = false;
      return reply !== 'no';
    });
    answers.set(task.id, answer);
  }
  return answer;
}
