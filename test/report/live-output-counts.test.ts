import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { createLiveOutput } from '../../src/report/live-output.js';

/** The live view without a terminal: listr2's fallback renderer prints the titles and the kept lines. */
async function render(drive: (view: ReturnType<typeof createLiveOutput>) => void): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const view = createLiveOutput({
      diff: false,
      verbosity: 0,
      check: true,
      style: new Chalk({ level: 0 }),
      write: (text) => void out.push(text),
    });
    drive(view);
    await view.finish();
  } finally {
    process.stdout.write = write;
  }
  return out.join('');
}

describe('the live view of unknown tasks', () => {
  it('counts unknown in the task title and keeps the unknown line under it', async () => {
    const screen = await render((view) => {
      view.playStart?.({ name: 'site', hosts: ['web1', 'web2', 'web3'] });
      view.taskStart?.({ name: 'start the app', module: 'service', handler: false, hosts: ['web1', 'web2', 'web3'] });
      view.hostResult?.('web1', {
        task: 'start the app',
        module: 'service',
        status: 'unknown',
        changes: [],
        unknown: {
          reason: "reads 'build', which only a real run of 'build the app' produces",
          dependsOn: 'build the app',
        },
      });
      view.hostResult?.('web2', { task: 'start the app', module: 'service', status: 'ok', changes: [] });
      view.hostResult?.('web3', { task: 'start the app', module: 'service', status: 'skipped', changes: [] });
    });
    expect(screen).toContain(
      "unknown: [web1] => reads 'build', which only a real run of 'build the app' produces (depends on 'build the app')",
    );
    expect(screen).toMatch(/TASK \[start the app\] +ok 1 · skipped 1 · unknown 1/);
    // Unknown is not a failure: the task ends as done, not failed.
    expect(screen).toMatch(/✔ TASK \[start the app\]/);
  });
});
