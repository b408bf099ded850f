import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as firewallRule } from '../../src/modules/firewall_rule.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';
import { resolveSources } from '../../src/modules/firewall_rule/sources.js';
import { parseIpSource } from '../../src/modules/firewall_rule/ip-source.js';
import { parseLiveTable } from '../../src/modules/firewall_rule/nft-live.js';
import { parseRuleSet, renderRuleSet } from '../../src/modules/firewall_rule/nft-table.js';
import { ABSENT, fileState } from './helpers.js';

const vars = {
  groups: { backend: ['app1', 'app2'], empty: [] },
  hostvars: {
    app1: { ansible_host: '10.0.0.11' },
    app2: { ansible_host: '10.0.0.12' },
    db: { ansible_host: '10.0.0.20' },
  },
};
const CONTROLLER = { address: '10.0.0.1', port: 22 };

async function prepared(raw: Record<string, unknown>) {
  const args = parseArgs(firewallRule, raw);
  return firewallRule.prepare!(args, { host: 'db', vars, resolveLocalFile: () => '', render: (t) => t });
}

function hostWith(fileText: string | undefined, live = '', liveCode = 1) {
  return {
    nftInstalled: true,
    live: parseLiveTable(live, liveCode),
    file: fileText === undefined ? ABSENT : fileState({ sha256: sha256Hex(fileText), content: Buffer.from(fileText) }),
    conf: fileState({ content: Buffer.from('flush ruleset\ninclude "/etc/nftables.d/drover.nft"\n'), sha256: 'c' }),
    serviceEnabled: 'enabled',
    sshClient: CONTROLLER,
  };
}

/** The JSON nft prints for a loaded file (a fixture in nft 1.0.6's format). */
function liveJson(rules: Array<{ comment: string; expr: unknown[] }>, policy = 'accept'): string {
  return JSON.stringify({
    nftables: [
      { table: { family: 'inet', name: 'drover' } },
      { chain: { name: 'input', policy } },
      ...rules.map((r) => ({ rule: { chain: 'input', ...r } })),
    ],
  });
}
const saddr = (right: unknown) => ({
  match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right },
});
const dport = (right: unknown) => ({
  match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right },
});

describe('firewall_rule', () => {
  it('resolves groups and hosts to their addresses on the controller, and normalizes networks as nft prints them', async () => {
    expect((await resolveSources(['backend', 'db', '192.168.1.7/24', '10.0.0.11'], vars)).map((s) => s.text)).toEqual([
      '10.0.0.11',
      '10.0.0.12',
      '10.0.0.20',
      '192.168.1.0/24',
    ]);
    expect(parseIpSource('FD00:0:0::1/64')).toEqual({ family: 'ip6', text: 'fd00::/64' });
    expect(parseIpSource('10.1.2.3/32')).toEqual({ family: 'ip', text: '10.1.2.3' });
    await expect(resolveSources(['nosuch'], vars)).rejects.toThrow(/neither an address.*groups: backend, empty/);
    await expect(resolveSources(['empty'], vars)).rejects.toThrow(/group empty has no hosts/);
  });

  it('adds a rule to the file, loads it, and sorts accept rules before drop rules', async () => {
    const drop = await prepared({ name: 'db others', port: 5432, action: 'drop' });
    const first = firewallRule.plan(drop, hostWith(undefined), { host: 'db' });
    const text = first.changes.find((c) => c.kind === 'put')!;
    const accept = await prepared({ name: 'db from backend', port: 5432, sources: 'backend' });
    const second = firewallRule.plan(accept, hostWith(String(text.kind === 'put' && text.content)), {
      host: 'db',
    });
    const put = second.changes.find((c) => c.kind === 'put')!;
    const lines = String(put.kind === 'put' && put.content)
      .split('\n')
      .filter((l) => l.includes(' comment "'));
    expect(lines).toEqual([
      '\t\tip saddr { 10.0.0.11, 10.0.0.12 } tcp dport 5432 accept comment "db from backend"',
      '\t\ttcp dport 5432 drop comment "db others"',
    ]);
    expect(put).toMatchObject({
      validate: 'nft -c -f %s',
      from: 'absent',
      to: 'accept tcp 5432 from 10.0.0.11, 10.0.0.12',
    });
    expect(second.changes.map((c) => c.kind === 'command' && c.command)).toContain('nft -f /etc/nftables.d/drover.nft');
  });

  it('changes nothing when file and running table agree, whatever order nft lists set elements in', async () => {
    const accept = await prepared({ name: 'db from backend', port: [5432, '6000-6010'], sources: 'backend' });
    const file = renderRuleSet({
      policy: 'accept',
      rules: [
        {
          name: 'db from backend',
          action: 'accept',
          proto: 'tcp',
          ports: ['5432', '6000-6010'],
          sources: accept.resolvedSources!,
        },
      ],
    });
    const live = liveJson([
      {
        comment: 'db from backend',
        expr: [
          saddr({ set: ['10.0.0.12', '10.0.0.11'] }),
          dport({ set: [{ range: [6000, 6010] }, 5432] }),
          { accept: null },
        ],
      },
    ]);
    expect(firewallRule.plan(accept, hostWith(file, live, 0), { host: 'db' }).changes).toEqual([]);
    // Deleted by hand: only the load is planned.
    const gone = firewallRule.plan(accept, hostWith(file, liveJson([]), 0), { host: 'db' });
    expect(gone.changes).toMatchObject([
      { kind: 'command', command: 'nft -f /etc/nftables.d/drover.nft', from: 'absent' },
    ]);
  });

  it("refuses to cut the controller's SSH access unless forced", async () => {
    const dropSsh = await prepared({ name: 'no ssh', port: '20-30', action: 'drop', sources: '10.0.0.0/24' });
    expect(firewallRule.plan(dropSsh, hostWith(undefined), { host: 'db' }).failed).toMatch(
      /controller \(10\.0\.0\.1\) could no longer open SSH connections to port 22 \(rule 'no ssh' drops it\)/,
    );
    expect(firewallRule.plan({ ...dropSsh, force: true }, hostWith(undefined), { host: 'db' }).failed).toBeUndefined();
    const closed = await prepared({ name: 'web', port: 80, policy: 'drop' });
    expect(firewallRule.plan(closed, hostWith(undefined), { host: 'db' }).failed).toMatch(
      /policy is drop and no rule accepts it/,
    );
    const sshFirst = renderRuleSet({
      policy: 'accept',
      rules: [{ name: 'ssh', action: 'accept', proto: 'tcp', ports: ['22'], sources: [parseIpSource('10.0.0.1')!] }],
    });
    expect(firewallRule.plan(closed, hostWith(sshFirst), { host: 'db' }).failed).toBeUndefined();
  });

  it('reads back its own file, names with quotes and $ included', () => {
    const rules = [
      {
        name: `it's $HOME`,
        action: 'drop' as const,
        proto: 'udp' as const,
        ports: ['53'],
        sources: [parseIpSource('fd00::1')!, parseIpSource('10.0.0.0/8')!],
      },
    ];
    expect(parseRuleSet(renderRuleSet({ policy: 'drop', rules }))).toEqual({
      policy: 'drop',
      rules: [{ ...rules[0], sources: [parseIpSource('10.0.0.0/8'), parseIpSource('fd00::1')] }],
    });
    expect(() => parseArgs(firewallRule, { name: 'say "hi"', port: 1 })).toThrow(/must not contain/);
    expect(() => parseArgs(firewallRule, { name: 'x', port: 70000 })).toThrow(/must be a port/);
  });
});
