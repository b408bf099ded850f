/**
 * The module contract. A module is one file in src/modules/ named after its YAML key, exporting
 * `module` built with defineModule(). It never touches a host itself:
 *   prepare (controller, optional) -> probe (read-only POSIX sh on the host) -> parse -> plan (pure).
 * Only the engine executes the changes a plan returns, so check mode, --diff, drift and
 * "changed" reporting all come from this contract.
 */
import type { z } from 'zod';

/** Before/after text of one file, rendered by the engine as a unified diff. */
export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

interface ChangeBase {
  /** One line a person reads: "install nginx", "set mode of /etc/x to 0644". */
  summary: string;
  /** For drift reports: the value found on the host and the one wanted ("stopped" -> "started"). */
  from?: string;
  to?: string;
  diff?: FileDiff;
}

/** Run a POSIX sh command line on the host. A non-zero exit fails the task. */
export interface CommandChange extends ChangeBase {
  kind: 'command';
  command: string;
  /** Fed to the command's stdin; the only way secrets may reach a command. */
  stdin?: string;
  /** Run as this OS user (through become) instead of the task's user. */
  user?: string;
  /** Working directory, quoted by the engine. */
  cwd?: string;
}

/**
 * A file on the controller that a put sends as it is read, so it is never held in memory: its size
 * and sha256 were computed by streaming it (in prepare), and the host checks both before the rename.
 */
export interface FileSource {
  /** Absolute path on the controller. */
  path: string;
  size: number;
  sha256: string;
}

/** What a put writes: exactly one of the content itself or a controller file. */
export type PutContent = { content: string | Buffer; source?: never } | { source: FileSource; content?: never };

/** Write a file atomically: temp file in the same directory, owner/group/mode, then rename. */
export type PutChange = PutChangeFields & PutContent;

interface PutChangeFields extends ChangeBase {
  kind: 'put';
  path: string;
  mode?: string;
  owner?: string;
  group?: string;
  /** Keep the replaced file as PATH.TIMESTAMP~ */
  backup?: boolean;
  /** Validate the temp file before it goes live; %s is replaced by its quoted path. */
  validate?: string;
  /** Validate after the rename (e.g. `nginx -t` needs the file in place); on failure the old file is put back. */
  validateInPlace?: string;
}

export type Change = CommandChange | PutChange;

export interface Plan {
  changes: Change[];
  /** Values merged into the task's registered result (e.g. debug's msg, stat results). */
  result?: Record<string, unknown>;
  /**
   * Commands a real run executes that change nothing configured, such as refreshing apt's package
   * lists. They run before the changes, never in check or drift mode, and never count as changes.
   */
  upkeep?: CommandChange[];
  /** The probe cannot tell whether running the task would change anything (command without guards). */
  unverifiable?: boolean;
  /** The task is skipped on this host (e.g. debug below its verbosity); the reason is shown with -v. */
  skipReason?: string;
  /** The task fails with this message (assert, fail, a probe that found something impossible). */
  failed?: string;
  /** Variables to set for this host (set_fact). */
  facts?: Record<string, unknown>;
  /**
   * Something the task needs on the host is missing (a program, a running service, a directory).
   * The changes are what the task would do once it is there. The engine decides what that means:
   * a real run fails with `missing` and `fix`; check and drift report the task unknown when an
   * earlier task of the run would provide it, and as failing when none would.
   */
  unmet?: Prerequisite;
  /** What the plan's changes make exist, for later tasks' prerequisites (see Prerequisite). */
  provides?: Provision[];
}

/** Something on the host a task cannot do without. */
export interface Prerequisite {
  /** What is missing, as a fact: "supervisord does not answer". */
  missing: string;
  /** How the playbook gets it: "start it in an earlier task (service: name=supervisor state=started)". */
  fix: string;
  /** What an earlier task could provide that would meet it. */
  providedBy: Provision[];
}

/** A package installed (`*`: any package), a service started, or a path created. */
export type Provision = { package: string } | { service: string } | { path: string };

export interface ProbeOutput {
  stdout: string;
  /** Exit status of the probe script. */
  code: number;
}

/** Controller-side helpers for prepare(). */
export interface PrepareContext {
  host: string;
  vars: Record<string, unknown>;
  /** Finds a local file: role files/ or templates/ first, then relative to the playbook. Throws if missing. */
  resolveLocalFile(kind: 'files' | 'templates', path: string): string;
  /**
   * Renders a template file's text with the task's variables (strict: undefined is an error):
   * Jinja2, as Ansible's template module renders, or mustache when `source` is a *.mustache file.
   * `source` is the file's path on the controller, named in errors.
   */
  render(template: string, source?: string): string;
}

/** What a plan may know besides the arguments and the state: never the mode (check, drift or run). */
export interface PlanContext {
  host: string;
  /** The -v count of the run (0 when not given). */
  verbosity?: number;
}

export interface ModuleExample {
  title: string;
  yaml: string;
}

export interface ModuleDefinition<Args = any, State = any> {
  /** The YAML key. */
  name: string;
  /** One line for `drover doc --list`. */
  summary: string;
  /** Longer reference text for `drover doc NAME`. */
  description?: string;
  /** Argument schema: types, defaults, validation messages and docs (use .describe()). */
  schema: z.ZodType<Args, any>;
  examples: ModuleExample[];
  /** Name of the argument that takes a bare string (`command: echo hi`). */
  freeForm?: string;
  /** Parameters whose values are secrets: masked in every output. */
  secretArgs?: string[];
  /**
   * Runs on the controller and may only read local files: resolves src/templates into content, or a
   * large src into a FileSource (hashed as a stream, never read into memory).
   */
  prepare?(args: Args, ctx: PrepareContext): Args | Promise<Args>;
  /**
   * The probe waits for something (wait_for): it must not run ahead of the tasks before it, so the
   * engine never batches it with earlier tasks' probes.
   */
  probeAlone?: boolean;
  /** Read-only POSIX sh that prints the host's current state. Absent for controller-only modules. */
  probe?(args: Args): string;
  /** Turns the probe's output into the state plan() compares with. */
  parse?(output: ProbeOutput, args: Args): State;
  /** Pure: what must change to get from the current state to the desired one. */
  plan(desired: Args, current: State, ctx: PlanContext): Plan;
}

export function defineModule<Args, State>(definition: ModuleDefinition<Args, State>): ModuleDefinition<Args, State> {
  return definition;
}
