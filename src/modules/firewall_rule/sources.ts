/** Turns firewall_rule sources (addresses, networks, inventory groups or hosts) into addresses, on the controller. */
import { lookup } from 'node:dns/promises';
import { IpSourceError, parseIpSource, type IpSource } from './ip-source.js';
import { DroverError } from '../../errors.js';

export class FirewallSourceError extends DroverError {
  override name = 'FirewallSourceError';
}

function hostAddress(host: string, hostvars: Record<string, unknown>): string {
  const vars = hostvars[host] as Record<string, unknown> | undefined;
  const address = vars?.ansible_host;
  return typeof address === 'string' && address !== '' ? address : host;
}

async function addressesOf(host: string, address: string, entry: string): Promise<IpSource[]> {
  const direct = parseIpSource(address);
  if (direct) return [direct];
  try {
    const found = await lookup(address, { all: true });
    return found.map((f) => parseIpSource(f.address)!).filter(Boolean);
  } catch (error) {
    throw new FirewallSourceError(
      `sources: ${entry}: host ${host} has no IP address (ansible_host is unset and ${address} does not resolve on the controller); set ansible_host for it`,
      { cause: error },
    );
  }
}

/** Resolves each entry; groups come from `groups`, addresses from hostvars[h].ansible_host, else the host name. */
export async function resolveSources(entries: string[], vars: Record<string, unknown>): Promise<IpSource[]> {
  const groups = (vars.groups ?? {}) as Record<string, string[] | undefined>;
  const hostvars = (vars.hostvars ?? {}) as Record<string, unknown>;
  const out: IpSource[] = [];
  for (const entry of entries) {
    let direct: IpSource | undefined;
    try {
      direct = parseIpSource(entry);
    } catch (error) {
      throw new FirewallSourceError(`sources: ${(error as IpSourceError).message}`, { cause: error });
    }
    if (direct) {
      out.push(direct);
      continue;
    }
    const members = groups[entry] ?? (entry in hostvars ? [entry] : undefined);
    if (members === undefined) {
      const known = Object.keys(groups)
        .filter((g) => g !== 'all' && g !== 'ungrouped')
        .sort();
      throw new FirewallSourceError(
        `sources: ${entry} is neither an address, a network (CIDR), an inventory group nor a host${known.length ? ` (groups: ${known.join(', ')})` : ''}`,
      );
    }
    if (members.length === 0)
      throw new FirewallSourceError(
        `sources: group ${entry} has no hosts; a rule from nobody is almost certainly a mistake`,
      );
    for (const host of members) out.push(...(await addressesOf(host, hostAddress(host, hostvars), entry)));
  }
  const unique = new Map(out.map((s) => [s.text, s]));
  return [...unique.values()];
}
