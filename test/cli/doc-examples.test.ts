/** Every module's `drover doc` page shows examples, and every example is a task list its module accepts. */
import { describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import { createLoadContext } from '../../src/playbook/load-context.js';
import { loadTaskList } from '../../src/playbook/load-tasks.js';
import { parseYamlText } from '../../src/playbook/source.js';
import type { TaskNode, TaskTree } from '../../src/tree/types.js';
import { validateArgs } from '../../src/modules/validate-args.js';
import { runCli } from '../helpers/run-cli.js';

interface Example {
  title: string;
  yaml: string;
}

/** The EXAMPLES section of a doc page: each example starts with a "  # title" line after a blank line. */
function readExamples(page: string): Example[] {
  const lines = page.split('\n');
  const start = lines.indexOf('EXAMPLES');
  if (start < 0) return [];
  const examples: Example[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const opensExample = line.startsWith('  # ') && (i === start + 1 || lines[i - 1] === '');
    if (opensExample) examples.push({ title: line.slice(4), yaml: '' });
    else if (examples.length > 0) examples[examples.length - 1].yaml += `${line.slice(2)}\n`;
  }
  return examples;
}

function listTasks(trees: TaskTree[]): TaskNode[] {
  return trees.flatMap((tree) =>
    tree.kind === 'task'
      ? [tree]
      : tree.kind === 'block'
        ? listTasks([...tree.block, ...tree.rescue, ...tree.always])
        : [],
  );
}

/** Loads an example as the tasks of a playbook would be: problems (unknown keys, bad values) and the tasks. */
async function loadExample(module: string, example: Example) {
  const ctx = createLoadContext(await loadModules(), []);
  const source = parseYamlText(`drover doc ${module}: ${example.title}`, example.yaml);
  const tasks = listTasks(
    loadTaskList(source.value, source, { when: [], tags: [], vars: {}, baseDir: '/nonexistent' }, ctx),
  );
  return { problems: ctx.problems.map((p) => p.message), tasks };
}

describe('drover doc examples', () => {
  // One CLI process per module: loose bound for a busy machine.
  it(
    'lists every module, and each page shows examples whose tasks validate against the module schema',
    { timeout: 180_000 },
    async () => {
      const list = await runCli(['doc', '--list']);
      expect(list.code).toBe(0);
      const names = list.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[0]);
      const modules = await loadModules();
      expect(names).toEqual([...modules.keys()].sort());

      const pages = await Promise.all(names.map((name) => runCli(['doc', name])));
      for (const [i, name] of names.entries()) {
        expect(pages[i].code, name).toBe(0);
        const examples = readExamples(pages[i].stdout);
        expect(examples.length, `drover doc ${name} shows no example`).toBeGreaterThan(0);
        for (const example of examples) {
          const where = `drover doc ${name}: ${example.title}`;
          const { problems, tasks } = await loadExample(name, example);
          expect(problems, where).toEqual([]);
          expect(
            tasks.map((t) => t.module),
            where,
          ).toContain(name);
          for (const task of tasks) {
            const { issues } = validateArgs(modules.get(task.module)!, task.args as Record<string, unknown>, 'strict');
            expect(
              issues.map((issue) => `${issue.field}: ${issue.message}`),
              `${where} (${task.module})`,
            ).toEqual([]);
          }
        }
      }
    },
  );

  it('finds an unknown parameter and a bad value in an example', async () => {
    const stale = await loadExample('firewall_rule', {
      title: 'stale',
      yaml: '- firewall_rule:\n    name: web\n    ports: 80\n',
    });
    expect(stale.problems).toContain("unknown parameter 'ports' for module firewall_rule");
    const tasks = (
      await loadExample('copy', { title: 'typo', yaml: '- copy:\n    dest: /tmp/x\n    content: 1\n    mode: rw\n' })
    ).tasks;
    expect(
      validateArgs((await loadModules()).get('copy')!, tasks[0].args as Record<string, unknown>, 'strict').issues,
    ).not.toEqual([]);
  });
});
