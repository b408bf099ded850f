import { stat } from 'node:fs/promises';

/** Whether something is at the path (following a final symlink). */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
