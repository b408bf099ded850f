/**
 * Ansible's with_* loops and key=value arguments: the same playbook runs through ansible-playbook
 * 2.14 and drover, each task writes one file per item, named and filled from the item, and the two
 * trees are compared byte for byte. A second drover run changes nothing.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnsiblePlaybook, runDrover, type ToolRun } from '../helpers/ansible-statuses.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-loops-kv-');
  project.write('files/a.txt', 'A\n');
  project.write('files/b.txt', 'B\n');
  project.write('files/.hidden.txt', 'hidden\n');
  project.write('files/conf/c.conf', 'C\n');
  mkdirSync(join(project.dir, 'files/not-a-file.txt'));
  project.write(
    'inc.yml',
    '- name: included\n  copy: { dest: "{{ out }}/inc-{{ item }}", content: "{{ item }}\\n" }\n',
  );
});
afterAll(() => project.remove());

/** Every file under a directory: its path, its mode and its content. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    const key = `${prefix}${name}`;
    if (stat.isDirectory()) {
      out[`${key}/`] = (stat.mode & 0o7777).toString(8);
      Object.assign(out, tree(path, `${key}/`));
    } else out[key] = `${(stat.mode & 0o7777).toString(8)} ${readFileSync(path, 'utf8')}`;
  }
  return out;
}

const statusByTask = (run: ToolRun) => Object.fromEntries(run.statuses.map(([task, , status]) => [task, status]));

/** Runs the playbook through both tools, each writing under its own directory; then drover once more. */
async function runBoth(name: string, playbook: string) {
  const file = project.write(`${name}.yml`, playbook);
  const theirs = join(project.dir, `${name}-ansible`);
  const mine = join(project.dir, `${name}-drover`);
  mkdirSync(theirs);
  mkdirSync(mine);
  const flags = ['-i', 'h1,', '-c', 'local'];
  const ansible = runAnsiblePlaybook(project.dir, [file, ...flags, '-e', `out=${theirs}`]);
  const drover = await runDrover(project.dir, ['run', file, ...flags, '-e', `out=${mine}`]);
  const again = await runDrover(project.dir, ['run', file, ...flags, '-e', `out=${mine}`]);
  return { ansible, drover, again, theirs: tree(theirs), mine: tree(mine) };
}

const LOOPS = `- hosts: all
  gather_facts: false
  vars:
    more: [n3, n4]
    conf: { alpha: 1, beta: { x: [2, "two"] } }
    users:
      - { name: alice, keys: [k1, k2], groups: [g1] }
      - { name: bob, keys: [k3] }
      - { name: carol }
  tasks:
    - name: items
      copy: { dest: "{{ out }}/items-{{ item }}", content: "{{ item }}\\n" }
      with_items: [n1, "{{ more }}", [n5]]
    - name: list
      copy: { dest: "{{ out }}/list-{{ i }}", content: "{{ item }}|{{ item | to_json }}\\n" }
      with_list: [n1, "{{ more }}"]
      loop_control: { index_var: i }
    - name: dict
      copy: { dest: "{{ out }}/dict-{{ item.key }}", content: "{{ item.value }}|{{ item }}|{{ item | to_json }}\\n" }
      with_dict: "{{ conf }}"
    - name: dict with loop_var and label
      copy: { dest: "{{ out }}/entry-{{ entry.key }}", content: "{{ entry.value }}\\n" }
      with_dict: { b: 2, a: 1 }
      loop_control: { loop_var: entry, label: "{{ entry.key }}" }
    - name: sequence
      copy: { dest: "{{ out }}/seq-{{ item }}", content: "{{ item }}\\n" }
      with_sequence: start=1 end=9 stride=4 format=n%02d
    - name: sequence shortcut and count
      copy: { dest: "{{ out }}/short-{{ item }}", content: "{{ item }}\\n" }
      with_sequence: ["2-4:s%d", "count=2 start=0x10 format=%04x"]
    - name: fileglob
      copy: { dest: "{{ out }}/glob-{{ item | basename }}", content: "{{ item }}\\n" }
      with_fileglob: ["*.txt", "conf/*.conf"]
    - name: nested
      copy: { dest: "{{ out }}/nested-{{ item | join('-') }}", content: "{{ item }}|\\n" }
      with_nested: [[a, b], "{{ more }}"]
    - name: cartesian
      copy: { dest: "{{ out }}/cartesian-{{ item | join('-') }}", content: "{{ item }}|\\n" }
      with_cartesian: [[a, b], "{{ more }}", [1]]
    - name: together
      copy: { dest: "{{ out }}/together-{{ item.0 }}", content: "{{ item }}|{{ item.1 }}\\n" }
      with_together: [[a, b, c], "{{ more }}"]
    - name: subelements
      copy: { dest: "{{ out }}/sub-{{ item[0].name }}-{{ item.1 }}", content: "{{ item.0 }}|{{ item.1 }}\\n" }
      with_subelements: ["{{ users }}", keys, { skip_missing: true }]
    - name: indexed items
      copy: { dest: "{{ out }}/indexed-{{ idx }}", content: "{{ item }}|{{ item.1 }}\\n" }
      with_indexed_items: [a, "{{ more }}"]
      loop_control: { index_var: idx }
    - name: random choice
      copy: { dest: "{{ out }}/random-{{ item }}", content: "{{ item }}\\n" }
      with_random_choice: [only]
    - name: include with items
      include_tasks: inc.yml
      with_items: [i1, "{{ more }}"]
    - name: query items
      copy: { dest: "{{ out }}/q-items-{{ item }}", content: "{{ item }}\\n" }
      loop: "{{ query('items', 'n1', more) }}"
    - name: query sequence
      copy: { dest: "{{ out }}/q-seq-{{ item }}", content: "{{ item }}\\n" }
      loop: "{{ query('sequence', 'start=1 end=9 stride=4 format=n%02d') }}"
    - name: lookup dict wantlist
      copy: { dest: "{{ out }}/q-dict-{{ item.key }}", content: "{{ item.value }}|{{ item }}\\n" }
      loop: "{{ lookup('dict', conf, wantlist=True) }}"
    - name: q nested
      copy: { dest: "{{ out }}/q-nested-{{ item | join('-') }}", content: "{{ item }}|\\n" }
      loop: "{{ q('nested', ['a', 'b'], more) }}"
    - name: q together
      copy: { dest: "{{ out }}/q-together-{{ item.0 }}", content: "{{ item }}|{{ item.1 }}\\n" }
      loop: "{{ q('together', ['a', 'b', 'c'], more) }}"
    - name: q indexed items
      copy: { dest: "{{ out }}/q-indexed-{{ item.0 }}", content: "{{ item.0 }}-{{ item.1 }}\\n" }
      loop: "{{ q('indexed_items', ['a', more]) }}"
    - name: q list
      copy: { dest: "{{ out }}/q-list-{{ i }}", content: "{{ item }}|\\n" }
      loop: "{{ q('list', 'n1', more) }}"
      loop_control: { index_var: i }
`;

