import { relative } from 'node:path';
import type { RunReport } from '../report/run-report.js';
import { applyHistory } from './apply-history.js';
import { buildDriftReport, toHistoryEntry, type DriftReport } from './build-drift-report.js';
import { collectDrift } from './collect-drift.js';
import { computeDriftExitCode } from './drift-exit-code.js';
import { isSameScope, type DriftHistoryEntry } from './history-entry.js';
import { appendHistory, resolveDriftDir, newRunId, readHistory, writeRunFile } from './history-store.js';

export interface DriftScope {
  stateDir: string;
  tags: string[];
  skipTags: string[];
}

/**
 * Turns a drift-mode run report into the drift report, with first seen / new from the history in
 * stateDir. `strict`: unknown tasks make exit 1.
 */
export function analyseDrift(runReport: RunReport, scope: DriftScope, options: { strict?: boolean } = {}): DriftReport {
  const findings = collectDrift(runReport);
  const previous = readHistory(scope.stateDir).entries.filter((entry) =>
    isSameScope(entry, { playbook: runReport.playbook, tags: scope.tags, skipTags: scope.skipTags }),
  );
  const runId = newRunId(new Date(runReport.startedAt), scope.stateDir);
  return buildDriftReport(runReport, findings, applyHistory(findings, previous, runReport.startedAt), {
    exitCode: computeDriftExitCode(findings, options),
    runId,
    stateDir: scope.stateDir,
    strict: options.strict,
  });
}

/** Keeps the run's full report under runs/ and returns its path. */
export function saveDriftRun(report: DriftReport): string {
  return writeRunFile(report.drift.stateDir, report.drift.runId, report);
}

/** Adds the run to the history index that later runs compare with. */
export function recordDriftRun(
  report: DriftReport,
  runFile: string,
  meta: {
    inventory: string[];
    tags: string[];
    skipTags: string[];
    limit?: string;
    onDrift?: DriftHistoryEntry['onDrift'];
  },
): DriftHistoryEntry {
  const { stateDir } = report.drift;
  const entry: DriftHistoryEntry = {
    ...toHistoryEntry(report, {
      file: relative(resolveDriftDir(stateDir), runFile),
      inventory: meta.inventory,
      tags: meta.tags,
      skipTags: meta.skipTags,
      limit: meta.limit,
    }),
    ...(meta.onDrift ? { onDrift: meta.onDrift } : {}),
  };
  appendHistory(stateDir, entry);
  return entry;
}
