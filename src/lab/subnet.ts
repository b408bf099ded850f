import { LabError } from './errors.js';

/** A private IPv4 subnet for the lab bridge: the bridge takes .1, hosts take .2 upward. */
export interface LabSubnet {
  cidr: string;
  prefix: number;
  bridgeAddress: string;
  /** Host addresses, in the order they are handed out. */
  hostAddresses: string[];
}

export const DEFAULT_SUBNET = '10.77.0.0/24';

function toInt(octets: number[]): number {
  return ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
}

function toDotted(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Parses "10.77.0.0/24" (option, or env DROVER_LAB_SUBNET, or the default). */
export function parseSubnet(text: string): LabSubnet {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : NaN;
  if (!match || octets.some((o) => o > 255) || prefix < 16 || prefix > 29) {
    throw new LabError(
      `lab subnet "${text}" is not an IPv4 subnet between /16 and /29; give one like ${DEFAULT_SUBNET} (option --subnet or env DROVER_LAB_SUBNET)`,
    );
  }
  const size = 2 ** (32 - prefix);
  const network = toInt(octets) & ~(size - 1) & 0xffffffff;
  const networkAddress = network >>> 0;
  const hostAddresses: string[] = [];
  // .1 is the bridge; the last address is the broadcast address.
  for (let i = 2; i < Math.min(size - 1, 1024); i++) hostAddresses.push(toDotted(networkAddress + i));
  return {
    cidr: `${toDotted(networkAddress)}/${prefix}`,
    prefix,
    bridgeAddress: toDotted(networkAddress + 1),
    hostAddresses,
  };
}

/** The subnet to use: explicit option, then env DROVER_LAB_SUBNET, then the default. */
export function resolveSubnet(option?: string): LabSubnet {
  return parseSubnet(option || process.env.DROVER_LAB_SUBNET || DEFAULT_SUBNET);
}