const KEY_VALUE = `- hosts: all
  gather_facts: false
  vars:
    words: "two words"
  tasks:
    - name: braces with spaces
      file: path={{ out }}/kv state=directory mode=0750
    - name: double quotes
      copy: dest={{ out }}/kv/double content="a b 'c'" mode=0640
    - name: single quotes
      copy: dest="{{ out }}/kv/single" content='say "hi" {{ words }}'
    - name: escapes
      copy: dest={{ out }}/kv/escaped content="line1\\nline2\\ttab \\"q\\" \\x41\\u00e9"
    - name: templated file name
      copy: dest={{ out }}/kv/{{ words | replace(' ', '-') }} content="{{ words }} and {{ words | upper }}"
    - name: command with creates and chdir
      command: touch made creates=made chdir={{ out }}/kv
    - name: options before the command
      command: chdir={{ out }}/kv creates=first touch first
    - name: quoted words and creates
      command: touch "{{ words }}" 'x y' chdir={{ out }}/kv creates="{{ out }}/kv/x y"
    - name: shell with executable
      shell: echo "$0 a=b" > shell-out chdir={{ out }}/kv creates=shell-out executable=/bin/bash
    - name: command with stdin
      command: cat stdin="from {{ words }}" stdin_add_newline=no
      register: fed
      changed_when: false
    - name: what stdin gave
      copy: dest={{ out }}/kv/stdin content="{{ fed.stdout }}|{{ fed.cmd | join(',') }}"
    - name: key=value words of the command
      command: echo a=b c="d e" removes={{ out }}/kv/made
      register: echoed
      changed_when: false
    - name: what echo printed
      copy: dest={{ out }}/kv/echoed content="{{ echoed.stdout }}|{{ echoed.cmd | join(',') }}"
`;

describe('with_* loops and key=value arguments, against ansible-playbook 2.14', () => {
  it(
    'every with_* form (and query/lookup of the same lookups) writes the same files',
    { timeout: 300_000 },
    async () => {
      const { ansible, drover, again, theirs, mine } = await runBoth('loops', LOOPS);
      expect(ansible.exitCode).toBe(0);
      expect(drover.exitCode, drover.stdout).toBe(0);
      expect(mine).toEqual(theirs);
      expect(Object.keys(mine)).toHaveLength(61);
      expect(mine['glob-a.txt']).toBe(`644 ${join(project.dir, 'files/a.txt')}\n`);
      expect(mine['sub-alice-k1']).toBe("644 {'name': 'alice', 'groups': ['g1']}|k1\n");
      expect(mine['together-c']).toBe("644 ['c', None]|\n");
      const theirStatuses = statusByTask(ansible);
      const myStatuses = statusByTask(drover);
      // ansible-playbook also reports the include_tasks itself as a task.
      const { 'include with items': include, ...theirTasks } = theirStatuses;
      expect(include).toBe('ok');
      expect(myStatuses).toEqual(theirTasks);
      expect(Object.keys(myStatuses)).toHaveLength(21);
      expect(again.exitCode).toBe(0);
      expect(again.statuses.filter(([, , status]) => status === 'changed')).toEqual([]);
    },
  );

  it(
    'key=value text: quotes, escapes, braces with spaces, command and shell options',
    { timeout: 300_000 },
    async () => {
      const { ansible, drover, again, theirs, mine } = await runBoth('kv', KEY_VALUE);
      expect(ansible.exitCode).toBe(0);
      expect(drover.exitCode, drover.stdout).toBe(0);
      expect(mine).toEqual(theirs);
      expect(mine).toMatchObject({
        'kv/': '750',
        'kv/double': "640 a b 'c'",
        'kv/escaped': '644 line1\nline2\ttab "q" Aé',
        'kv/made': '644 ',
        'kv/first': '644 ',
        'kv/two words': '644 ',
        'kv/x y': '644 ',
        'kv/shell-out': '644 /bin/bash a=b\n',
        'kv/stdin': '644 from two words|cat',
        'kv/echoed': '644 a=b c=d e|echo,a=b,c=d e',
      });
      expect(statusByTask(drover)).toEqual(statusByTask(ansible));
      expect(again.exitCode).toBe(0);
      expect(again.statuses.filter(([, , status]) => status === 'changed')).toEqual([]);
    },
  );
});
