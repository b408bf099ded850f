import type { SourceLocation } from './source-location.js';

/** A role as a task sees it: where its files are and its variables. */
export interface RoleScope {
  name: string;
  path: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Parameters given where the role is listed (`- role: x` with extra keys or `vars:`). */
  params: Record<string, unknown>;
}

export interface LoopControl {
  label?: string;
  loop_var: string;
  index_var?: string;
}

/** What a task inherits from the blocks, roles and includes around it. */
export interface TaskCommon {
  name?: string;
  when: unknown[];
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  ignoreErrors?: boolean;
  noLog?: boolean;
  /** Block and task vars, outermost first. */
  vars: Record<string, unknown>;
  location: SourceLocation;
  role?: RoleScope;
  /** Directory that relative local paths (files, templates, includes) are resolved from. */
  baseDir: string;
  checkMode?: boolean;
}

export interface TaskNode extends TaskCommon {
  kind: 'task';
  id: number;
  module: string;
  args: Record<string, unknown> | string;
  loop?: unknown;
  /** The lookup of a `with_<lookup>` loop (tree/loop-lookups.ts), whose terms `loop` holds; undefined for `loop`. */
  loopWith?: string;
  loopControl: LoopControl;
  register?: string;
  notify: string[];
  changedWhen?: unknown;
  failedWhen?: unknown;
  retries?: number;
  delay?: number;
  until?: unknown;
  /** Handlers only: topics this handler also answers to. */
  listen: string[];
  /** Location of each argument key, for errors after rendering. */
  argLocations: Record<string, SourceLocation>;
}

export interface BlockNode extends TaskCommon {
  kind: 'block';
  block: TaskTree[];
  rescue: TaskTree[];
  always: TaskTree[];
}

/** include_tasks with a loop or a templated file name: loaded when it runs. */
export interface IncludeNode extends TaskCommon {
  kind: 'include';
  file: string;
  loop?: unknown;
  /** As on a task: the lookup of a `with_<lookup>` loop. */
  loopWith?: string;
  loopControl: LoopControl;
}

export type TaskTree = TaskNode | BlockNode | IncludeNode;

export interface Play {
  name: string;
  /** The host pattern; a templated one is rendered before hosts are selected (render-play-hosts.ts). */
  hosts: string;
  /** Where `hosts:` is written. */
  hostsLocation?: SourceLocation;
  location: SourceLocation;
  baseDir: string;
  vars: Record<string, unknown>;
  /** Contents of vars_files, merged in order (above play vars). */
  varsFilesVars: Record<string, unknown>;
  /** Sections after which notified handlers run: pre_tasks, roles + tasks, post_tasks. */
  sections: TaskTree[][];
  handlers: TaskNode[];
  become?: boolean;
  becomeUser?: string;
  gatherFacts: boolean;
  serial: Array<number | string>;
  strategy: 'linear' | 'free';
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
  forceHandlers: boolean;
  tags: string[];
}

export interface Playbook {
  file: string;
  plays: Play[];
}
