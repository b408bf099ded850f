import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as meta } from '../../src/modules/meta.js';
import { planWith } from './helpers.js';

describe('meta: plan', () => {
  it.each(['flush_handlers', 'end_play', 'end_host', 'noop', 'clear_host_errors'])(
    '%s changes nothing on the host (the engine acts on it)',
    (action) => {
      expect(planWith(meta, { action }, undefined)).toEqual({ changes: [] });
    },
  );

  it('is written free-form, as meta: flush_handlers', () => {
    expect(meta.freeForm).toBe('action');
  });

  it('names the actions it knows for an unknown one', () => {
    expect(() => parseArgs(meta, { action: 'flush_handler' })).toThrow(/flush_handlers/);
    expect(() => parseArgs(meta, { action: 'refresh_inventory' })).toThrow();
  });
});
