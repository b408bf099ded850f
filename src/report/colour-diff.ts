import type { ChalkInstance } from 'chalk';

/** Colours a unified diff for a terminal: added lines green, removed red, hunk headers cyan. */
export function colourDiff(patch: string, style: ChalkInstance): string {
  return patch
    .replace(/\n$/, '')
    .split('\n')
    .map((text) =>
      text.startsWith('+') && !text.startsWith('+++')
        ? style.green(text)
        : text.startsWith('-') && !text.startsWith('---')
          ? style.red(text)
          : text.startsWith('@@')
            ? style.cyan(text)
            : text,
    )
    .join('\n');
}
