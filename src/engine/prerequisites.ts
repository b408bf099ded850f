/**
 * A plan's unmet prerequisite, decided by the engine (modules never branch on the mode): a real run
 * fails with the module's fix; check and drift say unknown when an earlier task of this run would
 * provide what is missing, and report a failure when none would (the run would fail there too).
 */
import type { Prerequisite, Provision } from '../modules/types.js';
import type { HostState } from './host-state.js';
import type { ItemOutcome } from './task-outcome.js';
import { unknownOutcome } from './unknown-values.js';

/** What a predicted (not applied) task would make exist on the host, for the tasks after it. */
export function recordProvisions(host: HostState, task: string, provides: Provision[] | undefined): void {
  for (const provision of provides ?? []) host.provisions.push({ provision, task });
}

export function decidePrerequisite(
  host: HostState,
  unmet: Prerequisite,
  registered: Record<string, unknown>,
  runForReal: boolean,
): ItemOutcome {
  const provider = runForReal ? undefined : findProvider(host, unmet.providedBy);
  if (provider) return unknownOutcome({ reason: `needs ${describeNeed(unmet)} first`, dependsOn: provider });
  const message = `${unmet.missing}; ${unmet.fix}`;
  return { status: 'failed', changes: [], registered: { ...registered, failed: true, msg: message }, error: message };
}

/** The latest earlier task that would provide one of these. */
function findProvider(host: HostState, wanted: Provision[]): string | undefined {
  for (let i = host.provisions.length - 1; i >= 0; i--) {
    const { provision, task } = host.provisions[i];
    if (wanted.some((want) => provisionMatches(want, provision))) return task;
  }
  return undefined;
}

function provisionMatches(want: Provision, have: Provision): boolean {
  // { package: '*' }: any package an earlier task installs may provide it (a program whose package is not known).
  if ('package' in want && 'package' in have)
    return want.package === '*' || packageName(have.package) === packageName(want.package);
  if ('service' in want && 'service' in have) return serviceName(have.service) === serviceName(want.service);
  if ('path' in want && 'path' in have) return want.path === have.path || want.path.startsWith(`${have.path}/`);
  return false;
}

// nginx-light=1.22.1-9 and nginx-light:amd64 are the package nginx-light.
const packageName = (spec: string) => spec.replace(/[=:].*$/, '');
const serviceName = (unit: string) => unit.replace(/\.service$/, '');

function describeNeed(unmet: Prerequisite): string {
  const first = unmet.providedBy[0];
  if (!first) return unmet.missing;
  if ('service' in first) return `service ${first.service} running`;
  if ('package' in first)
    return first.package === '*' ? unmet.missing.replace(/ is not on this host$/, '') : `package ${first.package}`;
  return first.path;
}
