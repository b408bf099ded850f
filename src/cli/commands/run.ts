import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import type { EngineEvents } from '../../engine/events.js';
import { runPlaybook, type RunOutcome } from '../../engine/run-playbook.js';
import { buildRunReport, type RunReport } from '../../report/run-report.js';
import { createPlainOutput, renderRecap } from '../../report/plain-output.js';
import { createLiveOutput } from '../../report/live-output.js';
import { createStyle } from '../../report/output-style.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { parseExtraVars } from '../extra-vars.js';
import { loadInputs, type Inputs } from '../load-inputs.js';
import { collect, increase, nonNegativeInteger, positiveInteger, splitList } from '../options.js';
import { askConnectionPasswords, type AskedPasswords } from '../ask-passwords.js';
import { createStepPrompt } from '../ask-step.js';
import { createConnector, type ConnectOptions } from '../connect.js';
import { applyLabOverrides } from '../lab-overrides.js';
import { applyAnsibleSettings, readAnsibleSettings } from '../ansible-config.js';
import { configureVaultPassword } from '../vault-options.js';
import { listHosts, listTags, listTasks } from '../list-playbook.js';
import { limitHosts } from '../../inventory/index.js';
import { checkStartAtTask } from '../start-at-task.js';
import { renderPlayHosts } from '../../playbook/render-play-hosts.js';
import { hasTemplate, measureRenderTime } from '../../template/render.js';
import { applySlice, describeEmptySlice, emptySliceReport, parseSlice, withSlice, type Slice } from '../slice.js';

export interface RunCommandOptions {
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  /** --slice K/N: only the hosts that fall to slice K of N (after --limit). */
  slice?: Slice;
  tags?: string[];
  skipTags?: string[];
  extraVars?: string[];
  forks: number;
  report?: string;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  startAtTask?: string;
  /** --step: ask before each task. */
  step?: boolean;
  verbose: number;
  forceHandlers?: boolean;
  lab?: boolean;
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  knownHosts?: string[];
  timeout?: number;
  connectTimeout?: number;
  user?: string;
  privateKey?: string;
  vaultPasswordFile?: string;
  askVaultPass?: boolean;
  askPass?: boolean;
  askBecomePass?: boolean;
  connectRetries?: number;
  /** False with --no-host-lock. */
  hostLock: boolean;
  /** Ansible's roles_path (ansible.cfg, ANSIBLE_ROLES_PATH): more directories that hold roles. */
  rolesPath?: string[];
  become?: boolean;
  becomeUser?: string;
  vaultId?: string[];
  connection?: string;
  sshCommonArgs?: string;
}

