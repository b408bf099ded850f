/**
 * drover's own nftables table: one input chain whose named rules (the name is the rule's comment)
 * are rendered into, and read back from, the persisted file that is loaded with `nft -f`.
 */
import type { IpSource } from './ip-source.js';

export const TABLE = 'inet drover';

export interface FirewallRule {
  name: string;
  action: 'accept' | 'drop';
  proto: 'tcp' | 'udp';
  /** Canonical port texts: "5432", "8000-8010". */
  ports: string[];
  /** Empty: from anywhere. */
  sources: IpSource[];
}

export interface RuleSet {
  policy: 'accept' | 'drop';
  rules: FirewallRule[];
}

const HEADER = [
  '#!/usr/sbin/nft -f',
  '# Managed by drover (firewall_rule): its own table, loaded atomically with `nft -f`; other tables are never touched.',
  "# Each rule's comment is the name of the firewall_rule that owns it. Changes made here are overwritten.",
];

function nftList(values: string[]): string {
  return values.length === 1 ? values[0] : `{ ${values.join(', ')} }`;
}

/** The nft lines of one named rule: one per address family among its sources (one line when from anywhere). */
export function renderRuleLines(rule: FirewallRule): string[] {
  const tail = `${rule.proto} dport ${nftList(rule.ports)} ${rule.action} comment "${rule.name}"`;
  if (rule.sources.length === 0) return [tail];
  return (['ip', 'ip6'] as const)
    .map((family) => rule.sources.filter((s) => s.family === family).map((s) => s.text))
    .map((texts, i) => (texts.length === 0 ? undefined : `${i === 0 ? 'ip' : 'ip6'} saddr ${nftList(texts)} ${tail}`))
    .filter((line): line is string => line !== undefined);
}

/** Accept rules come before drop rules (so "accept from A" + "drop from all" means "only A"), then by name. */
export function orderRules(rules: FirewallRule[]): FirewallRule[] {
  const rank = (rule: FirewallRule) => (rule.action === 'accept' ? 0 : 1);
  return [...rules].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function renderRuleSet(set: RuleSet): string {
  const body = orderRules(set.rules)
    .flatMap(renderRuleLines)
    .map((line) => `\t\t${line}`);
  return [
    ...HEADER,
    // Declaring, then deleting, makes the load work whether or not the table exists; the rest replaces it in one transaction.
    `table ${TABLE} {`,
    '}',
    `delete table ${TABLE}`,
    `table ${TABLE} {`,
    '\tchain input {',
    `\t\ttype filter hook input priority filter - 1; policy ${set.policy};`,
    '\t\tct state established,related accept',
    '\t\tiifname "lo" accept',
    ...body,
    '\t}',
    '}',
    '',
  ].join('\n');
}

const RULE_LINE =
  /^\t\t(?:(ip|ip6) saddr (\{ [^}]* \}|\S+) )?(tcp|udp) dport (\{ [^}]* \}|\S+) (accept|drop) comment "([^"]*)"$/;

function readList(text: string): string[] {
  return text.startsWith('{')
    ? text
        .slice(1, -1)
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : [text];
}

/** Reads back a file written by renderRuleSet (lines of rules merge by name). */
export function parseRuleSet(text: string): RuleSet {
  const policy = /policy (accept|drop);/.exec(text)?.[1] === 'drop' ? 'drop' : 'accept';
  const byName = new Map<string, FirewallRule>();
  for (const line of text.split('\n')) {
    const match = RULE_LINE.exec(line);
    if (!match) continue;
    const [, family, saddr, proto, dport, action, name] = match;
    const rule = byName.get(name) ?? {
      name,
      action: action as FirewallRule['action'],
      proto: proto as FirewallRule['proto'],
      ports: readList(dport),
      sources: [],
    };
    if (family) rule.sources.push(...readList(saddr).map((t) => ({ family: family as IpSource['family'], text: t })));
    byName.set(name, rule);
  }
  return { policy, rules: [...byName.values()] };
}

/** What nft lists for a rule, reduced to text that does not depend on element order: one entry per line. */
export function ruleSignatures(rule: FirewallRule): string[] {
  return renderRuleLines(rule).map((line) => signatureOfLine(line));
}

function signatureOfLine(line: string): string {
  const match = /^(?:(ip|ip6) saddr (\{ [^}]* \}|\S+) )?(tcp|udp) dport (\{ [^}]* \}|\S+) (accept|drop)/.exec(line);
  if (!match) return line;
  const [, family, saddr, proto, dport, action] = match;
  return makeSignature(family ?? '', family ? readList(saddr) : [], proto, readList(dport), action);
}

export function makeSignature(
  family: string,
  sources: string[],
  proto: string,
  ports: string[],
  action: string,
): string {
  return `${family}|${[...sources].sort().join(',')}|${proto}|${[...ports].sort().join(',')}|${action}`;
}

/** Words for from/to: "accept tcp 5432 from 10.0.0.1, 10.0.0.2". */
export function describeRule(rule: FirewallRule): string {
  const from = rule.sources.length === 0 ? 'anywhere' : rule.sources.map((s) => s.text).join(', ');
  return `${rule.action} ${rule.proto} ${rule.ports.join(',')} from ${from}`;
}
