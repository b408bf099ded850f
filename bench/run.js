// Benchmark: drover against ansible-playbook and the SSH floor on light hosts (bench/hosts.sh).
// Env: BENCH_SIZES=1,10,50,200,500  BENCH_RUNS=3  BENCH_ANSIBLE_MAX_HOSTS=50  BENCH_ANSIBLE_RUNS=(BENCH_RUNS)
//      BENCH_COLD_RUNS=(BENCH_RUNS): runs of drover's cold apply and check mode
//      BENCH_ANSIBLE_MODES=cold,check,converged  BENCH_PLAYBOOK=bench/playbooks/files.yml
//      BENCH_COLD_MAX_HOSTS=(no limit): largest size at which drover's cold apply is timed
//      BENCH_APPEND=1: keep the samples of other sizes from the previous bench/results.json
//      BENCH_TEMPLATE_HOSTS=200: the size at which the template-heavy role (bench/playbooks/templates.yml)
//      is timed, converged and in check mode, with the time spent rendering (0: not timed)
// Writes bench/RESULTS.md, bench/results.json and bench/chart.svg. Must run as root (namespaces).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { cpus, totalmem, release, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeChart } from './chart.js';
import { writeResults } from './results.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const listOf = (v, d) =>
  (v ?? d)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const sizes = listOf(process.env.BENCH_SIZES, '1,10,50,200,500').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const ansibleMax = Number(process.env.BENCH_ANSIBLE_MAX_HOSTS ?? 50);
const ansibleRuns = Number(process.env.BENCH_ANSIBLE_RUNS ?? runs);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? runs);
const coldMax = Number(process.env.BENCH_COLD_MAX_HOSTS ?? Infinity);
const append = process.env.BENCH_APPEND === '1';
const ansibleModes = listOf(process.env.BENCH_ANSIBLE_MODES, 'cold,check,converged');
const playbook = resolve(root, process.env.BENCH_PLAYBOOK ?? 'bench/playbooks/files.yml');
const templatePlaybook = resolve(root, 'bench/playbooks/templates.yml');
const templateHosts = Number(process.env.BENCH_TEMPLATE_HOSTS ?? 200);
const work = '/tmp/drover-bench';
const hostsScript = join(root, 'bench/hosts.sh');

let hostsUp = false;
/** Children still running, stopped on Ctrl-C before the hosts are torn down. */
const children = new Set();
function track(child) {
  children.add(child);
  child.on('close', () => children.delete(child));
  return child;
}
function tearDown() {
  if (hostsUp) spawnSync('sh', [hostsScript, 'down'], { stdio: 'inherit' });
  hostsUp = false;
}
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    tearDown();
    process.exit(130);
  });

/** Runs a command, returning wall ms, exit code, output and peak RSS (KB, from /usr/bin/time). */
function timeCommand(argv, env = {}) {
  const rss = join(work, 'rss');
  return new Promise((done) => {
    const start = process.hrtime.bigint();
    const child = track(
      spawn('/usr/bin/time', ['-f', '%M', '-o', rss, ...argv], { env: { ...process.env, ...env }, cwd: root }),
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const lines = existsSync(rss) ? readFileSync(rss, 'utf8').trim().split('\n') : [];
      done({ ms, code, out, rssKb: Number(lines[lines.length - 1]) || 0 });
    });
  });
}

