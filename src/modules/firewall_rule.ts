import { z } from 'zod';
import { quote } from '../remote/quote.js';
import { parseContentFile, probeContentFile } from './lib/file-modules/content-module.js';
import { planFileContent } from './lib/plan/file-content-plan.js';
import { resolveSources } from './firewall_rule/sources.js';
import type { IpSource } from './firewall_rule/ip-source.js';
import { parseLiveTable, type LiveTable } from './firewall_rule/nft-live.js';
import {
  describeRule,
  parseRuleSet,
  renderRuleSet,
  ruleSignatures,
  TABLE,
  type FirewallRule,
  type RuleSet,
} from './firewall_rule/nft-table.js';
import { contentText, type PathState } from './lib/probe/path-probe.js';
import { emitBase64, parseProbeFields, readBase64Field } from './lib/probe/probe-fields.js';
import { buildSectionedProbe, readSection, splitSectionedOutput } from './lib/probe/probe-sections.js';
import { boolField, pathField } from './lib/fields/schema-fields.js';
import { findSshLockout } from './firewall_rule/ssh-guard.js';
import { parseSshClient, SSH_CLIENT_PROBE, type SshClient } from './firewall_rule/ssh-client-probe.js';
import { defineModule, type Change, type Plan } from './types.js';

const NFTABLES_CONF = '/etc/nftables.conf';

const portItem = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const out: string[] = [];
  for (const part of String(value)
    .split(',')
    .map((p) => p.trim())) {
    const match = /^(\d{1,5})(?:\s*[-:]\s*(\d{1,5}))?$/.exec(part);
    const low = Number(match?.[1]);
    const high = match?.[2] === undefined ? low : Number(match[2]);
    if (!match || low < 1 || high > 65535 || high < low) {
      ctx.addIssue({ code: 'custom', message: `${part}: must be a port (1-65535) or a range such as 8000-8010` });
      return z.NEVER;
    }
    out.push(low === high ? String(low) : `${low}-${high}`);
  }
  return out;
});

