#!/usr/bin/env node
// `npm run demo`: boots lab hosts for inventory/, deploys playbooks/site.yml on them, and says where to look.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const drover = join(root, 'bin', 'drover.js');
const inventory = join(root, 'inventory');
const vaultPassword = join(root, 'demo-vault-password.txt');

function run(args, options = {}) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [drover, ...args], {
    cwd: root,
    stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`\ndemo: 'drover ${args.join(' ')}' exited with ${result.status} after ${seconds} s\n`);
    process.exit(result.status ?? 1);
  }
  return { stdout: result.stdout, seconds };
}

if (process.getuid?.() !== 0) {
  process.stderr.write('demo: the lab boots containers and network namespaces, so run the demo as root\n');
  process.exit(1);
}

run(['lab', 'setup', '--for', 'demo']);
const up = run(['lab', 'up', '-i', inventory]);
const deploy = run([
  'run',
  join(root, 'playbooks', 'site.yml'),
  '-i',
  inventory,
  '--lab',
  '--vault-password-file',
  vaultPassword,
]);
const status = JSON.parse(run(['lab', 'status', '-i', inventory, '--json'], { capture: true }).stdout);
const address = (name) => status.hosts.find((h) => h.name === name)?.address ?? '?';

process.stdout.write(`
The reference deployment is running on lab hosts (lab up ${up.seconds} s, site.yml ${deploy.seconds} s).

  API (backend1):   curl http://${address('backend1')}/products/
  API (backend2):   curl http://${address('backend2')}/products/
  Admin page:       curl http://${address('backoffice')}/
  Log in to a host: ssh -i ${status.key} -o UserKnownHostsFile=${status.knownHosts} root@${address('db1')}

  Run it again (0 changed):  npx drover run playbooks/site.yml -i inventory --lab --vault-password-file demo-vault-password.txt
  What would change:         npx drover check playbooks/site.yml -i inventory --lab --vault-password-file demo-vault-password.txt
  Drift since the deploy:    npx drover drift playbooks/site.yml -i inventory --lab --vault-password-file demo-vault-password.txt
  Take the lab down:         npx drover lab down -i inventory
`);
