import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as setFact } from '../../src/modules/set_fact.js';
import { planWith } from './helpers.js';

describe('set_fact: plan', () => {
  it('returns the facts with their types and changes nothing on the host', () => {
    const plan = planWith(
      setFact,
      { app_root: '/opt/shop', workers: 4, debug: false, hosts: ['a', 'b'], db: { port: 5432 } },
      undefined,
    );
    expect(plan).toEqual({
      changes: [],
      facts: { app_root: '/opt/shop', workers: 4, debug: false, hosts: ['a', 'b'], db: { port: 5432 } },
    });
  });

  it('accepts cacheable and does not turn it into a fact', () => {
    expect(planWith(setFact, { cacheable: true, x: 1 }, undefined).facts).toEqual({ x: 1 });
  });

  it('rejects a name that is not a variable name', () => {
    expect(() => parseArgs(setFact, { 'app-root': '/opt' })).toThrow(/fact names must be valid variable names/);
    expect(() => parseArgs(setFact, { '1st': 'x' })).toThrow(/fact names must be valid variable names/);
  });
});
