import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseScenario, scenarioError } from './parse.js';
import type { Scenario } from './scenario.js';

/** Reads a scenario YAML file and validates it (HG_ERR_SIM_SCENARIO on any problem, read errors included). */
export async function loadScenario(file: string): Promise<Scenario> {
  return parseScenario(await readScenarioText(file), file);
}

/** A scenario file's text; a read error is an HG_ERR_SIM_SCENARIO naming the file, as any other problem. */
export async function readScenarioText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw scenarioError(file, [{ path: '', line: undefined, message: `cannot be read: ${reason}` }], error);
  }
}

/**
 * Path of a scenario shipped in devices/scenarios, by name (`tank-farm-leak`). tsc does not copy
 * YAML into dist/, so from dist/devices/simulator/ we look in the source tree as well.
 */
export function builtinScenarioFile(name: string): string {
  const candidates = [new URL(`../scenarios/${name}.yaml`, import.meta.url), new URL(`../../../devices/scenarios/${name}.yaml`, import.meta.url)];
  const found = candidates.map((url) => fileURLToPath(url)).find((path) => existsSync(path));
  if (found === undefined) {
    throw scenarioError(`${name}.yaml`, [{ path: '', line: undefined, message: 'no built-in scenario has this name (see devices/scenarios)' }]);
  }
  return found;
}
