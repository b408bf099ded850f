import { Command } from 'commander';
import { stripCollectionPrefix } from '../../playbook/keywords/collections.js';
import { renderModuleDoc, renderModuleMarkdown } from '../../doc/render-module-doc.js';
import { loadModules } from '../../modules/registry.js';
import { didYouMean } from '../../suggest.js';
import { UsageError } from '../exit-codes.js';

export function createDocCommand(): Command {
  return new Command('doc')
    .description("Module reference, generated from each module's schema.")
    .argument('[module]', 'the module to describe')
    .option('-l, --list', 'every module with a one-line summary')
    .option('--markdown', 'print the reference as Markdown (all modules when none is named)')
    .addHelpText(
      'after',
      `
Examples:
  drover doc --list
  drover doc copy
  drover doc --markdown > docs/modules.md`,
    )
    .action(async (name: string | undefined, options: { list?: boolean; markdown?: boolean }) => {
      const modules = await loadModules();
      const sorted = [...modules.values()].sort((a, b) => a.name.localeCompare(b.name));
      if (options.list || (!name && !options.markdown)) {
        const width = Math.max(...sorted.map((m) => m.name.length));
        for (const module of sorted) process.stdout.write(`${module.name.padEnd(width)}  ${module.summary}\n`);
        return;
      }
      if (!name) {
        process.stdout.write(sorted.map(renderModuleMarkdown).join('\n'));
        return;
      }
      // ansible.builtin.copy is copy, as in a playbook.
      const module = modules.get(stripCollectionPrefix(name));
      if (!module) {
        const hint = didYouMean(name, [...modules.keys()]);
        throw new UsageError(`no module named '${name}'${hint ? `; ${hint}` : ''} (see: drover doc --list)`);
      }
      process.stdout.write(options.markdown ? renderModuleMarkdown(module) : renderModuleDoc(module));
    });
}
