import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { runCliOnTerminal } from '../helpers/run-cli-on-terminal.js';
import { writeFiles } from '../helpers/write-files.js';

function project() {
  const dir = writeFiles(
    {
      'hosts.ini': 's1 ansible_connection=local\ns2 ansible_connection=local\n',
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${['one', 'two', 'three', 'four']
        .map(
          (name) =>
            `    - name: ${name}\n      file: { path: "{{ playbook_dir }}/${name}-{{ inventory_hostname }}", state: touch }\n`,
        )
        .join('')}`,
    },
    'drover-step-',
  );
  const ran = (name: string) => ['s1', 's2'].every((host) => existsSync(join(dir, `${name}-${host}`)));
  return { dir, ran, args: ['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--step'] };
}

describe('--step', () => {
  it('asks once per task for all hosts: y runs it, n skips it, c runs the rest without asking', async () => {
    const { args, ran } = project();
    const prompt = (name: string) => `Perform task: TASK [${name}] (N)o/(y)es/(c)ontinue:`;
    const { code, output } = await runCliOnTerminal(args, [
      { prompt: prompt('one'), type: 'y' },
      { prompt: prompt('two'), type: 'n' },
      { prompt: prompt('three'), type: 'c' },
    ]);
    expect(code).toBe(0);
    expect([ran('one'), ran('two'), ran('three'), ran('four')]).toEqual([true, false, true, true]);
    expect(output.match(/Perform task:/g)).toHaveLength(3);
    expect(output).not.toContain('TASK [two] *');
  });

  it('reads answers piped in, and runs nothing unasked once they run out', async () => {
    const { args, ran } = project();
    const { code, stdout } = await runCli(args, { input: 'y\n\n' });
    expect(code).toBe(0);
    expect([ran('one'), ran('two'), ran('three'), ran('four')]).toEqual([true, false, false, false]);
    expect(stdout.match(/Perform task:/g)).toHaveLength(4);
  });
});
