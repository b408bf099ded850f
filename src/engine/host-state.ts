import type { Connection, HeldSession } from '../connection/types.js';
import type { ProbeOutput, Provision } from '../modules/types.js';
import type { TaskNode } from '../tree/types.js';
import type { HostStats, TaskResult, UnknownReason } from './events.js';
import type { PreparedOnHost } from './prepare-invocations.js';

/** Everything the engine tracks for one host during a run. */
export class HostState {
  connection?: Connection;
  connecting?: Promise<Connection>;
  /** The host lock, held from the first connect until the run ends. */
  lock?: HeldSession;
  facts: Record<string, unknown> | undefined;
  /** Registered results and set_fact values: they outlive the play, as in Ansible. */
  readonly registered: Record<string, unknown> = {};
  /** Names whose values only a real run produces (check and drift; see unknown-values.ts). */
  readonly unknownValues = new Map<string, UnknownReason>();
  /** In check and drift: what earlier tasks would have provided had they run (see prerequisites.ts). */
  readonly provisions: Array<{ provision: Provision; task: string }> = [];
  failed = false;
  unreachable = false;
  unreachableReason?: string;
  readonly stats: HostStats = {
    ok: 0,
    changed: 0,
    unreachable: 0,
    failed: 0,
    skipped: 0,
    unknown: 0,
    rescued: 0,
    ignored: 0,
  };
  readonly results: TaskResult[] = [];
  /** Probe answers fetched ahead of time in one batch, by invocation key. */
  readonly probeCache = new Map<string, ProbeOutput>();
  /** Tasks prepared while their probes were batched ahead: the task takes its preparation when it runs. */
  readonly prepared = new Map<TaskNode, PreparedOnHost>();
  /** Handler names and listen topics notified in the current section. */
  readonly notified = new Set<string>();
  /** Remote execs made for this host (probes, changes, facts). */
  get execCount(): number {
    return this.connection?.execCount ?? 0;
  }

  constructor(
    readonly name: string,
    readonly inventoryVars: Record<string, unknown>,
  ) {}

  /** meta: clear_host_errors: the host takes part again; its recap counts stay as they were. */
  clearErrors(): void {
    this.failed = false;
    if (this.unreachable) {
      this.unreachable = false;
      this.unreachableReason = undefined;
      // A failed connect is cached: the next task must try again.
      if (!this.connection) this.connecting = undefined;
    }
  }

  /** A host still taking part in the play. */
  get active(): boolean {
    return !this.failed && !this.unreachable;
  }
}
