/**
 * Long plays and long loops, cold, converged and checked, with the remote exec count a host cost.
 * The same cases run over the local connection and over SSH (see the two test files that use it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/types.js';
import { createTempProject, runEngine, type EngineRun, type TempProject } from './run-engine.js';

export interface LongPlayTarget {
  /** The inventory line of the one host (its name first). */
  inventoryLine: string;
  host: string;
  connect?: (host: string) => Connection;
}

const COUNT = 1000;

function statuses(run: EngineRun, host: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of run.results.get(host) ?? []) {
    for (const status of result.items ? result.items.map((item) => item.status) : [result.status])
      counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

export function describeLongPlays(label: string, target: () => LongPlayTarget): void {
  let project: TempProject;
  let inventory: string;
  beforeAll(() => {
    project = createTempProject('drover-long-plays-');
    inventory = project.write('inventory.ini', `${target().inventoryLine}\n`);
  });
  afterAll(() => project?.remove());

  const run = async (
    playbook: string,
    name: string,
    options: { check?: boolean; extraVars?: Record<string, unknown> } = {},
  ) => {
    const { host, connect } = target();
    const result = await runEngine(project.write(`${name}.yml`, playbook), inventory, {
      connect,
      check: options.check,
      extraVars: { out: join(project.dir, name), ...options.extraVars },
    });
    return { result, execs: result.outcome.hosts.get(host)!.execCount, counts: statuses(result, host) };
  };
  const written = (name: string) => readdirSync(join(project.dir, name)).length;

  describe(`${label}: plays far longer than one command line`, () => {
    const tasks = Array.from(
      { length: COUNT },
      (_, n) => `    - copy: { dest: "{{ out }}/f${n}", content: "file ${n}\\n" }`,
    ).join('\n');
    const playbook = `- hosts: all\n  gather_facts: false\n  tasks:\n    - file: { path: "{{ out }}", state: directory }\n${tasks}\n`;

    it(
      `a ${COUNT}-task play: cold, one exec per changed task; converged and checked, two execs in all`,
      { timeout: 300_000 },
      async () => {
        const cold = await run(playbook, 'tasks');
        expect(cold.counts).toEqual({ changed: COUNT + 1 });
        expect(written('tasks')).toBe(COUNT);
        expect(readFileSync(join(project.dir, 'tasks', `f${COUNT - 1}`), 'utf8')).toBe(`file ${COUNT - 1}\n`);
        // Each change carries the next tasks' probes; only the first probe exec comes on its own.
        expect(cold.execs).toBeLessThanOrEqual(COUNT + 2);

        const converged = await run(playbook, 'tasks');
        expect(converged.counts).toEqual({ ok: COUNT + 1 });
        // 1,001 probes of about 1.4 KB each: more than one exec's megabyte, so two, not one per task.
        expect(converged.execs).toBe(2);

        const checked = await run(playbook, 'tasks', { check: true });
        expect(checked.counts).toEqual({ ok: COUNT + 1 });
        expect(checked.execs).toBe(2);
      },
    );
  });

  describe(`${label}: long loops`, () => {
    const playbook = `- hosts: all\n  gather_facts: false\n  tasks:\n    - file: { path: "{{ out }}", state: directory }\n    - copy: { dest: "{{ out }}/{{ item }}", content: "{{ item }}\\n" }\n      loop: "{{ names }}"\n`;
    const names = (count: number) => Array.from({ length: count }, (_, n) => `item-${n}`);

    it('a task followed by a 200-item loop: cold, then converged in one exec', async () => {
      const cold = await run(playbook, 'loop200', { extraVars: { names: names(200) } });
      expect(cold.counts).toEqual({ changed: 201 });
      expect(written('loop200')).toBe(200);
      expect(cold.execs).toBeLessThanOrEqual(202);
      const converged = await run(playbook, 'loop200', { extraVars: { names: names(200) } });
      expect(converged.counts).toEqual({ ok: 201 });
      expect(converged.execs).toBe(1);
    });

    it(`a ${COUNT}-item loop: cold, then converged and checked in two execs`, { timeout: 300_000 }, async () => {
      const cold = await run(playbook, 'loop', { extraVars: { names: names(COUNT) } });
      expect(cold.counts).toEqual({ changed: COUNT + 1 });
      expect(written('loop')).toBe(COUNT);
      expect(cold.execs).toBeLessThanOrEqual(COUNT + 2);

      const converged = await run(playbook, 'loop', { extraVars: { names: names(COUNT) } });
      expect(converged.counts).toEqual({ ok: COUNT + 1 });
      expect(converged.execs).toBe(2);

      // A hand edit of one item: check finds exactly that one, still in two execs.
      project.write(`loop/item-${COUNT / 2}`, 'edited\n');
      const checked = await run(playbook, 'loop', { check: true, extraVars: { names: names(COUNT) } });
      expect(checked.counts).toEqual({ ok: COUNT, changed: 1 });
      expect(checked.execs).toBe(2);
    });
  });
}
