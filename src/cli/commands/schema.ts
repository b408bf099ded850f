import { Command } from 'commander';
import { renderKeywordReference } from '../../doc/keyword-reference.js';
import { buildPlaybookSchema } from '../../doc/playbook-schema.js';
import { loadModules } from '../../modules/registry.js';

export function createSchemaCommand(): Command {
  return new Command('schema')
    .description(
      'Print a JSON Schema for playbooks, generated from the keyword declarations and the module schemas (for editors).',
    )
    .option('--markdown', 'print the playbook keyword reference as Markdown instead (docs/playbook-keywords.md)')
    .addHelpText(
      'after',
      `
Examples:
  drover schema > playbook.schema.json
  # then, first line of a playbook, for the YAML language server:
  # yaml-language-server: $schema=./playbook.schema.json
  drover schema --markdown > docs/playbook-keywords.md`,
    )
    .action(async (options: { markdown?: boolean }) => {
      if (options.markdown) {
        process.stdout.write(renderKeywordReference());
        return;
      }
      process.stdout.write(`${JSON.stringify(buildPlaybookSchema(await loadModules()), null, 2)}\n`);
    });
}