/** Adds the options shared by run, check and drift. */
export function addRunOptions(command: Command): Command {
  return (
    command
      .requiredOption(
        '-i, --inventory <path>',
        'inventory file, directory or "host1,host2," (repeatable, merged in order)',
        collect,
        [],
      )
      .option('-l, --limit <pattern>', 'only run on hosts matching this pattern (e.g. "backend:!backend2")')
      .option(
        '--slice <K/N>',
        'only run on the hosts that fall to slice K of N (after --limit; a hash of the host name picks its slice)',
        parseSlice,
      )
      .option('-t, --tags <tags>', 'only run tasks with these tags (comma-separated, repeatable)', collect)
      .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated, repeatable)', collect)
      .option('-e, --extra-vars <vars>', 'KEY=VALUE, @file.yml or a JSON map; highest precedence (repeatable)', collect)
      .option('-f, --forks <n>', 'hosts worked on at once', positiveInteger, 100)
      .option('--report <file.json>', 'write the run report (JSON) to this file')
      .option('--start-at-task <name>', 'start at the first task with this name (glob allowed)')
      .option('--force-handlers', 'run notified handlers even on hosts that failed')
      .option('--lab', 'run against the lab containers of the inventory hosts (see drover lab)')
      .addOption(
        new Option('--host-key-checking <mode>', 'strict (default), accept-new (trust on first use), off (UNSAFE)')
          .choices(['strict', 'accept-new', 'off'])
          .default('strict'),
      )
      .option('--known-hosts <file>', 'extra known_hosts file (repeatable)', collect)
      .option('-u, --user <user>', 'SSH user when the inventory sets none')
      .option('--private-key <file>', 'SSH private key when the inventory sets none')
      .option('-k, --ask-pass', 'ask for the SSH login password (for hosts without ansible_password)')
      .option('-K, --ask-become-pass', 'ask for the sudo password (for hosts without ansible_become_password)')
      .option('-T, --connect-timeout <seconds>', 'SSH connect timeout', positiveInteger, 10)
      .option(
        '--connect-retries <n>',
        'retry a failed SSH connect n times, with backoff (network failures only)',
        nonNegativeInteger,
      )
      .option('--timeout <seconds>', 'per-command timeout', positiveInteger, 3600)
      .option(
        '--vault-password-file <file>',
        'vault password file (default: $DROVER_VAULT_PASSWORD_FILE; else asked when needed)',
      )
      .option('--ask-vault-pass', 'ask for the vault password before starting')
      .option(
        '--vault-id <id>',
        'a vault password: FILE, LABEL@FILE or LABEL@prompt, as ansible-playbook takes it (repeatable; each is tried)',
        collect,
      )
      .option(
        '--no-host-lock',
        'do not take the per-host lock that keeps two runs from changing one host at once (also DROVER_HOST_LOCK=off)',
      )
      .option('-b, --become', 'become another user (root unless --become-user) on tasks and plays that do not say')
      .option('--become-user <user>', 'the user to become when a task, play or ansible_become_user does not say')
      .addOption(
        new Option('-c, --connection <type>', 'the connection of hosts that set no ansible_connection').choices([
          'ssh',
          'smart',
          'paramiko',
          'local',
        ]),
      )
      .option(
        '--ssh-common-args <args>',
        'ansible_ssh_common_args of hosts that set none (drover reads -o ProxyJump= and -J)',
      )
      .option(
        '-v, --verbose',
        'more output: -v what commands printed (rc, stdout, stderr), -vv probes per exec, -vvv each change applied, -vvvv the probe scripts',
        increase,
        0,
      )
      // ansible.cfg and ANSIBLE_* fill what the command line leaves out (see ansible-config.ts).
      .hook('preAction', (_command, action) => applyAnsibleSettings(action, readAnsibleSettings()))
  );
}

/** The options of run and check that drift does not take: look at the playbook and stop, or --step. */
export function addListOptions(command: Command): Command {
  return command
    .option('--list-hosts', 'list the hosts each play would run on, then stop')
    .option('--list-tasks', 'list the tasks each play would run, then stop')
    .option('--list-tags', 'list the tags of the playbook, then stop')
    .option('--syntax-check', 'validate the playbook and inventory, then stop')
    .option('--step', 'ask before each task whether to run it: (N)o, (y)es, (c)ontinue without asking');
}

export function createRunCommand(): Command {
  const command = new Command('run')
    .description("Apply a playbook to the inventory's hosts.")
    .argument('<playbook...>', 'the playbook file (the word "playbook" may come first)')
    .option('-C, --check', 'dry run: probe and plan, change nothing')
    .option('-D, --diff', 'show the diff of every file change');
  addListOptions(command);
  addRunOptions(command);
  command.addHelpText(
    'after',
    `
Examples:
  drover run playbooks/site.yml -i inventory
  drover run playbook site.yml -i inventory --limit backend --tags nginx
  drover run site.yml -i inventory -e app_version=1.4.2 -e @secrets.yml --report run.json
  drover run site.yml -i inventory --check --diff`,
  );
  return command;
}

