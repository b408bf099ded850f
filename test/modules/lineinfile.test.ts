import { readFileSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { editLine } from '../../src/modules/lib/text/line-edit.js';
import { module as lineinfile } from '../../src/modules/lineinfile.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';
import { ABSENT, apply, fileState, makeTempDir, planWith } from './helpers.js';

const present = (content: string, options: Omit<Parameters<typeof editLine>[1], 'state'>) =>
  editLine(content, { state: 'present', ...options });

describe('lineinfile: the pure edit', () => {
  it('replaces the last line matching regexp, or the first with firstMatch', () => {
    const text = 'Port 22\n#Port 2222\nX 1\n';
    expect(present(text, { regexp: /^#?Port /, line: 'Port 2200' }).content).toBe('Port 22\nPort 2200\nX 1\n');
    expect(present(text, { regexp: /^#?Port /, line: 'Port 2200', firstMatch: true }).content).toBe(
      'Port 2200\n#Port 2222\nX 1\n',
    );
  });

  it('appends at EOF when nothing matches, adding the missing newline of the last line', () => {
    expect(present('a\nb', { regexp: /^c=/, line: 'c=1' })).toEqual({
      content: 'a\nb\nc=1\n',
      changed: true,
      message: 'line added',
    });
    expect(present('', { line: 'only' }).content).toBe('only\n');
  });

  it('does not add a line that is already there, even when regexp matches nothing', () => {
    expect(present('a\nc=1\n', { regexp: /^nomatch/, line: 'c=1' }).changed).toBe(false);
    expect(present('a\nc=1\n', { line: 'c=1', insertAfter: '^a' }).changed).toBe(false);
  });

  it('inserts after/before the last matching line, or at BOF', () => {
    const text = '[main]\nx=1\n[extra]\ny=2\n';
    expect(present(text, { line: 'z=3', insertAfter: '^\\[main\\]' }).content).toBe('[main]\nz=3\nx=1\n[extra]\ny=2\n');
    expect(present(text, { line: 'z=3', insertBefore: '^\\[' }).content).toBe('[main]\nx=1\nz=3\n[extra]\ny=2\n');
    expect(present(text, { line: '# top', insertBefore: 'BOF' }).content).toBe(`# top\n${text}`);
    expect(present(text, { line: 'z=3', insertAfter: '^nothing' }).content).toBe(`${text}z=3\n`);
  });

  it('expands backreferences and leaves the file alone when backrefs find no match', () => {
    expect(
      present('listen 80\n', { regexp: /^listen (\d+)$/, line: 'listen \\1 default', backrefs: true }).content,
    ).toBe('listen 80 default\n');
    expect(present('listen 80\n', { regexp: /^(?<kw>listen) \d+$/, line: '\\g<kw> 81', backrefs: true }).content).toBe(
      'listen 81\n',
    );
    expect(present('a\n', { regexp: /^listen/, line: 'x', backrefs: true }).changed).toBe(false);
  });

  it('keeps CRLF endings of a replaced line; removes every match for absent', () => {
    expect(present('a=1\r\nb\r\n', { regexp: /^a=/, line: 'a=2' }).content).toBe('a=2\r\nb\r\n');
    expect(editLine('x\n#x\nx\ny\n', { state: 'absent', line: 'x' })).toEqual({
      content: '#x\ny\n',
      changed: true,
      message: '2 line(s) removed',
    });
    expect(editLine('x\n#x\ny', { state: 'absent', regexp: /x/ }).content).toBe('y');
  });
});

describe('lineinfile: plan from probed state', () => {
  const host = (content: string) => fileState({ content: Buffer.from(content), sha256: sha256Hex(content) });

  it('plans a put of the whole file with a diff, and nothing when converged', () => {
    const [change] = planWith(
      lineinfile,
      { path: '/etc/ssh/sshd_config', regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' },
      host('#PermitRootLogin yes\n'),
    ).changes;
    expect(change).toMatchObject({
      kind: 'put',
      summary: 'line replaced: /etc/ssh/sshd_config',
      diff: { before: '#PermitRootLogin yes\n', after: 'PermitRootLogin no\n' },
    });
    expect(planWith(lineinfile, { path: '/x', regexp: '^P', line: 'P no' }, host('P no\n')).changes).toEqual([]);
  });

  it('fails on a missing file unless create, which also makes its directory', () => {
    expect(planWith(lineinfile, { path: '/x/y', line: 'a' }, ABSENT).failed).toMatch(/create: true/);
    const changes = planWith(
      lineinfile,
      { path: '/x/y', line: 'a', create: true },
      { ...ABSENT, parent: 'absent' },
    ).changes;
    expect(changes.map((c) => c.summary)).toEqual(['create directory /x', 'line added: /x/y']);
    expect(planWith(lineinfile, { path: '/x/y', line: 'a', state: 'absent' }, ABSENT).changes).toEqual([]);
  });

  it('validates its arguments with clear messages', () => {
    expect(() => parseArgs(lineinfile, { path: '/x', regexp: '(' })).toThrow(/not a valid regular expression/);
    expect(() => parseArgs(lineinfile, { path: '/x' })).toThrow(/needs line/);
    expect(() => parseArgs(lineinfile, { path: '/x', line: 'a\nb' })).toThrow(/single line/);
    expect(() => parseArgs(lineinfile, { path: '/x', line: 'a', backrefs: 'yes' })).toThrow(/backrefs needs regexp/);
    const host = fileState({ content: Buffer.from('a=1\n'), sha256: sha256Hex('a=1\n') });
    expect(planWith(lineinfile, { dest: '/x', value: 'a=2', regexp: '^(?P<k>a)=' }, host).changes[0].diff?.after).toBe(
      'a=2\n',
    );
  });
});

describe('lineinfile on this machine', () => {
  it('edits, converges, shows a manual edit in check mode without writing, keeps awkward text literal', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'conf $HOME "x"');
    writeFileSync(path, "# settings\nname='old'\nother=1\n");
    const line = `name='it''s "$(touch ${join(dir, 'pwned')})" \`id\`'`;
    const args = { path, regexp: '^name=', line, mode: '0600', group: 'daemon' };
    const first = await apply(lineinfile, args);
    expect(first.executed).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toBe(`# settings\n${line}\nother=1\n`);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect((await apply(lineinfile, args)).plan.changes).toEqual([]);

    writeFileSync(path, `# settings\nname=manual\nother=1\n`);
    const check = await apply(lineinfile, args, { check: true });
    expect(check.plan.changes).toHaveLength(1);
    expect(check.plan.changes[0].diff).toEqual({
      path,
      before: '# settings\nname=manual\nother=1\n',
      after: `# settings\n${line}\nother=1\n`,
    });
    expect(readFileSync(path, 'utf8')).toBe('# settings\nname=manual\nother=1\n');
  });

  it('creates a file in a new directory, and edits the target of a symlink', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'new dir', 'f');
    await apply(lineinfile, { path, line: 'first', create: true });
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    const link = join(dir, 'link');
    symlinkSync(path, link);
    await apply(lineinfile, { path: link, line: 'second', insertbefore: 'BOF' });
    expect(readFileSync(path, 'utf8')).toBe('second\nfirst\n');
    expect((await apply(lineinfile, { path: link, line: 'second', insertbefore: 'BOF' })).plan.changes).toEqual([]);
  });

  it('removes lines with state absent and converges', async () => {
    const path = join(makeTempDir(), 'hosts');
    writeFileSync(path, '127.0.0.1 localhost\n10.0.0.5 oldname\n10.0.0.6 keep\n');
    await apply(lineinfile, { path, regexp: '\\soldname$', state: 'absent' });
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n10.0.0.6 keep\n');
    expect((await apply(lineinfile, { path, regexp: '\\soldname$', state: 'absent' })).plan.changes).toEqual([]);
  });
});
