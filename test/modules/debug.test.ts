import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as debug } from '../../src/modules/debug.js';
import { planPrepared } from './helpers.js';

const vars = { app: 'shop', result: { stdout: 'hi', rc: 0 }, ports: [80, 443] };

describe('debug: plan', () => {
  it.each([
    ['a message', { msg: 'deploying shop' }, 'deploying shop'],
    ["Ansible's default message", {}, 'Hello world!'],
    ['a variable, by name', { var: 'app' }, '{\n  "app": "shop"\n}'],
    ['a nested variable', { var: 'result.stdout' }, '{\n  "result.stdout": "hi"\n}'],
    ['a list variable', { var: 'ports' }, '{\n  "ports": [\n    80,\n    443\n  ]\n}'],
    ['an undefined variable, said so', { var: 'nope' }, '{\n  "nope": "VARIABLE IS NOT DEFINED: nope"\n}'],
    ['a non-string message as JSON', { msg: { a: 1 } }, '{\n  "a": 1\n}'],
  ])('prints %s and changes nothing', async (_what, args, shown) => {
    const plan = await planPrepared(debug, args, undefined, { vars });
    expect(plan.changes).toEqual([]);
    expect(plan.failed).toBeUndefined();
    expect(plan.result).toEqual({ msg: shown });
  });

  it('is skipped below its verbosity, as in Ansible, and prints from that -v level on', async () => {
    const quiet = await planPrepared(debug, { msg: 'details', verbosity: 2 }, undefined, { vars, verbosity: 1 });
    expect(quiet.result).toBeUndefined();
    expect(quiet.skipReason).toBe('verbosity threshold not met (needs -vv)');
    const loud = await planPrepared(debug, { msg: 'details', verbosity: 2 }, undefined, { vars, verbosity: 2 });
    expect(loud.result).toEqual({ msg: 'details' });
  });

  it('takes msg or var, not both, and verbosity as a whole number', () => {
    expect(() => parseArgs(debug, { msg: 'a', var: 'b' })).toThrow(/give msg or var, not both/);
    expect(() => parseArgs(debug, { msg: 'a', verbosity: -1 })).toThrow();
    expect(parseArgs(debug, { msg: 'a' })).toMatchObject({ verbosity: 0 });
  });
});
