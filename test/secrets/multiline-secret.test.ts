import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { quote } from '../../src/remote/quote.js';
import { renderUnifiedDiff } from '../../src/report/render-diff.js';
import { containsSecret, MASK, maskSecrets, maskValue, registerSecret } from '../../src/secrets/mask.js';

const BEGIN = '-----BEGIN TEST PRIVATE KEY-----';
const END = '-----END TEST PRIVATE KEY-----';

/** A random PEM-like key: armour lines around three base64 lines; `eol` ends every line. */
function pemLike(eol = '\n'): { text: string; lines: string[] } {
  const lines = [randomBytes(48), randomBytes(48), randomBytes(24)].map((bytes) => bytes.toString('base64'));
  return { text: [BEGIN, ...lines, END].join(eol), lines };
}

/** Whether text still holds a run of 16 characters of any of the lines. */
const showsAnyOf = (text: string, lines: string[]) =>
  lines.some((line) => [0, 16, 32, 48].some((at) => line.length >= at + 16 && text.includes(line.slice(at, at + 16))));

describe('a multi-line secret', () => {
  it('is masked whole where it is whole, and line by line where a diff shows it line by line', () => {
    const key = pemLike();
    registerSecret(key.text);
    expect(maskSecrets(`key:\n${key.text}\nend`)).toBe(`key:\n${MASK}\nend`);
    for (const line of key.lines) expect(maskSecrets(`+${line}`)).toBe(`+${MASK}`);
    expect(maskSecrets(`${key.lines[0]}\n${key.lines[2]}`)).toBe(`${MASK}\n${MASK}`);
  });

  it('leaves its armour lines alone when they stand on their own', () => {
    registerSecret(pemLike().text);
    expect(maskSecrets(`+${BEGIN}\n+${END}`)).toBe(`+${BEGIN}\n+${END}`);
  });

  it('masks no line too short to be secret on its own, nor a line of punctuation, but masks them within the whole', () => {
    const secret = `{\nabc\nline-long-enough-${randomBytes(4).toString('hex')}\n}`;
    registerSecret(secret);
    expect(maskSecrets('abc { } xyz')).toBe('abc { } xyz');
    expect(maskSecrets(`+${secret.split('\n')[2]}`)).toBe(`+${MASK}`);
    expect(maskSecrets(`[${secret}]`)).toBe(`[${MASK}]`);
  });

  it('masks its lines without their \\r when it has Windows line ends', () => {
    const key = pemLike('\r\n');
    registerSecret(key.text);
    for (const line of key.lines) expect(maskSecrets(`+${line}\n`)).toBe(`+${MASK}\n`);
    expect(maskSecrets(`+${key.lines[1]}\r\n`)).toBe(`+${MASK}\r\n`);
  });

  it('masks every line in a unified diff of a file that holds it: added, context, and the lines of the key it replaces', () => {
    const old = pemLike();
    const key = pemLike();
    registerSecret(key.text);
    const added = renderUnifiedDiff({ path: '/etc/app.pem', before: '', after: `# app\n${key.text}\n` });
    expect(added).toContain(`+# app\n+${BEGIN}\n+${MASK}\n+${MASK}\n+${MASK}\n+${END}\n`);
    const edited = renderUnifiedDiff({
      path: '/etc/app.pem',
      before: `# edited\n${key.text}\n`,
      after: `# app\n${key.text}\n`,
    });
    expect(edited).toContain(`-# edited\n+# app\n ${BEGIN}\n ${MASK}\n ${MASK}\n`);
    const rotated = renderUnifiedDiff({ path: '/etc/app.pem', before: `${old.text}\n`, after: `${key.text}\n` });
    expect(rotated).toContain(`-${MASK}\n-${MASK}\n-${MASK}\n+${MASK}\n+${MASK}\n+${MASK}\n`);
    for (const diff of [added, edited, rotated]) expect(showsAnyOf(diff, [...key.lines, ...old.lines])).toBe(false);
  });

  it('is masked as a JSON string (with \\n), shell-quoted, and inside a report', () => {
    const key = pemLike();
    registerSecret(key.text);
    expect(maskSecrets(JSON.stringify({ content: key.text }))).toBe(JSON.stringify({ content: MASK }));
    expect(maskSecrets(JSON.stringify(JSON.stringify({ content: key.text })))).toBe(
      JSON.stringify(JSON.stringify({ content: MASK })),
    );
    expect(maskSecrets(`printf %s ${quote(key.text)}`)).toBe(`printf %s '${MASK}'`);
    const report = maskValue({ diff: `@@ -0,0 +1,5 @@\n+${key.text.split('\n').join('\n+')}\n` });
    expect(report.diff).toBe(`@@ -0,0 +1,5 @@\n+${BEGIN}\n+${MASK}\n+${MASK}\n+${MASK}\n+${END}\n`);
  });

  it('is masked in base64, alone and wherever it starts inside longer base64 text', () => {
    const key = pemLike();
    registerSecret(key.text);
    expect(maskSecrets(Buffer.from(key.text).toString('base64'))).toBe(MASK);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const encoded = Buffer.from(`${prefix}${key.text}\n`).toString('base64');
      const masked = maskSecrets(encoded);
      // At most the few characters that also stand for the bytes around the secret are left.
      expect(masked).toMatch(/^[A-Za-z0-9+/]{0,4}\*{8}[A-Za-z0-9+/=]{0,4}$/);
    }
  });

  it('counts as a secret on a command line when one of its lines is there', () => {
    const key = pemLike();
    registerSecret(key.text);
    expect(containsSecret(`echo ${key.lines[1]} >> /etc/app.pem`)).toBe(true);
    expect(containsSecret(`echo ${quote(key.text)}`)).toBe(true);
    expect(containsSecret(`echo ${BEGIN}`)).toBe(false);
  });
});

describe('a one-line secret', () => {
  it('is masked in base64 too', () => {
    const secret = `one-line-${randomBytes(6).toString('hex')}`;
    registerSecret(secret);
    expect(maskSecrets(`token=${Buffer.from(secret).toString('base64')}`)).toBe(`token=${MASK}`);
  });

  it('of only a few characters has no base64 form that could hide unrelated text', () => {
    registerSecret('abcd');
    const encoded = Buffer.from('abcd, then other text').toString('base64');
    expect(encoded.startsWith('YWJjZ')).toBe(true);
    expect(maskSecrets(encoded)).toBe(encoded);
  });
});
