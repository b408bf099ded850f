import { describe, expect, it } from 'vitest';
import { module as nginxSite } from '../../src/modules/nginx_site.js';
import { RELOAD_NGINX } from '../../src/modules/nginx_site/scripts.js';
import type { PathState } from '../../src/modules/lib/probe/path-probe.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';
import { ABSENT, fileState, planWith } from './helpers.js';

const SITE = 'server { listen 80; }\n';
const link = (target: string): PathState => ({ type: 'link', followedType: 'file', linkTarget: target });
const state = (
  overrides: Partial<{ file: PathState; link: PathState; defaultSite: PathState; nginxInstalled: boolean }> = {},
) => ({
  file: ABSENT,
  link: ABSENT,
  defaultSite: ABSENT,
  nginxInstalled: true,
  ...overrides,
});
const present = fileState({ sha256: sha256Hex(SITE), content: Buffer.from(SITE) });

describe('nginx_site plan', () => {
  it('creates, links and checks a new site in one validated step, then reloads', () => {
    const plan = planWith(nginxSite, { name: 'app', content: SITE }, state());
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'create /etc/nginx/sites-available/app and enable it (/etc/nginx/sites-enabled/app)',
      'reload nginx',
    ]);
    const put = plan.changes[0];
    expect(put.kind === 'put' && put.validateInPlace).toContain('nginx -t');
    expect(put.kind === 'put' && put.validateInPlace).toContain('ln -s -- "$src" "$dst"');
  });

  it('changes nothing and does not reload when file and link are right', () => {
    expect(
      planWith(
        nginxSite,
        { name: 'app', content: SITE },
        state({ file: present, link: link('/etc/nginx/sites-available/app') }),
      ).changes,
    ).toEqual([]);
  });

  it('checks an edited site with nginx -t in place and shows the diff', () => {
    const edited = fileState({ sha256: 'x', content: Buffer.from('server { listen 81; }\n') });
    const plan = planWith(
      nginxSite,
      { name: 'app', content: SITE },
      state({ file: edited, link: link('/etc/nginx/sites-available/app') }),
    );
    expect(plan.changes[0]).toMatchObject({
      kind: 'put',
      validateInPlace: 'nginx -t',
      diff: { before: 'server { listen 81; }\n', after: SITE },
    });
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'update content of /etc/nginx/sites-available/app',
      'reload nginx',
    ]);
  });

  it('relinks a missing link with a guarded command, removes the default site first', () => {
    const plan = planWith(
      nginxSite,
      { name: 'app', content: SITE, remove_default: true },
      state({ file: present, defaultSite: link('/etc/nginx/sites-available/default') }),
    );
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'disable the default site (remove /etc/nginx/sites-enabled/default)',
      'enable site app (link /etc/nginx/sites-enabled/app to /etc/nginx/sites-available/app), checked with nginx -t',
      'reload nginx',
    ]);
    expect(plan.changes[1]).toMatchObject({ from: 'absent', to: 'link to /etc/nginx/sites-available/app' });
  });

  it('with enabled: false removes only the link, keeps the file, and reloads; nothing to do once unlinked', () => {
    const linked = state({ file: present, link: link('/etc/nginx/sites-available/app') });
    const plan = planWith(nginxSite, { name: 'app', content: SITE, enabled: false }, linked);
    expect(plan.changes).toEqual([
      {
        kind: 'command',
        command: 'rm -f -- /etc/nginx/sites-enabled/app',
        summary: 'disable site app (remove /etc/nginx/sites-enabled/app)',
        from: 'link to /etc/nginx/sites-available/app',
        to: 'absent',
      },
      { kind: 'command', command: RELOAD_NGINX, summary: 'reload nginx' },
    ]);
    expect(
      planWith(nginxSite, { name: 'app', content: SITE, enabled: false }, state({ file: present })).changes,
    ).toEqual([]);

    // A new disabled site: the file is written without a link and without nginx -t (nginx does not load it).
    const fresh = planWith(nginxSite, { name: 'app', content: SITE, enabled: false }, state());
    expect(fresh.changes.map((c) => c.summary)).toEqual(['create /etc/nginx/sites-available/app', 'reload nginx']);
    expect(fresh.changes[0]).toMatchObject({
      kind: 'put',
      path: '/etc/nginx/sites-available/app',
      validateInPlace: undefined,
    });
  });

  it('quotes a name with quotes, spaces and $ in every command', () => {
    const name = `it's $HOME`;
    const plan = planWith(
      nginxSite,
      { name, state: 'absent' },
      state({ file: present, link: link(`/etc/nginx/sites-available/${name}`) }),
    );
    expect(plan.changes[0]).toMatchObject({
      kind: 'command',
      command: `rm -f -- '/etc/nginx/sites-enabled/it'\\''s $HOME'`,
    });
    expect(plan.changes[1]).toMatchObject({
      kind: 'command',
      command: `rm -f -- '/etc/nginx/sites-available/it'\\''s $HOME'`,
    });
  });

  it('rejects names nginx would not load, and needs nginx installed', () => {
    expect(() => planWith(nginxSite, { name: '../x', content: SITE }, state())).toThrow(/plain file name/);
    expect(() => planWith(nginxSite, { name: 'app' }, state())).toThrow(/exactly one of content/);
    const missing = planWith(nginxSite, { name: 'app', content: SITE }, state({ nginxInstalled: false }));
    expect(missing.unmet?.missing).toBe('nginx is not installed on this host');
    expect(missing.unmet?.providedBy).toContainEqual({ package: 'nginx-light' });
    expect(missing.changes).toHaveLength(2);
  });
});
