/** Would a rule set stop the controller from opening new SSH connections to the host? */
import { sourcesContain } from './ip-source.js';
import { orderRules, type RuleSet } from './nft-table.js';
import type { SshClient } from './ssh-client-probe.js';

function portMatches(ports: string[], port: number): boolean {
  return ports.some((text) => {
    const [low, high] = text.split('-').map(Number);
    return high === undefined ? low === port : low <= port && port <= high;
  });
}

/** Why SET cuts CLIENT off (the rule or the policy), or undefined when new SSH connections stay allowed. */
export function findSshLockout(set: RuleSet, client: SshClient): string | undefined {
  for (const rule of orderRules(set.rules)) {
    if (rule.proto !== 'tcp' || !portMatches(rule.ports, client.port)) continue;
    if (rule.sources.length > 0 && !sourcesContain(rule.sources, client.address)) continue;
    return rule.action === 'drop' ? `rule '${rule.name}' drops it` : undefined;
  }
  return set.policy === 'drop' ? 'the chain policy is drop and no rule accepts it' : undefined;
}
