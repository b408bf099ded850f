import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, settingsFromHostVars, type Connection } from '../../src/connection/index.js';
import { labConnectionVars, labDown, type LabStatus } from '../../src/lab/index.js';
import { module as firewallRule } from '../../src/modules/firewall_rule.js';
import { ensureTestLab, labAddress, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { applyOn, connectToLabHost, runOn, type LabTaskScope } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

const DB = 'mod-fw1';
const APP = 'mod-fw2';
// Lab containers run without CAP_NET_ADMIN; nspawn grants it from a trusted settings file of the machine's name.
const SETTINGS = (host: string) => `/run/systemd/nspawn/${host}.nspawn`;
let lab: LabStatus;
let conn: Connection;

function prepare(): LabTaskScope {
  // The sources are resolved from the inventory, as in a playbook run.
  return {
    inventory: `${APP} ansible_host=${labAddress(lab, APP)}\n[backend]\n${APP}\n`,
  };
}

const ACCEPT_APP = { name: 'db from backend', port: 5432, sources: ['backend'] };
const DROP_OTHERS = { name: `db: it's $HOME`, port: 5432, action: 'drop' };

const fw = (args: Record<string, unknown>, check = false) =>
  applyOn(conn, firewallRule, args, { check, scope: prepare() });

/** Whether a TCP connection to a port of DB (the database port unless told) opens from the controller. */
function reachableFromController(port = 5432): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: labAddress(lab, DB), port, timeout: 1500 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function reachableFromApp(): Promise<boolean> {
  const probe = `python3 -c "import socket; socket.create_connection(('${labAddress(lab, DB)}', 5432), timeout=1.5)"`;
  return (await runOnLabHost(lab, APP, probe)).code === 0;
}

beforeAll(async () => {
  mkdirSync('/run/systemd/nspawn', { recursive: true });
  for (const host of [DB, APP]) writeFileSync(SETTINGS(host), '[Exec]\nCapability=CAP_NET_ADMIN\n');
  lab = await ensureTestLab([DB, APP]);
  await Promise.all(
    [DB, APP].map((host) =>
      runOnLabHostOk(
        lab,
        host,
        'export DEBIAN_FRONTEND=noninteractive; (apt-get update -q && apt-get install -y -q nftables) >/dev/null 2>&1 || (apt-get update && apt-get install -y nftables)',
        { timeoutMs: 400_000 },
      ),
    ),
  );
  await runOnLabHostOk(
    lab,
    DB,
    'nft delete table inet drover 2>/dev/null; rm -f /etc/nftables.d/drover.nft; systemctl disable nftables 2>/dev/null; systemctl stop fake-db 2>/dev/null; systemd-run --unit=fake-db python3 -m http.server 5432 --directory /tmp && for i in 1 2 3 4 5 6 7 8 9 10; do ss -ltn | grep -q :5432 && break; sleep 0.3; done',
  );
  conn = await connectToLabHost(lab, DB);
}, 600_000);

afterAll(async () => {
  await conn?.close();
  await labDown([DB, APP]);
  for (const host of [DB, APP]) rmSync(SETTINGS(host), { force: true });
});

describe('firewall_rule on lab hosts', () => {
  it('opens 5432 to the backend group only, converges, survives an nftables restart', async () => {
    expect(await reachableFromController()).toBe(true);
    await record(ACCEPT_APP, 'first-rule', {
      description:
        'nftables installed, no drover table, rules file or include, service disabled: write the file, load it, include it at boot, enable the service',
    });
    const first = await fw(ACCEPT_APP);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      'create directory /etc/nftables.d',
      "add rule 'db from backend' to /etc/nftables.d/drover.nft",
      'load /etc/nftables.d/drover.nft (replaces table inet drover in one transaction)',
      'load /etc/nftables.d/drover.nft at boot (include it from /etc/nftables.conf)',
      'enable the nftables service (loads /etc/nftables.conf at boot)',
    ]);
    expect(first.plan.changes[1].to).toBe(`accept tcp 5432 from ${labAddress(lab, APP)}`);
    const second = await fw(DROP_OTHERS);
    expect(second.plan.changes.map((c) => c.summary)).toEqual([
      `add rule '${DROP_OTHERS.name}' to /etc/nftables.d/drover.nft`,
      'load /etc/nftables.d/drover.nft (replaces table inet drover in one transaction)',
    ]);

    expect(await reachableFromApp()).toBe(true);
    expect(await reachableFromController()).toBe(false);
    expect((await fw(ACCEPT_APP)).plan.changes).toEqual([]);
    expect((await fw(DROP_OTHERS)).plan.changes).toEqual([]);
    await record(DROP_OTHERS, 'converged', {
      description:
        'the rule is in the file and in the running table (nft -j), the file is included and the service enabled: nothing to do',
    });

    await runOnLabHostOk(lab, DB, 'systemctl restart nftables');
    expect(await runOnLabHostOk(lab, DB, 'nft list table inet drover')).toContain(`comment "${DROP_OTHERS.name}"`);
    expect(await reachableFromApp()).toBe(true);
    expect(await reachableFromController()).toBe(false);
    expect((await fw(DROP_OTHERS)).plan.changes).toEqual([]);
  });

  it('reports a rule deleted by hand in check mode without touching the host, then restores it', async () => {
    await runOnLabHostOk(
      lab,
      DB,
      `nft delete rule inet drover input handle $(nft -a list chain inet drover input | grep 'comment "db: it' | sed 's/.*# handle //')`,
    );
    expect(await reachableFromController()).toBe(true);
    await record(DROP_OTHERS, 'deleted-by-hand', {
      description: 'the rule deleted from the running table by hand, still in the file: a load of the file',
    });
    const checked = await fw(DROP_OTHERS, true);
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      {
        summary: `load /etc/nftables.d/drover.nft (replaces table inet drover in one transaction): the running rule '${DROP_OTHERS.name}' differs from it`,
        from: 'absent',
        to: 'drop tcp 5432 from anywhere',
      },
    ]);
    expect(await runOnLabHostOk(lab, DB, 'nft list table inet drover')).not.toContain('db: it');
    expect((await fw(ACCEPT_APP, true)).plan.changes).toEqual([]);

    await fw(DROP_OTHERS);
    expect(await reachableFromController()).toBe(false);
  });

  it("refuses a rule set that cuts the controller's SSH access, unless it is allowed", async () => {
    const before = await runOnLabHostOk(lab, DB, 'sha256sum /etc/nftables.d/drover.nft; nft list table inet drover');
    await record({ name: 'no ssh', port: 22, action: 'drop' }, 'ssh-lockout-refused', {
      description: "a drop rule for port 22 from anywhere would cut off the controller's SSH: refused, the task fails",
    });
    const dropSsh = await runModuleFailure({ name: 'no ssh', port: 22, action: 'drop' });
    expect(dropSsh).toMatch(
      /refused: with this rule set the controller \(\d+\.\d+\.\d+\.\d+\) could no longer open SSH connections to port 22 \(rule 'no ssh' drops it\)/,
    );
    const closed = await runModuleFailure({ name: 'web', port: 80, policy: 'drop' });
    expect(closed).toMatch(/the chain policy is drop and no rule accepts it/);
    expect(await runOnLabHostOk(lab, DB, 'sha256sum /etc/nftables.d/drover.nft; nft list table inet drover')).toBe(
      before,
    );

    // A drop on port 22 from some other network leaves the controller in.
    await fw({ name: 'no ssh from elsewhere', port: 22, action: 'drop', sources: '192.0.2.0/24' });
    expect(await runOnLabHostOk(lab, DB, 'echo still in')).toBe('still in\n');
    await fw({ name: 'no ssh from elsewhere', state: 'absent' });
  });

  it('removes rules with state absent', async () => {
    await record({ name: ACCEPT_APP.name, state: 'absent' }, 'absent', {
      description: 'a rule to remove (state absent): rewrite the file without it and load it',
    });
    const removed = await fw({ name: ACCEPT_APP.name, state: 'absent' });
    expect(removed.plan.changes.map((c) => c.summary)).toEqual([
      "remove rule 'db from backend' from /etc/nftables.d/drover.nft",
      'load /etc/nftables.d/drover.nft (replaces table inet drover in one transaction)',
    ]);
    expect(await reachableFromApp()).toBe(false);
    await fw({ name: DROP_OTHERS.name, state: 'absent' });
    expect(await reachableFromController()).toBe(true);
    expect((await fw({ name: DROP_OTHERS.name, state: 'absent' })).plan.changes).toEqual([]);
    expect(await runOnLabHostOk(lab, DB, 'nft list table inet drover')).not.toContain('comment');
  });
});

