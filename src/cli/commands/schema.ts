import { Command } from 'commander';
import { buildPlaybookSchema } from '../../doc/playbook-schema.js';
import { loadModules } from '../../modules/registry.js';

export function createSchemaCommand(): Command {
  return new Command('schema')
    .description('Print a JSON Schema for playbooks, generated from the module schemas (for editors).')
    .addHelpText(
      'after',
      `
Examples:
  drover schema > playbook.schema.json
  # then, first line of a playbook, for the YAML language server:
  # yaml-language-server: $schema=./playbook.schema.json`,
    )
    .action(async () => {
      process.stdout.write(`${JSON.stringify(buildPlaybookSchema(await loadModules()), null, 2)}\n`);
    });
}
