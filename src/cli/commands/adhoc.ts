import { Command } from 'commander';
import { ADHOC_RESULT, loadAdhocPlaybook } from '../../playbook/load-adhoc.js';
import { loadInventory } from '../../inventory/index.js';
import { loadModules } from '../../modules/registry.js';
import { renderAdhocResults } from '../../report/adhoc-output.js';
import { createStyle } from '../../report/output-style.js';
import { UsageError } from '../exit-codes.js';
import { applyLabOverrides } from '../lab-overrides.js';
import { configureVaultPassword } from '../vault-options.js';
import { addRunOptions, runInputs, type RunCommandOptions } from './run.js';

export interface AdhocOptions extends RunCommandOptions {
  moduleName: string;
  args?: string;
}

export function createAdhocCommand(setExit: (code: number) => void, signal: AbortSignal): Command {
  const command = new Command('adhoc')
    .description('Run one module on the hosts matching a pattern, as `ansible PATTERN -m MODULE -a ARGS` does.')
    .argument('<pattern>', 'host pattern (e.g. all, backend, "web*:!web3")')
    .option('-m, --module-name <module>', 'the module to run', 'command')
    .option('-a, --args <args>', 'its arguments: key=value words, free-form text for command/shell, or a JSON map')
    .option('-C, --check', 'dry run: probe and plan, change nothing')
    .option('-D, --diff', 'show the diff of every file change');
  addRunOptions(command);
  command.addHelpText(
    'after',
    `
Examples:
  drover adhoc all -i inventory -a 'uptime'
  drover adhoc backend -i inventory -m apt -a 'name=nginx-light' -b
  drover adhoc db1 -i inventory -m service -a 'name=postgresql state=started' --check`,
  );
  return command.action(async (pattern: string, options: AdhocOptions) => {
    setExit(await executeAdhoc(pattern, options, signal));
  });
}

async function executeAdhoc(pattern: string, options: AdhocOptions, signal: AbortSignal): Promise<number> {
  if (options.inventory.length === 0)
    throw new UsageError('no inventory given: add -i INVENTORY (a file, a directory, or "host1,host2,")');
  configureVaultPassword(options);
  const modules = await loadModules();
  const playbook = loadAdhocPlaybook({ pattern, module: options.moduleName, args: options.args }, modules);
  const inventory = await loadInventory(options.inventory);
  if (options.lab) await applyLabOverrides(inventory, (message) => process.stderr.write(`[WARNING]: ${message}\n`));
  const style = createStyle(process.stdout);
  const module = playbook.plays[0].sections[0][0];
  const moduleName = module?.kind === 'task' ? module.module : options.moduleName;
  return runInputs({ playbook, inventory, modules }, options, options.check ? 'check' : 'run', signal, {
    events: { warning: (message) => process.stderr.write(`[WARNING]: ${message}\n`) },
    summarize: (outcome) => renderAdhocResults(outcome, ADHOC_RESULT, moduleName, style),
  });
}