// A table and rule of someone else's, one with the same comment as a drover rule.
const HAND_MADE =
  'table ip hand_made {\n\tchain input {\n\t\ttype filter hook input priority 10; policy accept;\n\t\ttcp dport 9999 accept comment "db from backend"\n\t}\n}\n';
const foreignRules = () =>
  runOnLabHostOk(lab, DB, "nft -a list table ip hand_made; nft list tables | grep -v '^table inet drover$'");

describe('firewall_rule next to rules it does not own', () => {
  it('adds, changes and removes its rules without touching a table made by hand', async () => {
    await runOnLabHostOk(lab, DB, 'nft -f -', { input: HAND_MADE });
    const before = await foreignRules();
    expect(before).toContain('tcp dport 9999 accept comment "db from backend"');
    const rule = { name: 'https from backend', port: 8443, sources: ['backend'] };

    expect((await fw(rule)).plan.changes.map((c) => c.summary)).toEqual([
      "add rule 'https from backend' to /etc/nftables.d/drover.nft",
      'load /etc/nftables.d/drover.nft (replaces table inet drover in one transaction)',
    ]);
    expect(await runOnLabHostOk(lab, DB, 'nft list table inet drover')).toContain(
      'tcp dport 8443 accept comment "https from backend"',
    );
    expect(await foreignRules()).toBe(before);

    expect((await fw({ ...rule, port: 8444 })).plan.changes.map((c) => c.summary)).toEqual([
      "update rule 'https from backend' in /etc/nftables.d/drover.nft",
      'load /etc/nftables.d/drover.nft (replaces table inet drover in one transaction)',
    ]);
    expect(await runOnLabHostOk(lab, DB, 'nft list table inet drover')).toContain(
      'tcp dport 8444 accept comment "https from backend"',
    );
    expect(await foreignRules()).toBe(before);

    // The foreign rule has the name of a drover rule that is gone: drover neither reports nor removes it.
    expect((await fw({ name: ACCEPT_APP.name, state: 'absent' })).plan.changes).toEqual([]);
    await fw({ name: rule.name, state: 'absent' });
    expect(await runOnLabHostOk(lab, DB, 'nft list table inet drover')).not.toContain('https from backend');
    expect(await foreignRules()).toBe(before);
    await runOnLabHostOk(lab, DB, 'nft delete table ip hand_made');
  });
});

