/** The running table as `nft -j list table inet drover` shows it, reduced to what firewall_rule compares. */
import { makeSignature } from './nft-table.js';

export interface LiveTable {
  exists: boolean;
  policy?: string;
  /** Signatures of the rules with a comment, by comment. */
  rulesByName: Map<string, string[]>;
}

type Json = any;

function elementText(value: Json): string[] {
  if (typeof value === 'string' || typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(elementText);
  if (value && typeof value === 'object') {
    if ('set' in value) return elementText(value.set);
    if ('prefix' in value) return [`${value.prefix.addr}/${value.prefix.len}`];
    if ('range' in value) return [`${value.range[0]}-${value.range[1]}`];
  }
  return [JSON.stringify(value)];
}

/** One rule's signature, or its JSON when it is not of the shape firewall_rule writes. */
export function signatureOfJsonRule(expr: Json[]): string {
  let family = '';
  let sources: string[] = [];
  let proto = '';
  let ports: string[] = [];
  let action = '';
  for (const item of expr) {
    const payload = item?.match?.left?.payload;
    if (
      item?.match?.op === '==' &&
      payload?.field === 'saddr' &&
      (payload.protocol === 'ip' || payload.protocol === 'ip6')
    ) {
      family = payload.protocol;
      sources = elementText(item.match.right);
    } else if (
      item?.match?.op === '==' &&
      payload?.field === 'dport' &&
      (payload.protocol === 'tcp' || payload.protocol === 'udp')
    ) {
      proto = payload.protocol;
      ports = elementText(item.match.right);
    } else if (item && typeof item === 'object' && ('accept' in item || 'drop' in item)) {
      action = 'accept' in item ? 'accept' : 'drop';
    } else {
      return `other:${JSON.stringify(expr)}`;
    }
  }
  return makeSignature(family, sources, proto, ports, action);
}

/** Parses the JSON listing; a failed listing (code != 0) means the table does not exist. */
export function parseLiveTable(stdout: string, code: number): LiveTable {
  const rulesByName = new Map<string, string[]>();
  if (code !== 0 || stdout.trim() === '') return { exists: false, rulesByName };
  let policy: string | undefined;
  const items: Json[] = JSON.parse(stdout).nftables ?? [];
  for (const item of items) {
    if (item.chain?.name === 'input') policy = item.chain.policy;
    const rule = item.rule;
    if (rule?.chain === 'input' && typeof rule.comment === 'string') {
      rulesByName.set(rule.comment, [...(rulesByName.get(rule.comment) ?? []), signatureOfJsonRule(rule.expr ?? [])]);
    }
  }
  return { exists: true, policy, rulesByName };
}
