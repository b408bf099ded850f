import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as fail } from '../../src/modules/fail.js';
import { planWith } from './helpers.js';

describe('fail: plan', () => {
  it('fails the host with the message, changing nothing', () => {
    expect(planWith(fail, { msg: 'only Debian is supported' }, undefined)).toEqual({
      changes: [],
      failed: 'only Debian is supported',
    });
  });

  it("fails with Ansible's default message", () => {
    expect(planWith(fail, {}, undefined)).toEqual({ changes: [], failed: 'Failed as requested from task' });
  });

  it('wants a string message', () => {
    expect(() => parseArgs(fail, { msg: ['a'] })).toThrow();
  });
});
