import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as vassal } from '../../src/modules/uwsgi_emperor_vassal.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';

const FILE = '/etc/uwsgi-emperor/vassals/shop_api.ini';
const RUNNING = 'svc_load=loaded\nsvc_active=active\nsvc_file=enabled\n';
const ABSENT_FILE = 'type=absent\nftype=absent\nparent=directory\n';

function fileProbe(content: string): string {
  return `type=file\nftype=file\nmode=600\nowner=root\nuid=0\ngroup=root\ngid=0\nsha256=${sha256Hex(content)}\ncontent64=${Buffer.from(content).toString('base64')}\nparent=directory\n`;
}

function plan(raw: Record<string, unknown>, stdout: string, check = false) {
  const args = parseArgs(vassal, { name: 'shop_api', ...raw });
  return vassal.plan(args, vassal.parse!({ stdout, code: 0 }, args), { host: 'web1' });
}

const OPTIONS = { plugins: 'python3', 'http-socket': ':8080', master: true, processes: 4, env: ['A=1', 'B=2'] };
const INI = `# Managed by drover (uwsgi_emperor_vassal shop_api): changes made here are overwritten.
[uwsgi]
plugins = python3
http-socket = :8080
master = true
processes = 4
env = A=1
env = B=2
env = DB_PASSWORD=s3cr3t!
`;

describe('uwsgi_emperor_vassal: plan', () => {
  it('writes the ini in the given order, lists as repeated keys, secrets last, mode 0600', () => {
    const { changes } = plan({ options: OPTIONS, secret_env: { DB_PASSWORD: 's3cr3t!' } }, `${ABSENT_FILE}${RUNNING}`);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      kind: 'put',
      path: FILE,
      content: INI,
      mode: '0640',
      group: 'www-data',
      summary: `create vassal shop_api (${FILE})`,
      from: 'absent',
      to: 'wanted content',
    });
    expect(changes[0].diff?.after).toBe(INI.replace('s3cr3t!', '********'));
  });

  it('changes nothing when the file and the emperor are right', () => {
    expect(
      plan({ options: OPTIONS, secret_env: { DB_PASSWORD: 's3cr3t!' } }, `${fileProbe(INI)}${RUNNING}`).changes,
    ).toEqual([]);
  });

  it('masks secret values on both sides of a diff and says when only a secret changed', () => {
    const [change] = plan(
      { options: OPTIONS, secret_env: { DB_PASSWORD: 'n3w-one' } },
      `${fileProbe(INI)}${RUNNING}`,
    ).changes;
    expect(change.summary).toBe(`update vassal shop_api (${FILE}) (a secret_env value changed)`);
    expect(JSON.stringify(change.diff)).not.toMatch(/s3cr3t|n3w-one/);
  });

  it('shows a hand edit as a diff, keeping sha256 from/to for files without secrets', () => {
    const plain = INI.replace('env = DB_PASSWORD=s3cr3t!\n', '');
    const [change] = plan(
      { options: OPTIONS },
      `${fileProbe(plain.replace('processes = 4', 'processes = 8'))}${RUNNING}`,
    ).changes;
    expect(change.diff).toMatchObject({
      before: expect.stringContaining('processes = 8'),
      after: expect.stringContaining('processes = 4'),
    });
    expect(change.to).toBe(`sha256:${sha256Hex(plain).slice(0, 12)}`);
  });

  it('enables and starts the emperor as needed, after the file', () => {
    const plain = INI.replace('env = DB_PASSWORD=s3cr3t!\n', '');
    const stopped = plan(
      { options: OPTIONS },
      `${fileProbe(plain)}svc_load=loaded\nsvc_active=inactive\nsvc_file=enabled\n`,
    ).changes;
    expect(stopped).toMatchObject([
      { command: 'systemctl start -- uwsgi-emperor', summary: 'start uwsgi-emperor', from: 'inactive', to: 'active' },
    ]);
    const both = plan(
      { options: OPTIONS },
      `${ABSENT_FILE}svc_load=loaded\nsvc_active=failed\nsvc_file=disabled\n`,
    ).changes;
    expect(both.map((c) => c.summary)).toEqual([`create vassal shop_api (${FILE})`, 'enable and start uwsgi-emperor']);
    expect(plan({ options: OPTIONS, emperor: false }, `${fileProbe(plain)}svc_load=not-found\n`).changes).toEqual([]);
  });

  it('needs uwsgi-emperor, and says what it would do once it is there', () => {
    const planned = plan({ options: OPTIONS }, 'type=absent\nftype=absent\nparent=absent\nsvc_load=not-found\n');
    expect(planned.unmet).toEqual({
      missing: '/etc/uwsgi-emperor/vassals does not exist',
      fix: 'install uwsgi-emperor (apt) first, or set vassals_dir',
      providedBy: [{ package: 'uwsgi-emperor' }, { path: '/etc/uwsgi-emperor/vassals' }],
    });
    expect(planned.changes.map((c) => c.summary)).toEqual([
      `create vassal shop_api (${FILE})`,
      'enable and start uwsgi-emperor',
    ]);
  });

  it('removes the file with state absent', () => {
    expect(plan({ state: 'absent' }, fileProbe(INI)).changes[0]).toMatchObject({
      command: `rm -f -- ${FILE}`,
      summary: `remove vassal shop_api (${FILE})`,
    });
    expect(plan({ state: 'absent' }, ABSENT_FILE).changes).toEqual([]);
  });

  it('rejects names with /, option names that are not uWSGI keys, multi-line values and expandable secrets', () => {
    expect(() => parseArgs(vassal, { name: '../x' })).toThrow(/without \//);
    expect(() => parseArgs(vassal, { name: 'a', options: { 'bad key': 1 } })).toThrow(/uWSGI option names/);
    expect(() => parseArgs(vassal, { name: 'a', options: { module: 'a\n[other]' } })).toThrow(/one line/);
    expect(() => parseArgs(vassal, { name: 'a', secret_env: { P: 'x$(HOME)' } })).toThrow(/uWSGI would expand/);
    expect(() => parseArgs(vassal, { name: 'a', secret_env: { P: '100%' } })).toThrow(/uWSGI would expand/);
  });
});
