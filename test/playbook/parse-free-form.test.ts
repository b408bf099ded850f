import { describe, expect, it } from 'vitest';
import { parseFreeFormArgs, parseKeyValueArgs, splitWords } from '../../src/playbook/parse-free-form.js';

describe('free-form arguments', () => {
  it('splits words with quotes', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g`)).toEqual(['a', 'b c', 'd e', 'f g']);
    expect(splitWords(`a "unclosed`)).toBeUndefined();
  });
  it('reads key=value pairs as YAML scalars', () => {
    expect(parseKeyValueArgs('name=nginx state=present update_cache=true retries=3')).toEqual({
      name: 'nginx',
      state: 'present',
      update_cache: true,
      retries: 3,
    });
    expect(parseKeyValueArgs('not a pair')).toBeUndefined();
  });
  it('keeps a templated value as its text, without a warning from the YAML reader', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      expect(parseKeyValueArgs('msg="{{ x }}" other={{y}} list=[a]')).toEqual({
        msg: '{{ x }}',
        other: '{{y}}',
        list: '[a]',
      });
      expect(parseFreeFormArgs('echo hi creates="{{ marker }}"', 'cmd', ['cmd', 'creates'])).toEqual({
        cmd: 'echo hi',
        creates: '{{ marker }}',
      });
      await new Promise((resolve) => setImmediate(resolve)); // Node emits warnings on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
  it('takes trailing module options off a free-form command', () => {
    expect(parseFreeFormArgs('tar xf app.tgz creates=/opt/app chdir=/opt', 'cmd', ['cmd', 'creates', 'chdir'])).toEqual(
      { cmd: 'tar xf app.tgz', creates: '/opt/app', chdir: '/opt' },
    );
    expect(parseFreeFormArgs('echo a=b', 'cmd', ['cmd', 'creates'])).toEqual({ cmd: 'echo a=b' });
  });
});
