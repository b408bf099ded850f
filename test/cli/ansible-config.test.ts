/**
 * ansible.cfg and ANSIBLE_* settings, as ansible-playbook reads them: the same project runs
 * through both tools with no -i and writes the same files.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const PLAY = `- hosts: all\n  gather_facts: false\n  tasks:\n    - file: { path: "{{ out }}", state: directory }\n    - copy: { dest: "{{ out }}/{{ inventory_hostname }}", content: "{{ inventory_hostname }} in {{ group_names | join(',') }}\\n" }\n`;

beforeAll(() => {
  project = createTempProject('drover-ansible-cfg-');
  project.write('inventory/hosts.ini', '[web]\nw1 ansible_connection=local\nw2 ansible_connection=local\n');
  project.write('other/hosts.ini', '[db]\nd1 ansible_connection=local\n');
  project.write(
    'ansible.cfg',
    '# a project\n[defaults]\ninventory = ./inventory/hosts.ini ; the hosts\nforks = 3\nhost_key_checking = True\n',
  );
  project.write('play.yml', PLAY);
});
afterAll(() => project.remove());

const outputs = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
const fresh = (name: string) => {
  const dir = join(project.dir, name);
  rmSync(dir, { recursive: true, force: true });
  return dir;
};

describe('ansible.cfg and ANSIBLE_*', () => {
  it('finds the inventory ansible.cfg names, as ansible-playbook does, with the same results', async () => {
    const mine = fresh('out-drover');
    const result = await runCli(['run', 'play.yml', '-e', `out=${mine}`], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const theirs = fresh('out-ansible');
    execFileSync('ansible-playbook', ['play.yml', '-e', `out=${theirs}`], {
      cwd: project.dir,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
      stdio: 'pipe',
    });
    expect(outputs(mine)).toEqual(outputs(theirs));
    expect(Object.keys(outputs(mine))).toEqual(['w1', 'w2']);
  });

  it('takes ANSIBLE_INVENTORY over the file, and -i over both', async () => {
    const fromEnv = fresh('out-env');
    const env = { ANSIBLE_INVENTORY: 'other/hosts.ini' };
    expect((await runCli(['run', 'play.yml', '-e', `out=${fromEnv}`], { cwd: project.dir, env })).code).toBe(0);
    expect(Object.keys(outputs(fromEnv))).toEqual(['d1']);
    const fromOption = fresh('out-option');
    expect(
      (
        await runCli(['run', 'play.yml', '-i', 'inventory/hosts.ini', '-e', `out=${fromOption}`], {
          cwd: project.dir,
          env,
        })
      ).code,
    ).toBe(0);
    expect(Object.keys(outputs(fromOption))).toEqual(['w1', 'w2']);
  });

  it('finds roles in roles_path (ansible.cfg, then ANSIBLE_ROLES_PATH), as ansible-playbook does', async () => {
    project.write(
      'vendor/roles/greet/tasks/main.yml',
      '- copy: { dest: "{{ out }}/{{ inventory_hostname }}", content: "hello from greet\\n" }\n',
    );
    project.write(
      'elsewhere/greet/tasks/main.yml',
      '- copy: { dest: "{{ out }}/{{ inventory_hostname }}", content: "hello from elsewhere\\n" }\n',
    );
    const cfg = project.write(
      'with-roles/ansible.cfg',
      '[defaults]\ninventory = ../inventory/hosts.ini\nroles_path = ../vendor/roles\n',
    );
    project.write(
      'with-roles/play.yml',
      '- hosts: all\n  gather_facts: false\n  pre_tasks:\n    - file: { path: "{{ out }}", state: directory }\n  roles: [greet]\n',
    );
    const cwd = join(project.dir, 'with-roles');
    const envs: Array<Record<string, string>> = [
      { ANSIBLE_CONFIG: cfg },
      { ANSIBLE_CONFIG: cfg, ANSIBLE_ROLES_PATH: join(project.dir, 'elsewhere') },
    ];
    for (const env of envs) {
      const mine = fresh('roles-drover');
      const result = await runCli(['run', 'play.yml', '-e', `out=${mine}`], { cwd, env });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const theirs = fresh('roles-ansible');
      execFileSync('ansible-playbook', ['play.yml', '-e', `out=${theirs}`], {
        cwd,
        env: { ...process.env, ...env, ANSIBLE_NOCOLOR: '1' },
        stdio: 'pipe',
      });
      expect(outputs(mine)).toEqual(outputs(theirs));
    }
    expect(outputs(join(project.dir, 'roles-drover')).w1).toBe('hello from elsewhere\n');
  });

  it('reads ANSIBLE_CONFIG, and says which file and key hold a value it cannot use', async () => {
    const bad = project.write('bad/ansible.cfg', '[defaults]\ninventory = ../inventory/hosts.ini\nforks = many\n');
    const result = await runCli(['run', 'play.yml', '-e', `out=${fresh('out-bad')}`], {
      cwd: project.dir,
      env: { ANSIBLE_CONFIG: bad },
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`${bad} [defaults] forks: 'many' is not a whole number above 0`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('host_key_checking = False is --host-key-checking off, with its warning', async () => {
    const off = project.write(
      'off/ansible.cfg',
      '[defaults]\ninventory = ../inventory/hosts.ini\nhost_key_checking = False\n',
    );
    const result = await runCli(['run', 'play.yml', '-e', `out=${fresh('out-off')}`], {
      cwd: project.dir,
      env: { ANSIBLE_CONFIG: off },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('host keys are not checked');
  });
});