/** Resolves `run playbook site.yml` and `run site.yml` to the playbook path. */
export function playbookArgument(args: string[]): string {
  if (args.length === 2 && args[0] === 'playbook') return args[1];
  if (args.length !== 1) throw new UsageError(`expected one playbook, got: ${args.join(' ')}`);
  return args[0];
}

/** The whole of `drover run` / `drover check`; returns the exit code. */
export async function executeRun(
  playbookPath: string,
  options: RunCommandOptions,
  mode: RunReport['mode'],
  signal: AbortSignal,
): Promise<number> {
  const style = createStyle(process.stdout);
  const inputs = await loadRunInputs(playbookPath, options);
  if (options.syntaxCheck) {
    process.stdout.write(`playbook: ${inputs.playbook.file} (valid: ${inputs.playbook.plays.length} plays)\n`);
    return EXIT.ok;
  }
  // Before any output starts: a --limit or --start-at-task that matches nothing ends the command.
  limitHosts(inputs.inventory, options.limit);
  checkStartAtTask(inputs.playbook, options.startAtTask);
  const sliced = applySlice(inputs, options);
  const selection = { tags: splitList(options.tags), skipTags: splitList(options.skipTags) };
  if (options.listHosts || options.listTasks || options.listTags) {
    if (options.listHosts)
      process.stdout.write(sliced?.hosts.length === 0 ? describeEmptySlice(sliced) : listHosts(inputs, options.limit));
    if (options.listTasks) process.stdout.write(listTasks(inputs, selection));
    if (options.listTags) process.stdout.write(listTags(inputs));
    return EXIT.ok;
  }
  return runInputs(inputs, options, mode, signal);
}

/** How the results are shown: task by task with a recap (run, check, drift), or one block per host (adhoc). */
export interface ResultView {
  events?: EngineEvents;
  /** Printed after the run instead of the recap. */
  summarize?(outcome: RunOutcome): string;
}

