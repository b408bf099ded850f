import { writeFiles } from '../helpers/write-files.js';

export const FIXTURES = new URL('../fixtures/inventory/', import.meta.url).pathname;

/** Writes files (relative path -> content) into a fresh temporary directory and returns it. */
export function writeInventory(files: Record<string, string>): string {
  return writeFiles(files, 'drover-inventory-');
}
