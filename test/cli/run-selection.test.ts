import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecap, readTaskBanners } from '../helpers/read-output.js';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';
import { ECHO_PLAYBOOK, GROUPED_INVENTORY, TAGGED_PLAYBOOK } from './fixtures.js';

let dir: string;
const inventory = () => join(dir, 'hosts.yml');

beforeAll(() => {
  dir = writeFiles(
    {
      'hosts.yml': GROUPED_INVENTORY,
      'echo.yml': ECHO_PLAYBOOK,
      'tagged.yml': TAGGED_PLAYBOOK,
      'steps.yml': `- hosts: solo
  gather_facts: false
  tasks:
    - name: step one
      debug: msg=1
    - name: step two
      debug: msg=2
    - name: step three
      debug: msg=3
`,
      'vars.yml': `- hosts: solo
  gather_facts: false
  vars:
    greeting: from the play
    port: 1
  tasks:
    - name: show
      debug: msg="{{ greeting }} {{ port }} {{ region }} {{ extra_list | join('+') }}"
`,
      'extra.yml': 'port: 8080\nextra_list: [a, b]\n',
    },
    'drover-select-',
  );
});

describe('--limit narrows the hosts of every play', () => {
  const hostsRun = async (pattern: string) => {
    const result = await runCli(['run', join(dir, 'echo.yml'), '-i', inventory(), '--limit', pattern]);
    expect(result.code).toBe(0);
    return Object.keys(readRecap(result.stdout));
  };

  it.each([
    ['web1', ['web1']],
    ['web:db', ['web1', 'web2', 'db1']],
    ['prod:&db', ['db1']],
    ['prod:!web2', ['web1', 'db1']],
    ['web*', ['web1', 'web2']],
    ['*1', ['web1', 'db1']],
    ['all:!prod', ['solo']],
  ])('%s runs on %j', async (pattern, expected) => {
    expect((await hostsRun(pattern)).sort()).toEqual([...expected].sort());
  });

  it('skips a play whose hosts the limit leaves out, with a warning, when the limit matches other hosts', async () => {
    // tagged.yml targets solo only; a limit matching no host at all is an error (test/cli/limit.test.ts).
    const result = await runCli(['run', join(dir, 'tagged.yml'), '-i', inventory(), '--limit', 'web']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[WARNING]: play 'tagged': no hosts matched");
    expect(readRecap(result.stdout)).toEqual({});
  });
});

describe('--tags and --skip-tags in a run', () => {
  const tasksRun = async (...args: string[]) => {
    const result = await runCli(['run', join(dir, 'tagged.yml'), '-i', inventory(), ...args]);
    expect(result.code).toBe(0);
    return readTaskBanners(result.stdout);
  };

  it('runs everything but never-tagged tasks by default', async () => {
    expect(await tasksRun()).toEqual(['install', 'configure', 'untagged', 'always runs']);
  });

  it('--tags picks tasks; always-tagged ones come too', async () => {
    expect(await tasksRun('--tags', 'config')).toEqual(['configure', 'always runs']);
    expect(await tasksRun('--tags', 'install', '--tags', 'config')).toEqual(['install', 'configure', 'always runs']);
  });

  it('a never-tagged task runs only when one of its other tags is asked for', async () => {
    expect(await tasksRun('--tags', 'debugging')).toEqual(['always runs', 'only on request']);
    expect(await tasksRun('--tags', 'tagged')).toEqual(['install', 'configure', 'always runs']);
    expect(await tasksRun('--tags', 'untagged')).toEqual(['untagged', 'always runs']);
  });

  it('--skip-tags leaves tasks out, always included only when named', async () => {
    expect(await tasksRun('--skip-tags', 'install')).toEqual(['configure', 'untagged', 'always runs']);
    expect(await tasksRun('--skip-tags', 'always')).toEqual(['install', 'configure', 'untagged']);
    expect(await tasksRun('--tags', 'install,config', '--skip-tags', 'config')).toEqual(['install', 'always runs']);
  });
});

describe('--start-at-task', () => {
  it('skips the tasks before the first one with that name', async () => {
    const result = await runCli(['run', join(dir, 'steps.yml'), '-i', inventory(), '--start-at-task', 'step two']);
    expect(result.code).toBe(0);
    expect(readTaskBanners(result.stdout)).toEqual(['step two', 'step three']);
    expect(readRecap(result.stdout).solo.ok).toBe(2);
  });

  it('takes a glob', async () => {
    const result = await runCli(['run', join(dir, 'steps.yml'), '-i', inventory(), '--start-at-task', '*three']);
    expect(readTaskBanners(result.stdout)).toEqual(['step three']);
  });

  it('is an error (exit 5, nothing runs) when no task has that name; ansible-playbook prints an error and exits 0', async () => {
    const result = await runCli(['run', join(dir, 'steps.yml'), '-i', inventory(), '--start-at-task', 'step nine']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/no task matches --start-at-task 'step nine'/);
    expect(readTaskBanners(result.stdout)).toEqual([]);
  });
});

describe('drover run playbook FILE', () => {
  it('does the same as drover run FILE', async () => {
    const plain = await runCli(['run', join(dir, 'steps.yml'), '-i', inventory()]);
    const worded = await runCli(['run', 'playbook', join(dir, 'steps.yml'), '-i', inventory()]);
    expect(worded.code).toBe(0);
    expect(worded.stdout).toBe(plain.stdout);
    expect(readTaskBanners(worded.stdout)).toEqual(['step one', 'step two', 'step three']);
  });
});

describe('-e extra vars', () => {
  const show = async (...args: string[]) => {
    const result = await runCli(['run', join(dir, 'vars.yml'), '-i', inventory(), ...args]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return /ok: \[solo\] => (.*)/.exec(result.stdout)![1];
  };

  it('KEY=VALUE and @file.yml override play and inventory vars, later -e winning', async () => {
    expect(await show('-e', `@${join(dir, 'extra.yml')}`)).toBe('from the play 8080 eu a+b');
    expect(await show('-e', `@${join(dir, 'extra.yml')}`, '-e', 'greeting=hello region=us', '-e', 'port=9')).toBe(
      'hello 9 us a+b',
    );
  });

  it('an @file that does not exist is a command-line error (exit 5) naming the file', async () => {
    const result = await runCli(['run', join(dir, 'vars.yml'), '-i', inventory(), '-e', '@/nonexistent/extra.yml']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('/nonexistent/extra.yml');
  });
});
