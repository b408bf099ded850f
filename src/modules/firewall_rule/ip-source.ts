/** Addresses and networks as nft prints them (canonical text), and matching an address against them. */
import { BlockList, isIP } from 'node:net';
import { DroverError } from '../../errors.js';

export class IpSourceError extends DroverError {
  override name = 'IpSourceError';
}

export interface IpSource {
  family: 'ip' | 'ip6';
  /** Canonical text: network address with host bits cleared, no /32 or /128. */
  text: string;
}

function parseV4(text: string): number {
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function formatV4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function parseV6(text: string): bigint {
  let groups: string[];
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let body = text;
  if (tail) {
    const v4 = parseV4(tail[1]);
    body = `${text.slice(0, -tail[1].length)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  if (body.includes('::')) {
    const [head, rest] = body.split('::');
    const left = head ? head.split(':') : [];
    const right = rest ? rest.split(':') : [];
    groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  } else {
    groups = body.split(':');
  }
  return groups.reduce((acc, group) => (acc << 16n) + BigInt(parseInt(group, 16)), 0n);
}

/** RFC 5952 text (what inet_ntop, and so nft, prints): lowercase, longest run of 2+ zero groups as ::. */
function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** Parses an address or CIDR network; undefined when TEXT is neither (e.g. a group name). */
export function parseIpSource(text: string): IpSource | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) throw new IpSourceError(`${text}: the prefix length must be at most ${bits}`);
  if (version === 4) {
    const size = 2 ** (32 - prefix);
    const network = formatV4(Math.floor(parseV4(address) / size) * size);
    return { family: 'ip', text: prefix === 32 ? network : `${network}/${prefix}` };
  }
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix);
  const network = formatV6(parseV6(address) & mask);
  return { family: 'ip6', text: prefix === 128 ? network : `${network}/${prefix}` };
}

/** True when ADDRESS (an IPv4 or IPv6 address) lies in one of SOURCES. */
export function sourcesContain(sources: IpSource[], address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1] : address;
  const type = isIP(plain) === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  for (const source of sources) {
    if ((source.family === 'ip') !== (type === 'ipv4')) continue;
    const [net, prefix] = source.text.split('/');
    list.addSubnet(net, prefix === undefined ? (type === 'ipv4' ? 32 : 128) : Number(prefix), type);
  }
  return list.check(plain, type);
}
