import { join } from 'node:path';
import { expect } from 'vitest';
import { InventoryError, loadInventory } from '../../src/inventory/index.js';
import { writeFiles } from '../helpers/write-files.js';

export const FIXTURES = new URL('../fixtures/inventory/', import.meta.url).pathname;

/** Writes files (relative path -> content) into a fresh temporary directory and returns it. */
export function writeInventory(files: Record<string, string>): string {
  return writeFiles(files, 'drover-inventory-');
}

/** Loads an inventory written from these files that must fail, and returns its InventoryError. */
export async function loadError(files: Record<string, string>, source: string): Promise<InventoryError> {
  const dir = writeInventory(files);
  try {
    await loadInventory([join(dir, source)]);
  } catch (error) {
    expect(error).toBeInstanceOf(InventoryError);
    return error as InventoryError;
  }
  throw new Error('the inventory loaded without error');
}
