/** Finds every module in src/modules/: each *.ts / *.js file there exporting `module` is one. */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModuleDefinition } from './types.js';

const NOT_MODULES = new Set(['types', 'registry']);

let loaded: Map<string, ModuleDefinition> | undefined;

export async function loadModules(): Promise<Map<string, ModuleDefinition>> {
  if (loaded) return loaded;
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
    .filter((f) => !NOT_MODULES.has(f.replace(/\.(js|ts)$/, '')))
    .sort();
  const modules = new Map<string, ModuleDefinition>();
  for (const file of files) {
    const exported = (await import(pathToFileURL(join(dir, file)).href)) as { module?: ModuleDefinition };
    if (exported.module) modules.set(exported.module.name, exported.module);
  }
  loaded = modules;
  return modules;
}
