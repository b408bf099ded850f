import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../../src/engine/events.js';
import { createLiveOutput } from '../../src/report/live-output.js';
import { screenLines } from '../helpers/screen-lines.js';

const HOSTS = Array.from({ length: 10 }, (_, i) => `n${String(i + 1).padStart(2, '0')}`);
const result = (status: TaskResult['status']): TaskResult => ({
  task: 'restart',
  module: 'shell',
  status,
  changes: [],
});

/** A live view without colours at a terminal `columns` wide, and the screen it leaves. */
function createView(columns: number, options: { check?: boolean; now?: () => number } = {}) {
  const written: string[] = [];
  const view = createLiveOutput({
    diff: false,
    verbosity: 0,
    check: options.check ?? false,
    style: new Chalk({ level: 0 }),
    write: (text) => void written.push(text),
    columns: () => columns,
    now: options.now ?? (() => 0),
  });
  return { view, screen: () => screenLines(written.join(''), columns) };
}

/**
 * One shell task on 10 hosts that finish one by one, n07 last after 40 s, at a terminal `width`
 * wide: everything the view wrote, and what it showed while n07 was still running.
 */
async function runTask(width: number, colour: boolean) {
  const written: string[] = [];
  let clock = 0;
  const view = createLiveOutput({
    diff: false,
    verbosity: 0,
    check: false,
    style: new Chalk({ level: colour ? 3 : 0 }),
    write: (text) => void written.push(text),
    columns: () => width,
    now: () => clock,
  });
  view.playStart?.({ name: 'restart everything', hosts: HOSTS });
  view.taskStart?.({ name: 'restart the app', module: 'shell', handler: false, hosts: HOSTS });
  const order = [...HOSTS.filter((h) => h !== 'n07'), 'n07'];
  let whileSlow = '';
  for (const [index, host] of order.entries()) {
    if (host === 'n07') {
      clock += 40_000;
      view.warning?.('n07 is slow'); // any event redraws the progress line
      whileSlow = written.join('');
    } else clock += 300;
    view.hostResult?.(host, result(index === 3 ? 'failed' : index % 2 ? 'changed' : 'ok'));
  }
  await view.finish();
  return { stream: written.join(''), whileSlow };
}

describe('the live view', () => {
  for (const width of [40, 100, 200])
    for (const colour of [false, true])
      it(`writes each host's result once at ${width} columns${colour ? ', in colour' : ''}`, async () => {
        const { stream, whileSlow } = await runTask(width, colour);
        const lines = screenLines(stream, width).filter((line) => line.trim() !== '');
        const results = lines.filter((line) => /^(ok|changed|fatal|skipping): \[n\d\d\]/.test(line));
        expect(results).toHaveLength(10);
        expect(new Set(results).size).toBe(10);
        // Banners, the warning and the results: no progress line is left behind, nothing is repeated.
        expect(lines, lines.join('\n')).toHaveLength(2 + 1 + 10);
        expect(lines.filter((line) => line.includes('hosts done'))).toEqual([]);
        // While n07 runs, the last line on the screen is its progress, within the width.
        const shown = screenLines(whileSlow, width).at(-1)!;
        expect(shown.length).toBeLessThanOrEqual(width);
        expect(shown).toMatch(/^TASK \[restart the app\]/);
        if (width >= 100)
          expect(shown).toBe('TASK [restart the app] 9/10 hosts done, 3 changed, 1 failed, running: n07 (42s)');
      });

  it('cuts the list of running hosts before the counts on a narrow terminal', async () => {
    const { view, screen } = createView(80);
    view.taskStart?.({ name: 'install', module: 'apt', handler: false, hosts: HOSTS });
    view.hostResult?.('n01', result('changed'));
    expect(screen().at(-1)).toBe('TASK [install] 1/10 hosts done, 1 changed, 0 failed, running: n02, n03, +7 more');
    await view.finish();
    expect(screen().at(-1)).toBe('changed: [n01]');
  });

  it('shows unknown results with their reason, once', async () => {
    const { view, screen } = createView(120, { check: true });
    view.taskStart?.({ name: 'start the app', module: 'service', handler: false, hosts: ['web1', 'web2'] });
    view.hostResult?.('web1', {
      ...result('unknown'),
      unknown: {
        reason: "reads 'build', which only a real run of 'build the app' produces",
        dependsOn: 'build the app',
      },
    });
    view.hostResult?.('web2', result('ok'));
    await view.finish();
    expect(
      screen()
        .filter((line) => line !== '')
        .slice(1),
    ).toEqual([
      "unknown: [web1] => reads 'build', which only a real run of 'build the app' produces (depends on 'build the app')",
      'ok: [web2]',
    ]);
  });
});