describe('firewall_rule with force', () => {
  // drover comes in on a second sshd port, so forcing a drop of that port leaves the test's own SSH (port 22) open.
  const PORT = 2222;
  let second: Connection;
  let knownHostsDir: string;

  beforeAll(async () => {
    await runOnLabHostOk(
      lab,
      DB,
      `printf 'Port 22\\nPort ${PORT}\\n' > /etc/ssh/sshd_config.d/two-ports.conf && systemctl restart ssh && for i in $(seq 1 30); do ss -ltn | grep -q ':${PORT} ' && break; sleep 0.3; done; ss -ltn | grep -q ':${PORT} '`,
    );
    knownHostsDir = mkdtempSync(join(tmpdir(), 'drover-fw-known-'));
    const address = labAddress(lab, DB);
    const entries = readFileSync(lab.knownHosts, 'utf8')
      .split('\n')
      .filter((line) => line.split(' ')[0].split(',').includes(address));
    writeFileSync(
      join(knownHostsDir, 'known_hosts'),
      entries.map((line) => line.replace(/^\S+/, `[${address}]:${PORT}`)).join('\n') + '\n',
    );
    const vars = {
      ...labConnectionVars(lab, DB),
      ansible_port: PORT,
      drover_known_hosts_file: join(knownHostsDir, 'known_hosts'),
    };
    second = createConnection(settingsFromHostVars(DB, vars, { hostKeyChecking: 'strict' }));
    await second.connect();
  });

  afterAll(async () => {
    await second?.close();
    if (knownHostsDir) rmSync(knownHostsDir, { recursive: true, force: true });
  });

  it("applies a rule set that cuts the controller's SSH port only with force: true, and takes it back", async () => {
    const dropSsh = { name: 'no ssh on the second port', port: PORT, action: 'drop' };
    const before = await runOnLabHostOk(lab, DB, 'sha256sum /etc/nftables.d/drover.nft; nft list table inet drover');
    const refused = await runOn(second, firewallRule, dropSsh, { scope: prepare() }).then(
      () => 'applied',
      (error: Error) => error.message,
    );
    expect(refused).toMatch(
      new RegExp(
        `refused: .*could no longer open SSH connections to port ${PORT} \\(rule 'no ssh on the second port' drops it\\)`,
      ),
    );
    expect(await runOnLabHostOk(lab, DB, 'sha256sum /etc/nftables.d/drover.nft; nft list table inet drover')).toBe(
      before,
    );
    expect(await reachableFromController(PORT)).toBe(true);

    const forced = await applyOn(second, firewallRule, { ...dropSsh, force: true }, { scope: prepare() });
    expect(forced.plan.changes.map((c) => c.summary)).toEqual([
      `add rule '${dropSsh.name}' to /etc/nftables.d/drover.nft`,
      'load /etc/nftables.d/drover.nft (replaces table inet drover in one transaction)',
    ]);
    expect(await reachableFromController(PORT)).toBe(false);
    expect(await runOnLabHostOk(lab, DB, 'nft list table inet drover')).toContain(
      `tcp dport ${PORT} drop comment "${dropSsh.name}"`,
    );
    // The open session is established traffic, which the chain still accepts.
    expect((await second.exec('echo still in')).stdout).toBe('still in\n');

    await applyOn(second, firewallRule, { name: dropSsh.name, state: 'absent' }, { scope: prepare() });
    expect(await reachableFromController(PORT)).toBe(true);
  });
});

/** recordFixture with the sources resolved from the same groups and addresses as prepare(). */
function record(args: Record<string, unknown>, name: string, options: { description: string }) {
  return recordFixture(conn, firewallRule, args, name, {
    ...options,
    vars: { groups: { backend: [APP] }, hostvars: { [APP]: { ansible_host: labAddress(lab, APP) } } },
  });
}

async function runModuleFailure(args: Record<string, unknown>): Promise<string> {
  const result = await runOn(conn, firewallRule, args, { scope: prepare() }).then(
    () => undefined,
    (error: Error) => error.message,
  );
  if (result === undefined) throw new Error(`expected ${args.name} to be refused`);
  return result;
}
