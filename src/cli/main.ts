import { Command, CommanderError } from 'commander';
import { DroverError } from '../errors.js';
import { maskSecrets } from '../secrets/mask.js';
import { createAdhocCommand } from './commands/adhoc.js';
import { createCheckCommand } from './commands/check.js';
import { createDocCommand } from './commands/doc.js';
import { createDriftCommand } from './commands/drift.js';
import { createInventoryCommand } from './commands/inventory.js';
import { createLabCommand } from './commands/lab.js';
import { createReportCommand } from './commands/report.js';
import { createRunCommand, executeRun, playbookArgument, type RunCommandOptions } from './commands/run.js';
import { createSchemaCommand } from './commands/schema.js';
import { createVaultCommand } from './commands/vault.js';
import { EXIT, EXIT_FOR_KIND } from './exit-codes.js';

/** Builds the command tree; actions report their exit code through `setExit`. */
export function buildProgram(setExit: (code: number) => void, signal: AbortSignal): Command {
  const program = new Command('drover')
    .description(
      'Agentless playbook runner: Ansible-style YAML playbooks applied over plain SSH, with check mode, diffs and drift detection.',
    )
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  drover run playbooks/site.yml -i inventory
  drover check playbooks/site.yml -i inventory --limit backend
  drover adhoc backend -i inventory -m service -a 'name=nginx state=started'
  drover inventory -i inventory --graph
  drover doc --list
  drover lab up -i inventory`,
    );

  const run = createRunCommand().action(async (args: string[], options: RunCommandOptions) => {
    setExit(await executeRun(playbookArgument(args), options, 'run', signal));
  });
  const check = createCheckCommand().action(async (args: string[], options: RunCommandOptions) => {
    setExit(await executeRun(playbookArgument(args), { ...options, check: true, diff: true }, 'check', signal));
  });
  for (const command of [
    run,
    check,
    createDriftCommand(setExit, signal),
    createReportCommand(setExit),
    createAdhocCommand(setExit, signal),
    createInventoryCommand(),
    createDocCommand(),
    createSchemaCommand(),
    createLabCommand(),
    createVaultCommand(),
  ]) {
    program.addCommand(command);
  }
  // Commander's own errors (unknown option, missing argument) become exit 5, like ansible-playbook.
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.configureOutput({ writeErr: (text) => process.stderr.write(text) });
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

/** The CLI entry point: runs drover and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\ninterrupt: letting running tasks finish (press Ctrl-C again to stop at once)\n');
      controller.abort();
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSigint);
  // `drover ... | head` closes our stdout early: that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(exitCode);
      throw error;
    });
  }
  try {
    await buildProgram((code) => (exitCode = code), controller.signal).parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      return EXIT.ok;
    return EXIT.badOptions;
  }
  const print = (text: string) => process.stderr.write(`${maskSecrets(text)}\n`);
  if (error instanceof DroverError) {
    print(error.report());
    return EXIT_FOR_KIND[error.kind];
  }
  const err = error as Error;
  print(`ERROR: ${err?.message ?? String(error)}`);
  if (process.env.DROVER_DEBUG) print(err?.stack ?? '');
  return EXIT.error;
}
