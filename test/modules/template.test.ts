import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { module as template } from '../../src/modules/template.js';
import { apply, makeTempDir } from './helpers.js';

const vars = { port: 8080, name: "shop.example 'test' $x", aliases: ['a', 'b'] };
const expected = `server {\n  listen 8080;\n  server_name shop.example 'test' $x;\n  alias a;\n  alias b;\n}\n`;

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
    expect(changed.plan.changes[0].diff).toEqual({ path: dest, before: expected, after: expected.replace('8080', '9090') });
    expect(readFileSync(dest, 'utf8')).toBe(expected);

    writeFileSync(dest, expected.replace('alias b;\n', ''));
    const drift = await apply(template, args, { vars, check: true });
    expect(drift.plan.changes[0].diff?.after).toBe(expected);
    await apply(template, args, { vars });
    expect(readFileSync(dest, 'utf8')).toBe(expected);
  });
});
