/**
 * Every probe fixture (test/modules/<module>/fixtures/*.json, see record-fixture.ts) against the
 * module's code: the arguments pass its schema, its probe script is the pinned one, and its parse and
 * plan turn the stored host answer into the stored state and plan. No host is needed.
 *
 * DROVER_UPDATE_FIXTURES=1 rewrites the pinned probe, state and plan (and the schema's part of the
 * arguments) from the current code instead of checking them; review the diff.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import type { ModuleDefinition, ProbeOutput } from '../../src/modules/types.js';
import {
  encodeValue,
  evaluateFixture,
  fixtureDir,
  fromLines,
  MODULE_TESTS_DIR,
  writeFixture,
  type ProbeFixture,
} from './record-fixture.js';

const UPDATE = process.env.DROVER_UPDATE_FIXTURES === '1';
const modules = await loadModules();

/** Module folders under test/modules that hold a fixtures/ directory. */
const fixtureModules = readdirSync(MODULE_TESTS_DIR)
  .filter((name) => statSync(join(MODULE_TESTS_DIR, name)).isDirectory() && existsSync(fixtureDir(name)))
  .sort();

function fixtureFiles(moduleName: string): string[] {
  return readdirSync(fixtureDir(moduleName))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => join(fixtureDir(moduleName), file));
}

/** The JSON form of a value, as the fixture file holds it (undefined keys dropped). */
const asJson = (value: unknown): unknown => {
  const encoded = encodeValue(value);
  return encoded === null ? null : JSON.parse(JSON.stringify(encoded));
};

function readFixture(file: string, label: string): ProbeFixture {
  let fixture: ProbeFixture;
  try {
    fixture = JSON.parse(readFileSync(file, 'utf8')) as ProbeFixture;
  } catch (error) {
    throw new Error(`${label}: not valid JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  if (typeof fixture.description !== 'string' || fixture.description === '') problems.push('description');
  if (fixture.taskArgs === undefined) problems.push('taskArgs');
  if (!fixture.args || typeof fixture.args !== 'object') problems.push('args');
  if (!fixture.context || typeof fixture.context.host !== 'string') problems.push('context ({ host })');
  if (problems.length > 0) throw new Error(`${label}: missing or malformed ${problems.join(', ')}`);
  return fixture;
}

/** The schema accepts the task's arguments, and its output is what the fixture gives probe and plan. */
function checkArgs(module: ModuleDefinition, fixture: ProbeFixture, label: string): Record<string, unknown> {
  const parsed = module.schema.safeParse(fixture.taskArgs);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(args)'}: ${issue.message}`);
    throw new Error(`${label}: taskArgs do not pass the ${module.name} schema: ${issues.join('; ')}`);
  }
  const fromSchema = asJson(parsed.data) as Record<string, unknown>;
  if (UPDATE) return module.prepare ? { ...fixture.args, ...fromSchema } : fromSchema;
  if (!module.prepare) {
    expect(fixture.args, `${label}: args must be the schema's output for taskArgs`).toEqual(fromSchema);
  } else {
    for (const [key, value] of Object.entries(fromSchema))
      expect(fixture.args[key], `${label}: args.${key} must be the schema's output for taskArgs`).toEqual(value);
  }
  return fixture.args;
}

function checkShape(module: ModuleDefinition, fixture: ProbeFixture, label: string): ProbeOutput | undefined {
  if (!module.probe) {
    expect(fixture.probe, `${label}: ${module.name} has no probe, so the fixture has no probe`).toBeUndefined();
    expect(
      fixture.probeOutput,
      `${label}: ${module.name} has no probe, so the fixture has no probeOutput`,
    ).toBeUndefined();
    return undefined;
  }
  const output = fixture.probeOutput;
  if (!output || !Array.isArray(output.stdout) || typeof output.code !== 'number')
    throw new Error(`${label}: probeOutput ({ stdout: [lines], code }) is missing`);
  return { stdout: fromLines(output.stdout), code: output.code };
}

describe('probe fixtures', () => {
  it('exist for every module of the registry', () => {
    const without = [...modules.keys()].filter(
      (name) => !existsSync(fixtureDir(name)) || fixtureFiles(name).length === 0,
    );
    expect(without, 'modules without a fixture in test/modules/<module>/fixtures/').toEqual([]);
  });

  it('are only in folders named after a module', () => {
    expect(fixtureModules.filter((name) => !modules.has(name))).toEqual([]);
  });

  for (const moduleName of fixtureModules) {
    describe(moduleName, () => {
      for (const file of fixtureFiles(moduleName)) {
        const label = relative(join(MODULE_TESTS_DIR, '..', '..'), file);
        it(relative(MODULE_TESTS_DIR, file), () => {
          const module = modules.get(moduleName);
          if (!module) throw new Error(`${label}: there is no module ${moduleName}`);
          const fixture = readFixture(file, label);
          const args = checkArgs(module, fixture, label);
          const output = checkShape(module, fixture, label);
          const now = evaluateFixture(module, args, output, fixture.context);
          if (UPDATE) {
            writeFixture(file, {
              ...fixture,
              args,
              probe: now.probe,
              state: now.state,
              parseError: now.parseError,
              plan: now.plan,
            });
            return;
          }
          expect(now.probe, `${label}: the probe script differs from the pinned one`).toEqual(fixture.probe);
          expect(now.parseError, `${label}: parse error`).toEqual(fixture.parseError);
          if (module.probe && now.parseError === undefined)
            expect(asJson(now.state), `${label}: the parsed state differs`).toEqual(fixture.state);
          expect(now.plan === undefined ? undefined : asJson(now.plan), `${label}: the plan differs`).toEqual(
            fixture.plan,
          );
        });
      }
    });
  }
});
