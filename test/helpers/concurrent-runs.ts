/** Two runs that edit one file at once, line by line: with the host lock, no line is lost. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A play adding `count` lines, one lineinfile task each, to `file`. */
export function lineByLinePlay(file: string, run: string, count = 30): string {
  const tasks = Array.from(
    { length: count },
    (_, n) => `    - lineinfile: { path: "${file}", line: "${run} line ${n}", create: true }`,
  );
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('\n')}\n`;
}

/** The lines the file should hold after runs A and B, and those it lacks. */
export function missingLines(file: string, count = 30): string[] {
  const lines = new Set(readFileSync(file, 'utf8').split('\n'));
  const wanted = ['A', 'B'].flatMap((run) => Array.from({ length: count }, (_, n) => `${run} line ${n}`));
  return wanted.filter((line) => !lines.has(line));
}

export const sharedFile = (dir: string) => join(dir, 'shared.conf');
