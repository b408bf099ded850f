import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { module as template } from '../../src/modules/template.js';
import { createTempProject, runEngine } from '../helpers/run-engine.js';
import { ABSENT, apply, fileWithContent, makeTempDir, planPrepared } from './helpers.js';

const vars = { port: 8080, name: "shop.example 'test' $x", aliases: ['a', 'b'] };
const expected = `server {\n  listen 8080;\n  server_name shop.example 'test' $x;\n  alias a;\n  alias b;\n}\n`;

describe('template: plan from probed state', () => {
  const args = { src: 'site.conf.mustache', dest: '/etc/nginx/site.conf', mode: '0644', owner: 'root', group: 'root' };

  it('creates a missing file with the rendered text, diffed from empty', async () => {
    const plan = await planPrepared(template, args, ABSENT, { vars });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      kind: 'put',
      summary: 'create /etc/nginx/site.conf',
      path: '/etc/nginx/site.conf',
      content: expected,
      mode: '0644',
      diff: { path: '/etc/nginx/site.conf', before: '', after: expected },
    });
    expect(plan.result).toEqual({ dest: '/etc/nginx/site.conf' });
  });

  it('changes nothing when the host already has the rendered text and attributes', async () => {
    expect((await planPrepared(template, args, fileWithContent(expected), { vars })).changes).toEqual([]);
  });

  it('replaces content that differs, with a before/after diff of exactly that change', async () => {
    const onHost = expected.replace('listen 8080;', 'listen 80;');
    const [change, ...rest] = (await planPrepared(template, args, fileWithContent(onHost), { vars })).changes;
    expect(rest).toEqual([]);
    expect(change).toMatchObject({
      kind: 'put',
      summary: 'update content of /etc/nginx/site.conf',
      content: expected,
      diff: { before: onHost, after: expected },
    });
  });

  it('fixes only the mode when the content matches, with no diff', async () => {
    const [change, ...rest] = (
      await planPrepared(template, args, fileWithContent(expected, { mode: '0600' }), { vars })
    ).changes;
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ kind: 'command', from: '0600', to: '0644' });
    expect(change.diff).toBeUndefined();
  });
});

describe('template on this machine', () => {
  it('renders on the controller, writes, converges, and shows drift in check mode', async () => {
    const dest = join(makeTempDir(), 'site "a".conf');
    const args = { src: 'site.conf.mustache', dest, mode: '0644' };
    const first = await apply(template, args, { vars });
    expect(first.plan.changes[0].summary).toBe(`create ${dest}`);
    expect(readFileSync(dest, 'utf8')).toBe(expected);
    expect((await apply(template, args, { vars })).plan.changes).toEqual([]);

    const changed = await apply(template, args, { vars: { ...vars, port: 9090 }, check: true });
    expect(changed.plan.changes).toHaveLength(1);
    expect(changed.plan.changes[0].diff).toEqual({
      path: dest,
      before: expected,
      after: expected.replace('8080', '9090'),
    });
    expect(readFileSync(dest, 'utf8')).toBe(expected);

    writeFileSync(dest, expected.replace('alias b;\n', ''));
    const drift = await apply(template, args, { vars, check: true });
    expect(drift.plan.changes[0].diff?.after).toBe(expected);
    await apply(template, args, { vars });
    expect(readFileSync(dest, 'utf8')).toBe(expected);
  });
});

describe('template: Jinja2 or mustache by the source', () => {
  it('renders a *.j2 source with Jinja2 and a *.mustache source with mustache', async () => {
    const project = createTempProject('drover-template-kind-');
    try {
      project.write(
        'templates/site.conf.j2',
        '{% for a in aliases %}\nalias {{ a }};\n{% endfor %}\n# {{ ansible_managed }}\n',
      );
      project.write('templates/site.conf.mustache', '{{#aliases}}alias {{.}};\n{{/aliases}}');
      const out = join(project.dir, 'out');
      const playbook = project.write(
        'play.yml',
        `- hosts: local\n  gather_facts: false\n  vars: { aliases: [a, b] }\n  tasks:\n` +
          `    - file: { path: "${out}", state: directory }\n` +
          `    - template: { src: site.conf.j2, dest: "${out}/jinja" }\n` +
          `    - template: { src: site.conf.mustache, dest: "${out}/mustache" }\n`,
      );
      const inventory = project.write('inventory.yml', 'all:\n  hosts:\n    local: { ansible_connection: local }\n');
      const { results } = await runEngine(playbook, inventory);
      expect(results.get('local')!.filter((r) => r.status === 'failed')).toEqual([]);
      expect(readFileSync(join(out, 'jinja'), 'utf8')).toBe('alias a;\nalias b;\n# Ansible managed\n');
      expect(readFileSync(join(out, 'mustache'), 'utf8')).toBe('alias a;\nalias b;\n');
    } finally {
      project.remove();
    }
  });

  it('names the task, the template file and its line, and the closest name, for an undefined variable', async () => {
    const project = createTempProject('drover-template-undefined-');
    try {
      project.write('templates/site.conf.j2', 'server {\n  server_name {{ server_nme }};\n}\n');
      const playbook = project.write(
        'play.yml',
        `- hosts: local\n  gather_facts: false\n  vars: { server_name: shop }\n  tasks:\n` +
          `    - name: render the site\n      template: { src: site.conf.j2, dest: "${project.dir}/out" }\n`,
      );
      const inventory = project.write('inventory.yml', 'all:\n  hosts:\n    local: { ansible_connection: local }\n');
      const { results } = await runEngine(playbook, inventory);
      const failed = results.get('local')!.find((r) => r.status === 'failed');
      expect(failed?.error).toContain("undefined variable 'server_nme'");
      expect(failed?.error).toContain(`${join(project.dir, 'templates/site.conf.j2')}:2`);
      expect(failed?.error).toContain("did you mean 'server_name'?");
      expect(failed?.error).toContain("in task 'render the site'");
    } finally {
      project.remove();
    }
  });
});
