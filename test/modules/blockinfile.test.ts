import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { module as blockinfile } from '../../src/modules/blockinfile.js';
import { editBlock, type BlockEditOptions } from '../../src/modules/blockinfile/block-edit.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';
import { apply, fileState, makeTempDir, planWith } from './helpers.js';

const markers = { markerBegin: '# BEGIN X', markerEnd: '# END X' };
const edit = (content: string, options: Partial<BlockEditOptions>) =>
  editBlock(content, { state: 'present', block: 'a\nb', ...markers, ...options });

describe('blockinfile: the pure edit', () => {
  it('appends a marked block, then replaces only what is between the markers', () => {
    const once = edit('top\n', {});
    expect(once.content).toBe('top\n# BEGIN X\na\nb\n# END X\n');
    expect(edit(once.content, {}).changed).toBe(false);
    expect(edit(`${once.content}bottom\n`, { block: 'c\n' }).content).toBe('top\n# BEGIN X\nc\n# END X\nbottom\n');
  });

  it('inserts after/before the last matching line or at BOF; removes the block for absent or an empty block', () => {
    expect(edit('[a]\n[b]\nx\n', { insertAfter: '^\\[' }).content).toBe('[a]\n[b]\n# BEGIN X\na\nb\n# END X\nx\n');
    expect(edit('[a]\nx\n', { insertBefore: 'BOF' }).content).toBe('# BEGIN X\na\nb\n# END X\n[a]\nx\n');
    const withBlock = 'top\n# BEGIN X\nold\n# END X\nend\n';
    expect(edit(withBlock, { state: 'absent' }).content).toBe('top\nend\n');
    expect(edit(withBlock, { block: '' }).content).toBe('top\nend\n');
    expect(edit('top\n', { state: 'absent' }).changed).toBe(false);
  });

  it('takes over a block written under the legacy markers', () => {
    const legacy = { begin: '# BEGIN ANSIBLE', end: '# END ANSIBLE' };
    expect(edit('x\n# BEGIN ANSIBLE\nold\n# END ANSIBLE\ny\n', { legacyMarkers: legacy }).content).toBe(
      'x\n# BEGIN X\na\nb\n# END X\ny\n',
    );
  });
});

describe('blockinfile: plan from probed state', () => {
  it("uses the drover marker by default and adopts Ansible's default block", () => {
    const text = 'keep\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\n';
    const [change] = planWith(
      blockinfile,
      { path: '/etc/hosts', block: 'new' },
      fileState({ content: Buffer.from(text), sha256: sha256Hex(text) }),
    ).changes;
    expect(change.diff?.after).toBe('keep\n# BEGIN DROVER MANAGED BLOCK\nnew\n# END DROVER MANAGED BLOCK\n');
    expect(change.summary).toBe('block updated: /etc/hosts');
  });
});

describe('blockinfile on this machine', () => {
  it('inserts, converges, reports a manual edit inside the block in check mode, and removes it', async () => {
    const dir = makeTempDir();
    const path = join(dir, "hosts 'x'");
    writeFileSync(path, '127.0.0.1 localhost\n');
    const block = `10.0.0.11 backend1\n# $(touch ${join(dir, 'pwned')}) 'q' "dq"\n`;
    const args = { path, block, marker: '# {mark} app servers' };
    await apply(blockinfile, args);
    const expected = `127.0.0.1 localhost\n# BEGIN app servers\n10.0.0.11 backend1\n# $(touch ${join(dir, 'pwned')}) 'q' "dq"\n# END app servers\n`;
    expect(readFileSync(path, 'utf8')).toBe(expected);
    expect((await apply(blockinfile, args)).plan.changes).toEqual([]);

    writeFileSync(path, expected.replace('backend1', 'backend9'));
    const check = await apply(blockinfile, args, { check: true });
    expect(check.plan.changes).toHaveLength(1);
    expect(check.plan.changes[0].diff?.after).toBe(expected);
    expect(readFileSync(path, 'utf8')).toContain('backend9');
    await apply(blockinfile, args);
    expect(readFileSync(path, 'utf8')).toBe(expected);

    await apply(blockinfile, { ...args, state: 'absent' });
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n');
    expect((await apply(blockinfile, { ...args, state: 'absent' })).plan.changes).toEqual([]);
  });
});
