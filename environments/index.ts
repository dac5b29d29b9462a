/**
 * Discovers the environment files: every `environments/<name>.ts` except
 * `index.ts` and files starting with `_`. Adding an environment is adding a
 * file; main.ts builds one stack `ce-<name>` per file.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentSource } from "../modules/config";

/** File names of the environment files in a directory, sorted. */
export function environmentFiles(directory: string = __dirname): string[] {
  return readdirSync(directory)
    .filter((file) => /^[a-z][a-z0-9-]*\.ts$/.test(file) && file !== "index.ts")
    .sort();
}

/** Loads every environment file's default export, unvalidated. */
export function environmentSources(directory: string = __dirname): EnvironmentSource[] {
  return environmentFiles(directory).map((file) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(join(directory, file)) as { default?: unknown };
    return { source: `environments/${file}`, input: loaded.default };
  });
}
