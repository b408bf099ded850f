import { Command } from 'commander';
import { addListOptions, addRunOptions } from './run.js';

export function createCheckCommand(): Command {
  const command = new Command('check')
    .description('Dry run with diffs (= run --check --diff): probe every host, show what would change, change nothing.')
    .argument('<playbook...>', 'the playbook file');
  addListOptions(command);
  addRunOptions(command);
  command.addHelpText(
    'after',
    `
Examples:
  drover check playbooks/site.yml -i inventory
  drover check site.yml -i inventory --limit backend2 --report would-change.json`,
  );
  return command;
}
