/**
 * One probe made of several independent scripts (e.g. three path probes): each script's output
 * lines are prefixed with its section name, so their `key=value` fields cannot collide.
 */
import type { ProbeOutput } from '../../types.js';

const SECTION_NAME = /^[a-z][a-z0-9_-]*$/;

/** Sh running each script in a subshell; its lines come out as `NAME|line`, then `NAME|__exit=CODE`. */
export function buildSectionedProbe(sections: Record<string, string>): string {
  const parts = Object.entries(sections).map(([name, script]) => {
    if (!SECTION_NAME.test(name)) throw new Error(`invalid probe section name: ${name}`);
    return `{ (\n${script}\n); echo "__exit=$?"; } | sed 's/^/${name}|/'`;
  });
  return [...parts, 'exit 0'].join('\n');
}

/** Each section's own output (as if it had run alone) and its exit status. */
export function splitSectionedOutput(stdout: string): Map<string, ProbeOutput> {
  const lines = new Map<string, string[]>();
  const codes = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const bar = line.indexOf('|');
    if (bar <= 0) continue;
    const name = line.slice(0, bar);
    const rest = line.slice(bar + 1);
    if (rest.startsWith('__exit=')) codes.set(name, Number(rest.slice('__exit='.length)));
    else lines.set(name, [...(lines.get(name) ?? []), rest]);
  }
  const out = new Map<string, ProbeOutput>();
  for (const name of new Set([...lines.keys(), ...codes.keys()])) {
    out.set(name, { stdout: (lines.get(name) ?? []).join('\n'), code: codes.get(name) ?? 1 });
  }
  return out;
}

/** The output of one section; a missing section reads as empty output that failed. */
export function readSection(sections: Map<string, ProbeOutput>, name: string): ProbeOutput {
  return sections.get(name) ?? { stdout: '', code: 1 };
}