/** The floor: one OpenSSH connection per host running `true`, all at once. */
async function timeFloor(addresses) {
  const start = process.hrtime.bigint();
  const codes = await Promise.all(
    addresses.map(
      (ip) =>
        new Promise((done) => {
          const c = track(
            spawn(
              'ssh',
              [
                '-o',
                'ControlMaster=no',
                '-o',
                'BatchMode=yes',
                '-o',
                'StrictHostKeyChecking=yes',
                '-o',
                `UserKnownHostsFile=${work}/known_hosts`,
                '-i',
                `${work}/client_key`,
                `root@${ip}`,
                'true',
              ],
              { stdio: 'ignore' },
            ),
          );
          c.on('close', done);
        }),
    ),
  );
  const failed = codes.filter((c) => c !== 0).length;
  if (failed) throw new Error(`floor: ${failed} ssh connections failed`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

function droverArgs(n, extra, book) {
  return [
    'node',
    join(root, 'bin/drover.js'),
    'run',
    book,
    '-i',
    `${work}/inventory.yml`,
    '-u',
    'root',
    '--private-key',
    `${work}/client_key`,
    '--known-hosts',
    `${work}/known_hosts`,
    '--forks',
    String(n),
    // -T 30: the floor's OpenSSH waits as long as a login takes; drover's default 10 s connect
    // timeout gave up on a few of 500 hosts logging in at once on a busy 2-core machine.
    '-T',
    '30',
    '--report',
    `${work}/report.json`,
    ...extra,
  ];
}

async function timeDrover(n, extra, book = playbook) {
  rmSync(`${work}/report.json`, { force: true });
  const r = await timeCommand(droverArgs(n, extra, book));
  if (r.code !== 0) throw new Error(`drover failed (${r.code}):\n${r.out.slice(-3000)}`);
  const report = JSON.parse(readFileSync(`${work}/report.json`, 'utf8'));
  const hosts = Object.values(report.hosts);
  const execs = hosts.map((h) => h.execs);
  return {
    ...r,
    out: undefined,
    execsMax: Math.max(...execs),
    execsMin: Math.min(...execs),
    changed: hosts.reduce((s, h) => s + h.changed, 0),
    durationMs: report.durationMs,
    renderMs: report.renderMs,
  };
}

/** The template-heavy role, converged and in check mode: wall time and the time spent rendering. */
async function timeTemplates(n, sink) {
  // Every host's files hold its own name, so the hosts are converged by a run, not copied from h1.
  resetHosts();
  await timeDrover(n, [], templatePlaybook);
  for (const [label, extra] of [
    ['templates converged', []],
    ['templates check', ['--check']],
  ])
    await measure(
      label,
      n,
      async () => {
        const r = await timeDrover(n, extra, templatePlaybook);
        if (r.changed !== 0) throw new Error(`the template role changed ${r.changed} task(s): not converged`);
        return r;
      },
      runs,
      sink,
    );
  resetHosts();
}

function ansibleEnv() {
  return {
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_FORKS: '50',
    ANSIBLE_GATHERING: 'explicit',
    ANSIBLE_REMOTE_USER: 'root',
    ANSIBLE_PRIVATE_KEY_FILE: `${work}/client_key`,
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${work}/known_hosts`,
    ANSIBLE_CONTROL_PATH_DIR: `${work}/cp`,
    ANSIBLE_LOCAL_TEMP: `${work}/ansible-tmp`,
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_HOME: `${work}/ansible-home`,
  };
}

async function timeAnsible(extra) {
  const r = await timeCommand(['ansible-playbook', '-i', `${work}/inventory.yml`, playbook, ...extra], ansibleEnv());
  if (r.code !== 0) throw new Error(`ansible-playbook failed (${r.code}):\n${r.out.slice(-3000)}`);
  const m = [...r.out.matchAll(/changed=(\d+)/g)].reduce((s, x) => s + Number(x[1]), 0);
  return { ...r, out: undefined, changed: m };
}

function resetHosts() {
  spawnSync('sh', [hostsScript, 'reset', work], { stdio: 'inherit' });
}

function findAnsible() {
  const has = () => spawnSync('sh', ['-c', 'command -v ansible-playbook'], { stdio: 'ignore' }).status === 0;
  if (!has()) {
    console.log('ansible-playbook missing: apt-get install -y ansible-core');
    spawnSync('apt-get', ['install', '-y', 'ansible-core'], { stdio: 'inherit' });
  }
  if (!has()) return null;
  return spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
}

function describeMachine(ansibleVersion) {
  const sh = (c) => spawnSync('sh', ['-c', c], { encoding: 'utf8', cwd: root }).stdout.trim();
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGb: (totalmem() / 2 ** 30).toFixed(1),
    kernel: release(),
    node: process.version,
    ssh: sh('ssh -V 2>&1'),
    ansible: ansibleVersion ?? 'not available',
    commit:
      sh('git rev-parse --short HEAD') + (sh('git status --porcelain src') ? ' (src has uncommitted changes)' : ''),
    date: new Date().toISOString(),
    ulimitN: sh('ulimit -n'),
  };
}

async function measure(label, n, fn, count, sink) {
  for (let i = 0; i < count; i++) {
    const r = await fn();
    console.log(
      `${label} n=${n} run ${i + 1}: ${(r.ms / 1000).toFixed(2)} s${r.execsMax !== undefined ? ` execs/host ${r.execsMax}` : ''}${r.rssKb ? ` rss ${(r.rssKb / 1024).toFixed(0)} MB` : ''}${r.renderMs !== undefined ? ` rendering ${(r.renderMs / 1000).toFixed(2)} s of ${(r.durationMs / 1000).toFixed(2)} s` : ''}`,
    );
    sink.push({ label, n, ...r, load1: loadavg()[0] });
  }
}

async function main() {
  mkdirSync(work, { recursive: true });
  const ansibleVersion = findAnsible();
  const machine = describeMachine(ansibleVersion);
  const previous =
    append && existsSync(join(root, 'bench/results.json'))
      ? JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8'))
      : undefined;
  const samples = previous ? previous.samples.filter((s) => !sizes.includes(s.n)) : [];
  const notes = previous
    ? [
        ...previous.notes.filter((n) => !n.startsWith('ansible-playbook was not run above')),
        `Sizes ${[...new Set(samples.map((s) => s.n))].join(', ')} come from the previous run (${previous.machine.date}); this run (${new Date().toISOString()}) measured ${sizes.join(', ')}.`,
      ]
    : [];
  if (Number.isFinite(coldMax) && sizes.some((m) => m > coldMax))
    notes.push(`drover's cold apply was not timed above ${coldMax} hosts (BENCH_COLD_MAX_HOSTS).`);
  if (!ansibleVersion) notes.push('ansible-playbook could not be installed: ansible was skipped.');
  for (const n of sizes) {
    console.log(`\n== ${n} hosts`);
    const up = spawnSync('sh', [hostsScript, 'up', String(n), work], { stdio: 'inherit' });
    hostsUp = true;
    if (up.status !== 0) throw new Error(`hosts.sh up ${n} failed`);
    const addresses = readFileSync(`${work}/hosts.txt`, 'utf8').trim().split('\n');
    await measure('floor', n, () => timeFloor(addresses), runs, samples);
    // Converge host 1 with drover, then copy its /srv to the others: the converged state of n hosts
    // without n cold applies (on this machine one exec costs tens of ms of fork and exec).
    resetHosts();
    await timeDrover(1, ['--limit', 'h1']);
    spawnSync('sh', [hostsScript, 'seed', work], { stdio: 'inherit' });
    await measure(
      'drover converged',
      n,
      async () => {
        const r = await timeDrover(n, []);
        if (r.changed !== 0)
          throw new Error(`the converged run changed ${r.changed} task(s): the hosts were not converged`);
        return r;
      },
      runs,
      samples,
    );
    await measure(
      'drover check (cold)',
      n,
      async () => {
        resetHosts();
        return timeDrover(n, ['--check']);
      },
      coldRuns,
      samples,
    );
    // Cold runs: every host's /srv emptied before each run.
    if (n <= coldMax)
      await measure(
        'drover apply (cold)',
        n,
        async () => {
          resetHosts();
          return timeDrover(n, []);
        },
        coldRuns,
        samples,
      );
    if (ansibleVersion && n <= ansibleMax) {
      if (ansibleModes.includes('converged')) {
        resetHosts();
        await timeAnsible([]);
        await measure('ansible converged', n, () => timeAnsible([]), ansibleRuns, samples);
      }
      if (ansibleModes.includes('check'))
        await measure(
          'ansible check (cold)',
          n,
          async () => {
            resetHosts();
            return timeAnsible(['--check']);
          },
          ansibleRuns,
          samples,
        );
      if (ansibleModes.includes('cold'))
        await measure(
          'ansible apply (cold)',
          n,
          async () => {
            resetHosts();
            return timeAnsible([]);
          },
          ansibleRuns,
          samples,
        );
    }
    if (n === templateHosts) await timeTemplates(n, samples);
    tearDown();
    // Written after every size, so a long run interrupted later still leaves its results.
    const allNotes = [...notes];
    if (ansibleVersion && sizes.some((m) => m > ansibleMax))
      allNotes.push(`ansible-playbook was not run above ${ansibleMax} hosts (BENCH_ANSIBLE_MAX_HOSTS).`);
    writeFileSync(
      join(root, 'bench/results.json'),
      JSON.stringify(
        { machine, playbook: playbook.slice(root.length + 1), runs, ansibleRuns, samples, notes: allNotes },
        null,
        2,
      ),
    );
    writeChart(join(root, 'bench/chart.svg'), samples);
    writeResults(join(root, 'bench/RESULTS.md'), {
      machine,
      playbook: playbook.slice(root.length + 1),
      runs,
      ansibleRuns,
      samples,
      notes: allNotes,
    });
    console.log(`wrote bench/RESULTS.md, bench/results.json, bench/chart.svg (up to ${n} hosts)`);
  }
}

main()
  .catch((e) => {
    console.error(e.message);
    tearDown();
    process.exit(1);
  })
  .finally(tearDown);
