import type { Play } from '../tree/types.js';
import type { HostState } from './host-state.js';

/** Why a play stopped early. After an abort no later batch and no later play runs, as in Ansible. */
export interface PlayAbort {
  reason: string;
  /** any_errors_fatal or max_fail_percentage tripped, rather than a batch left without hosts. */
  fatal: boolean;
  /** Serial batches of the play that did not run, and their hosts. */
  skippedBatches: number;
  skippedHosts: string[];
}

/**
 * any_errors_fatal and max_fail_percentage (which must be exceeded, not reached), over one serial
 * batch. Inside a block with a rescue (rescuable), failures are the rescue's to handle and do not
 * count; an unreachable host, which no rescue handles, still does.
 */
export function findFatalFailure(
  play: Play,
  batch: HostState[],
  options: { rescuable?: boolean } = {},
): string | undefined {
  const failed = options.rescuable ? [] : batch.filter((host) => host.failed);
  const unreachable = batch.filter((host) => host.unreachable);
  if (play.anyErrorsFatal && failed.length + unreachable.length > 0) {
    const what = [...failed.map((h) => `${h.name} failed`), ...unreachable.map((h) => `${h.name} is unreachable`)].join(
      ', ',
    );
    return `${what} and any_errors_fatal is set`;
  }
  if (
    !options.rescuable &&
    play.maxFailPercentage !== undefined &&
    batch.length > 0 &&
    (failed.length / batch.length) * 100 > play.maxFailPercentage
  ) {
    return `${failed.length} of ${batch.length} hosts failed, above max_fail_percentage ${play.maxFailPercentage}`;
  }
  return undefined;
}

/** Ansible ends the run when every host of a batch failed or is unreachable. */
export function findEmptyBatch(batch: HostState[]): string | undefined {
  if (batch.length === 0 || batch.some((host) => host.active)) return undefined;
  return 'every host of the batch failed or is unreachable';
}
