import { describe, expect, it } from 'vitest';
import { isTaskSelected, matchesTaskName } from '../../src/engine/select-tasks.js';
import { splitSerial } from '../../src/engine/run-play.js';

describe('tag selection', () => {
  const none = { tags: [], skipTags: [] };
  it('runs everything but never-tagged tasks by default', () => {
    expect(isTaskSelected([], none)).toBe(true);
    expect(isTaskSelected(['nginx'], none)).toBe(true);
    expect(isTaskSelected(['never'], none)).toBe(false);
  });
  it('runs only matching tasks, plus always', () => {
    const sel = { tags: ['nginx'], skipTags: [] };
    expect(isTaskSelected(['nginx', 'web'], sel)).toBe(true);
    expect(isTaskSelected(['db'], sel)).toBe(false);
    expect(isTaskSelected(['always'], sel)).toBe(true);
    expect(isTaskSelected(['never', 'nginx'], sel)).toBe(true);
  });
  it('skips skip-tags, even when selected', () => {
    const sel = { tags: ['web'], skipTags: ['slow'] };
    expect(isTaskSelected(['web', 'slow'], sel)).toBe(false);
    expect(isTaskSelected(['always'], { tags: [], skipTags: ['always'] })).toBe(false);
  });
  it('understands tagged and untagged', () => {
    expect(isTaskSelected([], { tags: ['untagged'], skipTags: [] })).toBe(true);
    expect(isTaskSelected(['x'], { tags: ['untagged'], skipTags: [] })).toBe(false);
    expect(isTaskSelected(['x'], { tags: ['tagged'], skipTags: [] })).toBe(true);
  });
});

describe('--start-at-task', () => {
  it('matches names exactly or by glob', () => {
    expect(matchesTaskName('install nginx', 'install nginx')).toBe(true);
    expect(matchesTaskName('install nginx', 'install *')).toBe(true);
    expect(matchesTaskName('configure nginx', 'install *')).toBe(false);
    expect(matchesTaskName(undefined, '*')).toBe(false);
  });
});

describe('serial', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  it('keeps all hosts in one batch without serial', () => {
    expect(splitSerial(hosts, [])).toEqual([hosts]);
  });
  it('splits by a number, a percentage and a list whose last entry repeats', () => {
    expect(splitSerial(hosts, [2])).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(splitSerial(hosts, ['40%'])).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(splitSerial(hosts, [1, '50%'])).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });
});
