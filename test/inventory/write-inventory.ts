import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FIXTURES = new URL('../fixtures/inventory/', import.meta.url).pathname;

/** Writes files (relative path -> content) into a fresh temporary directory and returns it. */
export function writeInventory(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'drover-inventory-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
