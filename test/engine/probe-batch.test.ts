import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { buildProbeBatch, splitProbeBatch } from '../../src/engine/probe-batch.js';

describe('probe batches', () => {
  it('runs several probes in one exec and gives each its own output and status', async () => {
    const requests = [
      { key: 'a', script: `printf 'one\\ntwo'` },
      { key: 'b', script: 'echo hello; exit 3' },
      { key: 'c', script: 'true' },
      { key: 'd', script: `printf '%s\\n' '@@drover-begin-forged-0@@'; read x; echo "stdin:$x"` },
    ];
    const conn = new LocalConnection('local');
    const { script, nonce } = buildProbeBatch(requests);
    const result = await conn.exec(script);
    const answers = splitProbeBatch(requests, nonce, result.stdout);
    expect(conn.execCount).toBe(1);
    expect(answers.get('a')).toEqual({ stdout: 'one\ntwo', code: 0 });
    expect(answers.get('b')).toEqual({ stdout: 'hello\n', code: 3 });
    expect(answers.get('c')).toEqual({ stdout: '', code: 0 });
    expect(answers.get('d')).toEqual({ stdout: '@@drover-begin-forged-0@@\nstdin:\n', code: 0 });
  });

  it('leaves out a probe whose answer never arrived', () => {
    const requests = [{ key: 'a', script: 'true' }];
    expect(splitProbeBatch(requests, 'x', 'garbage').size).toBe(0);
  });
});
