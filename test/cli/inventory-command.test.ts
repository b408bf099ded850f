import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';

let dir: string;
const inventoryCli = (...args: string[]) => runCli(['inventory', '-i', join(dir, 'inventory'), ...args]);

beforeAll(() => {
  dir = writeFiles(
    {
      'inventory/hosts.ini': `loner ansible_connection=local

[web]
web1 ansible_connection=local http_port=8080
web2 ansible_connection=local

[db]
db1 ansible_connection=local

[prod:children]
web
db

[prod:vars]
env=staging
`,
      'inventory/group_vars/all.yml': 'ntp: ntp.example.com\nenv: none\n',
      'inventory/group_vars/web.yml': 'http_port: 80\nworkers: 4\n',
      'inventory/group_vars/prod.yml': 'env: production\n',
      'inventory/host_vars/db1.yml': 'role: primary\n',
    },
    'drover-inv-cli-',
  );
});

describe('drover inventory --list', () => {
  let list: Record<string, any>;
  beforeAll(async () => {
    const result = await inventoryCli('--list');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    list = JSON.parse(result.stdout);
  });

  it("has ansible-inventory's shape: _meta.hostvars, and groups with hosts and children", () => {
    expect(Object.keys(list).sort()).toEqual(['_meta', 'all', 'db', 'prod', 'ungrouped', 'web']);
    expect(list.all.children).toEqual(['ungrouped', 'prod']);
    expect(list.ungrouped.hosts).toEqual(['loner']);
    expect(list.web.hosts).toEqual(['web1', 'web2']);
    expect(list.db.hosts).toEqual(['db1']);
    expect(list.prod.children).toEqual(['web', 'db']);
    expect(list.prod.hosts).toBeUndefined();
    // As ansible-inventory: group variables show only with --export (they are merged into hostvars).
    expect(list.web.vars).toBeUndefined();
    expect(list.all.vars).toBeUndefined();
  });

  it('gives every host its merged variables in _meta.hostvars, with group_vars, host_vars and precedence applied', () => {
    expect(Object.keys(list._meta.hostvars).sort()).toEqual(['db1', 'loner', 'web1', 'web2']);
    // inline host var > group_vars/web (child) > group_vars/prod (parent) > group_vars/all > [prod:vars] in the file
    expect(list._meta.hostvars.web1).toMatchObject({
      ansible_connection: 'local',
      http_port: 8080,
      workers: 4,
      env: 'production',
      ntp: 'ntp.example.com',
    });
    expect(list._meta.hostvars.web2).toMatchObject({ http_port: 80, workers: 4, env: 'production' });
    expect(list._meta.hostvars.db1).toMatchObject({ role: 'primary', env: 'production' });
    expect(list._meta.hostvars.db1.workers).toBeUndefined();
    expect(list._meta.hostvars.loner).toMatchObject({ env: 'none', ntp: 'ntp.example.com' });
  });
});

describe('drover inventory --list --export', () => {
  it('gives groups their own variables and hosts only theirs, as ansible-inventory --export does', async () => {
    const result = await inventoryCli('--list', '--export');
    expect(result.code, result.stderr).toBe(0);
    const exported = JSON.parse(result.stdout);
    expect(exported.all).toEqual({ children: ['ungrouped', 'prod'], vars: { ntp: 'ntp.example.com', env: 'none' } });
    expect(exported.web).toEqual({ hosts: ['web1', 'web2'], vars: { http_port: 80, workers: 4 } });
    // [prod:vars] in the file, then group_vars/prod.yml over it.
    expect(exported.prod).toEqual({ children: ['web', 'db'], vars: { env: 'production' } });
    expect(exported._meta.hostvars).toEqual({
      loner: { ansible_connection: 'local' },
      web1: { ansible_connection: 'local', http_port: 8080 },
      web2: { ansible_connection: 'local' },
      db1: { ansible_connection: 'local', role: 'primary' },
    });
  });

  it('is refused without --list', async () => {
    const result = await inventoryCli('--graph', '--export');
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('--export goes with --list');
  });
});

describe('drover inventory --graph', () => {
  it('draws the group tree from all, hosts under the groups that hold them', async () => {
    const result = await inventoryCli('--graph');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '@all:',
        '  |--@ungrouped:',
        '  |  |--loner',
        '  |--@prod:',
        '  |  |--@web:',
        '  |  |  |--web1',
        '  |  |  |--web2',
        '  |  |--@db:',
        '  |  |  |--db1',
        '',
      ].join('\n'),
    );
  });
});

describe('drover inventory --host', () => {
  it("prints one host's merged variables as JSON", async () => {
    const result = await inventoryCli('--host', 'web1');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ansible_connection: 'local',
      http_port: 8080,
      workers: 4,
      env: 'production',
      ntp: 'ntp.example.com',
    });
  });

  it('names an unknown host and exits 5', async () => {
    const result = await inventoryCli('--host', 'web9');
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("no host named 'web9'");
  });

  it('wants exactly one of --list, --graph, --host', async () => {
    expect((await inventoryCli()).code).toBe(5);
    expect((await inventoryCli('--list', '--graph')).code).toBe(5);
  });
});