const schema = z
  .strictObject({
    name: z
      .string({ error: 'name is required: it identifies the rule (stored as its nft comment)' })
      .min(1)
      .max(100)
      .regex(/^[^"\\\n\r]+$/, 'must not contain ", \\ or line breaks (it is written as the rule\'s nft comment)')
      .describe(
        "The rule's identity, stored as its comment in drover's table: the same name always means the same rule.",
      ),
    action: z
      .enum(['accept', 'drop'], { error: 'must be accept or drop' })
      .default('accept')
      .describe(
        'What happens to matching packets. All accept rules are checked before all drop rules, so "accept 5432 from backend" plus "drop 5432" means only backend reaches 5432, whatever the task order.',
      ),
    proto: z.enum(['tcp', 'udp'], { error: 'must be tcp or udp' }).default('tcp').describe('The protocol.'),
    port: z
      .union([portItem, z.array(portItem)])
      .optional()
      .transform((v) =>
        v === undefined
          ? undefined
          : [...new Set(Array.isArray(v[0]) ? (v as string[][]).flat() : (v as string[]))].sort(
              (a, b) => parseInt(a) - parseInt(b),
            ),
      )
      .describe('Destination port(s): 5432, "8000-8010", "80,443" or a list (required unless state is absent).'),
    sources: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .describe(
        'Where packets come from: addresses, CIDR networks, inventory group names or host names (their ansible_host, else the name resolved on the controller). Empty: from anywhere.',
      ),
    policy: z
      .enum(['accept', 'drop'], { error: 'must be accept or drop' })
      .optional()
      .describe(
        "Policy of drover's input chain: what happens to packets no rule matches. Unset keeps the current one (accept when the table is new). drop closes every port not accepted by a rule, SSH included: add an accept rule for port 22 first.",
      ),
    force: boolField(false).describe(
      'Apply the rule set even when it would stop the controller from opening new SSH connections to the host.',
    ),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe('present: the rule is in the table; absent: it is removed.'),
    rules_file: pathField
      .default('/etc/nftables.d/drover.nft')
      .describe(
        "The file drover's table is written to and loaded from; included from /etc/nftables.conf so it is loaded at boot.",
      ),
    persist: boolField(true).describe(
      'Include rules_file from /etc/nftables.conf and enable the nftables service, so the rules survive a reboot.',
    ),
  })
  .superRefine((args, ctx) => {
    if (args.state === 'present' && (args.port === undefined || args.port.length === 0))
      ctx.addIssue({ code: 'custom', message: 'port is required (e.g. port: 5432)', path: ['port'] });
  });

type Args = z.infer<typeof schema> & {
  /** Set by prepare: sources resolved to addresses. */
  resolvedSources?: IpSource[];
};

interface FirewallState {
  nftInstalled: boolean;
  live: LiveTable;
  file: PathState;
  conf: PathState;
  serviceEnabled: string;
  sshClient?: SshClient;
}

function includeLine(file: string): string {
  return `include "${file}"`;
}

function hasInclude(conf: string, file: string): boolean {
  return conf.split('\n').some((line) => line.trim() === includeLine(file));
}

function wantedRule(args: Args): FirewallRule {
  return {
    name: args.name,
    action: args.action,
    proto: args.proto,
    ports: args.port ?? [],
    sources: args.resolvedSources ?? [],
  };
}

function planPersistence(args: Args, current: FirewallState): Change[] {
  const changes: Change[] = [];
  const conf = current.conf.followedType === 'file' ? (contentText(current.conf) ?? '') : undefined;
  if (conf === undefined || !hasInclude(conf, args.rules_file)) {
    const base = conf ?? '#!/usr/sbin/nft -f\n\nflush ruleset\n';
    const content = `${base}${base.endsWith('\n') || base === '' ? '' : '\n'}${includeLine(args.rules_file)}\n`;
    const plan = planFileContent(
      { path: NFTABLES_CONF, content, summary: `load ${args.rules_file} at boot (include it from ${NFTABLES_CONF})` },
      current.conf,
    );
    changes.push(...plan.changes);
  }
  if (current.serviceEnabled !== 'enabled') {
    changes.push({
      kind: 'command',
      command: 'systemctl enable nftables',
      summary: 'enable the nftables service (loads /etc/nftables.conf at boot)',
      from: current.serviceEnabled || 'disabled',
      to: 'enabled',
    });
  }
  return changes;
}

export function planFirewallRule(args: Args, current: FirewallState): Plan {
  const plan = planRuleSet(args, current);
  if (current.nftInstalled) return plan;
  return {
    ...plan,
    unmet: {
      missing: 'nftables is not installed on this host (no nft)',
      fix: 'install it in an earlier task (apt: name=nftables)',
      providedBy: [{ package: 'nftables' }],
    },
  };
}

function planRuleSet(args: Args, current: FirewallState): Plan {
  const result: Record<string, unknown> = { rule: args.name, controller: current.sshClient?.address };
  const fileText = current.file.followedType === 'file' ? contentText(current.file) : undefined;
  const recorded: RuleSet = fileText === undefined ? { policy: 'accept', rules: [] } : parseRuleSet(fileText);
  const others = recorded.rules.filter((r) => r.name !== args.name);
  const mine = args.state === 'present' ? [wantedRule(args)] : [];
  const wanted: RuleSet = { policy: args.policy ?? recorded.policy, rules: [...others, ...mine] };
  const previous = recorded.rules.find((r) => r.name === args.name);

  const changes: Change[] = [];
  const content = renderRuleSet(wanted);
  const filePlan = planFileContent(
    {
      path: args.rules_file,
      content,
      createParents: true,
      validate: 'nft -c -f %s',
      summary:
        args.state === 'absent'
          ? `remove rule '${args.name}' from ${args.rules_file}`
          : previous
            ? `update rule '${args.name}' in ${args.rules_file}`
            : `add rule '${args.name}' to ${args.rules_file}`,
    },
    current.file,
  );
  if (filePlan.failed) return { ...filePlan, result };
  const fileChanges = filePlan.changes.map((c) =>
    c.kind === 'put'
      ? {
          ...c,
          from: previous ? describeRule(previous) : 'absent',
          to: args.state === 'present' ? describeRule(wantedRule(args)) : 'absent',
        }
      : c,
  );
  changes.push(...fileChanges);

  const liveMine = current.live.rulesByName.get(args.name) ?? [];
  const wantedMine = mine.flatMap(ruleSignatures);
  const liveDiffers =
    !current.live.exists ||
    current.live.policy !== wanted.policy ||
    JSON.stringify([...liveMine].sort()) !== JSON.stringify([...wantedMine].sort());
  const needsLoad = fileChanges.some((c) => c.kind === 'put') || liveDiffers;
  if (needsLoad && args.state === 'absent' && !current.live.exists && fileText === undefined)
    return { changes: [], result };

  if (needsLoad) {
    const lockout = current.sshClient ? findSshLockout(wanted, current.sshClient) : undefined;
    if (lockout && !args.force) {
      return {
        changes: [],
        result,
        failed: `firewall_rule '${args.name}': refused: with this rule set the controller (${current.sshClient!.address}) could no longer open SSH connections to port ${current.sshClient!.port} (${lockout}); accept that port from the controller in another rule first, or set force: true`,
      };
    }
    const liveWords = !current.live.exists
      ? `table ${TABLE} is not loaded`
      : liveMine.length === 0
        ? 'absent'
        : `${liveMine.length} rule line(s) differ from ${args.rules_file}`;
    changes.push({
      kind: 'command',
      command: `nft -f ${quote(args.rules_file)}`,
      summary: `load ${args.rules_file} (replaces table ${TABLE} in one transaction)${!fileChanges.length && liveDiffers ? `: the running rule '${args.name}' differs from it` : ''}`,
      from: !current.live.exists ? 'not loaded' : liveMine.length === 0 ? 'absent' : liveDiffers ? liveWords : 'loaded',
      to: args.state === 'present' ? describeRule(wantedRule(args)) : 'absent',
    });
  }
  if (args.persist && (args.state === 'present' || fileText !== undefined))
    changes.push(...planPersistence(args, current));
  return { changes, result };
}

export const module = defineModule<Args, FirewallState>({
  name: 'firewall_rule',
  summary:
    "A named nftables rule accepting or dropping a port from addresses, networks or inventory groups, in drover's own table.",
  description: [
    'Keeps one rule, identified by its name, in the table `inet drover` (an input chain at priority filter - 1, policy accept',
    'unless policy: drop is asked for). Rules drover does not own, in other tables, are never touched. The table is written to',
    'rules_file, checked with `nft -c`, and loaded with `nft -f` in one transaction; with persist (the default) the file is',
    'included from /etc/nftables.conf and the nftables service enabled, so the rules come back at boot. The running table is',
    'compared too (`nft -j list table inet drover`), so a rule deleted by hand is reported and restored. Group names in',
    'sources become the addresses of their hosts (ansible_host). A rule set that would stop the controller from opening new',
    'SSH connections (a drop rule matching its address on the SSH port, or policy drop without an accept for it) is refused',
    'unless force: true. Accept rules are evaluated before drop rules; established connections and loopback are always accepted',
    "by this chain. A packet accepted here can still be dropped by another table's chain.",
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'The database accepts PostgreSQL from the application servers only',
      yaml: `- firewall_rule:\n    name: postgres from app servers\n    port: 5432\n    sources: [backend, backoffice]\n- firewall_rule:\n    name: postgres from anyone else\n    port: 5432\n    action: drop`,
    },
    {
      title: 'Close everything not accepted (SSH first!)',
      yaml: `- firewall_rule:\n    name: ssh from the office\n    port: 22\n    sources: 192.0.2.0/24\n- firewall_rule:\n    name: https\n    port: [80, 443]\n    policy: drop`,
    },
    { title: 'Remove a rule', yaml: `- firewall_rule:\n    name: old memcached\n    state: absent` },
  ],
  async prepare(args, ctx) {
    return { ...args, resolvedSources: await resolveSources(args.sources, ctx.vars) };
  },
  probe(args) {
    return buildSectionedProbe({
      live: [
        'if ! command -v nft >/dev/null 2>&1 && [ ! -x /usr/sbin/nft ]; then echo nft=no; exit 0; fi',
        'echo nft=yes; PATH="$PATH:/usr/sbin"',
        `out=$(nft -j list table ${TABLE} 2>/dev/null); echo "code=$?"`,
        emitBase64('out64', 'printf %s "$out"'),
      ].join('\n'),
      file: probeContentFile(args.rules_file),
      conf: probeContentFile(NFTABLES_CONF),
      service: 'printf "enabled=%s\\n" "$(systemctl is-enabled nftables 2>/dev/null | head -n 1)"',
      ssh: SSH_CLIENT_PROBE,
    });
  },
  parse(output) {
    const sections = splitSectionedOutput(output.stdout);
    const live = parseProbeFields(readSection(sections, 'live').stdout);
    const nftInstalled = live.get('nft') === 'yes';
    return {
      nftInstalled,
      live: parseLiveTable(
        readBase64Field(live, 'out64')?.toString('utf8') ?? '',
        nftInstalled ? Number(live.get('code') ?? 1) : 1,
      ),
      file: parseContentFile(readSection(sections, 'file')),
      conf: parseContentFile(readSection(sections, 'conf')),
      serviceEnabled: parseProbeFields(readSection(sections, 'service').stdout).get('enabled') ?? '',
      sshClient: parseSshClient(readSection(sections, 'ssh').stdout),
    };
  },
  plan(args, current, ctx) {
    if (args.resolvedSources === undefined && args.sources.length > 0)
      return { changes: [], failed: `firewall_rule: sources of '${args.name}' were not resolved on the controller` };
    return planFirewallRule(args, current);
  },
});
