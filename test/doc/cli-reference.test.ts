/** Every option the docs list for a command is one that command's --help lists (and so accepts). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const help = (command: string) =>
  execFileSync(process.execPath, [`${root}bin/drover.js`, command, '--help'], { encoding: 'utf8' });
const doc = (name: string) => readFileSync(`${root}docs/${name}`, 'utf8');

/** The options in the backticked parts of a piece of docs: `-i, --inventory PATH` -> -i, --inventory. */
function optionsIn(text: string): string[] {
  const found = new Set<string>();
  for (const [, code] of text.matchAll(/`([^`]+)`/g))
    for (const [option] of code.matchAll(/(?<![\w-])--?[a-zA-Z][\w-]*/g))
      // -vv, -vvv and -vvvv are -v given again.
      found.add(/^-v+$/.test(option) ? '-v' : option);
  return [...found];
}

/** `-i, --inventory <path>` in a help text accepts both -i and --inventory. */
function listedIn(helpText: string, option: string): boolean {
  return new RegExp(`(^|[\\s,])${option.replace(/[-]/g, '\\-')}([\\s,=]|$)`, 'm').test(helpText);
}

describe('docs/cli.md and docs/drift.md against --help', () => {
  it('lists only options that run and check accept', () => {
    const cli = doc('cli.md');
    const table = cli.slice(cli.indexOf('Options of `run` and `check`:'), cli.indexOf('**ansible.cfg'));
    const rows = table.split('\n').filter((line) => /^\| `-/.test(line));
    expect(rows.length).toBeGreaterThan(25);
    const [run, check] = [help('run'), help('check')];
    const missing: string[] = [];
    for (const row of rows) {
      const [, first, meaning] = row.split('|');
      for (const option of optionsIn(first)) {
        if (!listedIn(run, option)) missing.push(`run ${option}`);
        if (!meaning.trim().startsWith('`run` only') && !listedIn(check, option)) missing.push(`check ${option}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists only options that drift accepts', () => {
    const text = doc('drift.md');
    const paragraph = text.slice(text.indexOf('**It changes nothing.**')).split('\n\n')[0];
    const options = optionsIn(paragraph);
    expect(options).toEqual(expect.arrayContaining(['--limit', '--state-dir', '--strict', '--on-drift']));
    const drift = help('drift');
    expect(options.filter((option) => !listedIn(drift, option))).toEqual([]);
  });
});