/** Runs loaded, validated inputs and reports them; returns the exit code. */
export async function runInputs(
  inputs: Inputs,
  options: RunCommandOptions,
  mode: RunReport['mode'],
  signal: AbortSignal,
  view: ResultView = {},
): Promise<number> {
  const style = createStyle(process.stdout);
  const sliced = applySlice(inputs, options);
  if (sliced?.hosts.length === 0) {
    process.stdout.write(describeEmptySlice(sliced));
    const report = withSlice(emptySliceReport(inputs.playbook.file, mode), sliced);
    if (options.report) writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
    return EXIT.ok;
  }
  const selection = { tags: splitList(options.tags), skipTags: splitList(options.skipTags) };
  const extraVars = parseExtraVars(options.extraVars ?? []);
  const check = mode !== 'run' || Boolean(options.check);
  const passwords = askConnectionPasswords(options);
  const connectOptions = connectOptionsFrom(options, passwords);
  const outputOptions = {
    diff: Boolean(options.diff) || mode !== 'run',
    verbosity: options.verbose,
    check,
    style,
    write: (t: string) => void process.stdout.write(t),
  };
  // A live view on a terminal; plain lines for CI logs, pipes, and terminals that report no width
  // (a pty nobody sized, as under `script`), where the view would wrap after every character.
  const live = process.stdout.isTTY && !process.env.CI && (process.stdout.columns ?? 0) > 0;
  const output = view.events
    ? { ...view.events, finish: async () => {} }
    : live
      ? createLiveOutput({ ...outputOptions, columns: () => process.stdout.columns ?? 80 })
      : { ...createPlainOutput(outputOptions), finish: async () => {} };
  for (const warning of inputs.inventory.warnings()) output.warning?.(`inventory: ${warning}`);
  const startedAt = new Date();
  const stepPrompt = options.step && mode !== 'drift' ? createStepPrompt() : undefined;
  const outcome: RunOutcome = await runPlaybook(inputs.playbook, inputs.inventory, inputs.modules, {
    step: stepPrompt?.ask,
    check,
    drift: mode === 'drift',
    diff: Boolean(options.diff),
    forks: options.forks,
    selection,
    startAtTask: options.startAtTask,
    forceHandlers: Boolean(options.forceHandlers),
    extraVars,
    connect: createConnector(connectOptions),
    events: output,
    signal,
    commandTimeoutMs: connectOptions.commandTimeoutMs,
    becomePassword: passwords.becomePassword,
    verbosity: options.verbose,
    hostLock: options.hostLock !== false && process.env.DROVER_HOST_LOCK !== 'off',
    become: options.become,
    becomeUser: options.becomeUser,
    limit: options.limit,
  }).finally(() => stepPrompt?.close());
  await output.finish();
  const durationMs = Date.now() - startedAt.getTime();
  process.stdout.write(
    view.summarize
      ? view.summarize(outcome)
      : renderRecap(
          outcome.order.map((host) => ({ host, stats: outcome.hosts.get(host)!.stats })),
          style,
        ),
  );
  if (options.verbose > 0) {
    const execs = outcome.order.map((h) => `${h}=${outcome.hosts.get(h)!.execCount}`).join(' ');
    process.stdout.write(style.gray(`remote execs per host: ${execs}\n`));
  }
  if (options.report) {
    const report = withSlice(
      buildRunReport(outcome, {
        playbook: inputs.playbook.file,
        mode,
        startedAt,
        durationMs,
        renderMs: measureRenderTime(),
      }),
      sliced,
    );
    writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (outcome.interrupted) {
    process.stderr.write('interrupted: running tasks were allowed to finish; nothing new was started\n');
    return EXIT.interrupted;
  }
  return exitCodeFor(outcome);
}

/**
 * Vault password, playbook + inventory validation, templated play hosts, and --lab: what run,
 * check and drift do first.
 */
export async function loadRunInputs(playbookPath: string, options: RunCommandOptions): Promise<Inputs> {
  configureVaultPassword(options);
  const inputs = await loadInputs(playbookPath, options.inventory, { rolesPath: options.rolesPath });
  // hosts: "{{ target }}" is rendered now, so a variable that is not defined stops the run before any host is contacted.
  if (inputs.playbook.plays.some((play) => hasTemplate(play.hosts))) {
    inputs.playbook = renderPlayHosts(inputs.playbook, {
      allGroupVars: inputs.inventory.groupVars('all'),
      extraVars: parseExtraVars(options.extraVars ?? []),
      groups: inputs.inventory.groupsMap(),
    });
  }
  if (options.lab)
    await applyLabOverrides(inputs.inventory, (message) => process.stderr.write(`[WARNING]: ${message}\n`));
  return inputs;
}

export function connectOptionsFrom(options: RunCommandOptions, passwords: AskedPasswords = {}): ConnectOptions {
  if (options.hostKeyChecking === 'off') {
    process.stderr.write(
      '[WARNING]: --host-key-checking off: host keys are not checked, so anyone on the network path can pose as a host and see everything drover sends it, secrets included\n',
    );
  }
  return {
    hostKeyChecking: options.hostKeyChecking,
    knownHostsFiles: options.knownHosts,
    connectTimeoutMs: (options.connectTimeout ?? 10) * 1000,
    commandTimeoutMs: (options.timeout ?? 3600) * 1000,
    user: options.user,
    privateKeyFile: options.privateKey,
    password: passwords.password,
    connectRetries: options.connectRetries,
    connection: options.connection,
    sshCommonArgs: options.sshCommonArgs,
  };
}

export function exitCodeFor(outcome: RunOutcome): number {
  const hosts = [...outcome.hosts.values()];
  if (hosts.some((h) => h.stats.failed > 0)) return EXIT.hostFailed;
  if (hosts.some((h) => h.stats.unreachable > 0)) return EXIT.hostUnreachable;
  return EXIT.ok;
}
