import { describe, expect, it } from 'vitest';
import { module as assert } from '../../src/modules/assert.js';
import { parseArgs, planPrepared } from './helpers.js';

const vars = { app_port: '8080', group_names: ['backend'], app: 'shop', debug_mode: false };

describe('assert: plan', () => {
  it('takes quiet as a yes/no word like every other boolean', () => {
    expect(parseArgs(assert, { that: 'true', quiet: 'yes' }).quiet).toBe(true);
    expect(() => parseArgs(assert, { that: 'true', quiet: 'maybe' })).toThrow(/must be a boolean/);
  });

  it("passes with Ansible's default message when every condition of the list holds", async () => {
    const plan = await planPrepared(
      assert,
      { that: ['app_port | int > 1024', "'backend' in group_names", "app == 'shop'"] },
      undefined,
      { vars },
    );
    expect(plan).toEqual({ changes: [], result: { msg: 'All assertions passed' } });
  });

  it('passes with success_msg, for one condition as a string', async () => {
    expect(
      (await planPrepared(assert, { that: 'not debug_mode', success_msg: 'ready' }, undefined, { vars })).result,
    ).toEqual({ msg: 'ready' });
  });

  it('fails with fail_msg when any condition of the list is false', async () => {
    const plan = await planPrepared(
      assert,
      { that: ['app_port | int > 1024', 'app_port | int > 9000'], fail_msg: 'port too low', success_msg: 'ok' },
      undefined,
      { vars },
    );
    expect(plan.changes).toEqual([]);
    expect(plan.failed).toBe('port too low');
    expect(plan.result).toBeUndefined();
  });

  it('fails naming the first false condition when no message is given, and takes msg for fail_msg', async () => {
    expect(
      (
        await planPrepared(assert, { that: ['app == "shop"', "'frontend' in group_names", 'debug_mode'] }, undefined, {
          vars,
        })
      ).failed,
    ).toBe("Assertion failed: 'frontend' in group_names");
    expect((await planPrepared(assert, { that: 'debug_mode', msg: 'debug is off' }, undefined, { vars })).failed).toBe(
      'debug is off',
    );
  });

  it('takes booleans as conditions', async () => {
    expect((await planPrepared(assert, { that: [true, 'app'] }, undefined, { vars })).failed).toBeUndefined();
    expect((await planPrepared(assert, { that: false, fail_msg: 'no' }, undefined, { vars })).failed).toBe('no');
  });

  it('is an error for a condition on an undefined variable, not a silent pass', async () => {
    await expect(planPrepared(assert, { that: 'missing_var == 1' }, undefined, { vars })).rejects.toThrow(
      /missing_var/,
    );
  });
});
