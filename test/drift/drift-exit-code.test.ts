import { describe, expect, it } from 'vitest';
import { computeDriftExitCode } from '../../src/drift/drift-exit-code.js';
import type { DriftFindings } from '../../src/drift/types.js';
import { createDriftCommand } from '../../src/cli/commands/drift.js';

const UNKNOWN = { host: 'web1', task: 'migrate', module: 'command', reason: 'command/shell without creates/removes' };
const RESOURCE = { host: 'web1', task: 'motd', module: 'copy', changes: [{ summary: 'update /etc/motd' }] };

const findings = (extra: Partial<DriftFindings>): DriftFindings => ({
  hosts: ['web1'],
  resources: [],
  unknown: [],
  unverified: [],
  errors: [],
  interrupted: false,
  ...extra,
});

describe('the drift exit code', () => {
  it('by default: unknown tasks alone leave it 0, and never turn drift into anything but 2', () => {
    expect(computeDriftExitCode(findings({}))).toBe(0);
    expect(computeDriftExitCode(findings({ unknown: [UNKNOWN] }))).toBe(0);
    expect(computeDriftExitCode(findings({ unknown: [UNKNOWN], resources: [RESOURCE] }))).toBe(2);
    expect(computeDriftExitCode(findings({ resources: [RESOURCE] }))).toBe(2);
  });

  it('with --strict: unknown tasks make it 1, which wins over drift as errors do', () => {
    const strict = { strict: true };
    expect(computeDriftExitCode(findings({}), strict)).toBe(0);
    expect(computeDriftExitCode(findings({ resources: [RESOURCE] }), strict)).toBe(2);
    expect(computeDriftExitCode(findings({ unknown: [UNKNOWN] }), strict)).toBe(1);
    expect(computeDriftExitCode(findings({ unknown: [UNKNOWN], resources: [RESOURCE] }), strict)).toBe(1);
  });

  it('keeps 1 for unreachable hosts and unchecked tasks, and 99 for an interrupted run, either way', () => {
    for (const strict of [false, true]) {
      const unreachable = findings({ unverified: [{ host: 'web1', reason: 'refused' }], unknown: [UNKNOWN] });
      expect(computeDriftExitCode(unreachable, { strict })).toBe(1);
      const failed = findings({ errors: [{ host: 'web1', task: 'x', error: 'undefined variable' }] });
      expect(computeDriftExitCode(failed, { strict })).toBe(1);
      expect(computeDriftExitCode(findings({ interrupted: true, unknown: [UNKNOWN] }), { strict })).toBe(99);
    }
  });

  it('is asked for with --strict on drover drift, and the help says what the default is', () => {
    const command = createDriftCommand(() => {});
    const strict = command.options.find((option) => option.long === '--strict');
    expect(strict?.description).toMatch(/exit 1 when a task is unknown/);
    expect(strict?.description).toMatch(/by default unknown tasks are listed and leave the exit code alone/);
    let help = '';
    command.configureOutput({ writeOut: (text) => (help += text) });
    command.outputHelp();
    expect(help).toContain('they make exit 1 only with --strict');
  });
});
