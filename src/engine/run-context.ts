import type { Connection } from '../connection/types.js';
import type { ModuleDefinition } from '../modules/types.js';
import type { Play } from '../tree/types.js';
import type { EngineEvents } from './events.js';
import type { HostState } from './host-state.js';
import type { TaskSelection } from './select-tasks.js';
import type { VarsContext } from './task-vars.js';

export interface RunOptions {
  /** Probe and plan, never apply (tasks with check_mode: false still run). */
  check: boolean;
  /** Drift: like check, and nothing but probes runs, whatever a task says. */
  drift: boolean;
  diff: boolean;
  forks: number;
  selection: TaskSelection;
  startAtTask?: string;
  forceHandlers: boolean;
  extraVars: Record<string, unknown>;
  /** Opens a connection for a host from its variables. */
  connect(host: string, vars: Record<string, unknown>): Connection;
  events: EngineEvents;
  /** Aborted on Ctrl-C: running tasks finish, nothing new starts. */
  signal?: AbortSignal;
  commandTimeoutMs?: number;
  /** The -v count, for modules that print only above a level (debug's verbosity). */
  verbosity?: number;
  /** sudo password for hosts and tasks with no ansible_become_password (--ask-become-pass). */
  becomePassword?: string;
  /** Take each host's lock (see connection/host-lock.ts) for the run, when it may change hosts. */
  hostLock?: boolean;
  /** -b and --become-user: below the keywords and variables, as in Ansible. */
  become?: boolean;
  becomeUser?: string;
  /** --step: asked before each task; 'no' skips it, 'continue' runs it and stops asking. */
  step?(task: { name: string; module: string }): Promise<StepAnswer>;
}

export type StepAnswer = 'yes' | 'no' | 'continue';

/** State shared by everything that runs during one playbook run. */
export interface RunContext extends VarsContext {
  options: RunOptions;
  modules: Map<string, ModuleDefinition>;
  /** Set once --start-at-task has been reached (or when it is not used). */
  started: boolean;
  /** This run's mark in the host locks it holds (see connection/host-lock.ts). */
  lockToken: string;
  interrupted(): boolean;
  /** --step: the answer for each task asked about so far, by task id. */
  stepAnswers?: Map<number, Promise<boolean>>;
  /** --step: false once the user answered 'continue'. */
  stepping?: boolean;
}

/** State of the play being run. */
export interface PlayContext {
  run: RunContext;
  play: Play;
  playHosts: string[];
  /** Task ids whose header was already announced. */
  announced: Set<number>;
  /** meta: end_play was reached. */
  ended: boolean;
}

export type { HostState };
