import { existsSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../src/connection/ssh.js';
import { quote, sh } from '../../src/remote/quote.js';
import { connectToSshd, createUser, startSshd, type TestSshd } from '../helpers/sshd.js';

let sshd: TestSshd;
const cleanups: Array<() => void> = [];
const CANARY = `/tmp/drover-quoting-canary-${process.pid}`;

/** Fragments that would run `touch CANARY` if any quoting layer let them through. */
const hostile = fc.constantFrom(
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `'; touch ${CANARY}; '`,
  `"; touch ${CANARY}; "`,
  `\ntouch ${CANARY}\n`,
  `'"'"'$(touch ${CANARY})`,
  `\\'; touch ${CANARY} #`,
  '${HOME}',
  '$$',
  '*',
  '~',
  '!',
  '%s',
  '-n',
  ' ',
  '\t',
  '\r\n',
);
const anyText = fc
  .array(fc.oneof(hostile, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), { maxLength: 6 })
  .map((parts) =>
    // NUL cannot be part of any command line: the one byte no string can carry.
    parts.join('').replace(/\0/g, ''),
  );

beforeAll(async () => {
  sshd = await startSshd({ name: 'quoting', subnet: 16 });
  cleanups.push(createUser('drvquo16', 'unused-password'));
});

afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  sshd?.stop();
  rmSync(CANARY, { force: true });
});

async function connectAs(user: string): Promise<SshConnection> {
  return connectToSshd(sshd, { user }, cleanups);
}

describe('quote() over SSH', () => {
  // The login shell parses the line: dash for the test user, bash for root.
  for (const [user, runs] of [
    ['drvquo16', 150],
    ['root', 25],
  ] as const) {
    it(`any string reaches the host unchanged and never runs (login shell of ${user})`, async () => {
      const connection = await connectAs(user);
      await fc.assert(
        fc.asyncProperty(anyText, async (text) => {
          const result = await connection.exec(`printf %s ${quote(text)}`);
          expect(result).toEqual({ code: 0, stdout: text, stderr: '' });
          expect(existsSync(CANARY)).toBe(false);
        }),
        { numRuns: runs },
      );
    });
  }

  it('keeps each argument whole through sh``, with become as well', async () => {
    const connection = await connectAs('root');
    const args = ['two words', "it's", '$(id)', '', 'tab\there', 'ünï €'];
    const result = await connection.exec(sh`for a in ${args}; do printf '[%s]' "$a"; done`, {
      become: { user: 'drvquo16' },
    });
    expect(result.stdout).toBe(args.map((arg) => `[${arg}]`).join(''));
  });
});
