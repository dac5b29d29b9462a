/**
 * The CDKTF app: one stack `ce-<name>` per environment file, plus the
 * `ce-state-bootstrap` stack that creates the state bucket(s), plus, for an
 * environment whose Fargate Defender updater runs in organization mode, one
 * member-role stack per member account.
 *
 * `CE_ENV_FILE=path/to/env.json npx cdktf synth` synthesizes just that
 * environment (validated by the same schema) and no bootstrap stack.
 *
 * Every environment is validated before any construct is built; an invalid
 * one stops the run with one line per problem and a non-zero exit. What the
 * app contains is built by the library (modules/app.ts); this file only
 * decides where the environments come from.
 */
import { environmentSources } from "./environments";
import { buildApp } from "./modules/app";
import { ConfigError, EnvironmentSource, environmentWarnings, parseEnvironments, readEnvironmentFile } from "./modules/config";

/** The app assembly lives in the library (modules/app.ts); re-exported for callers of this file. */
export { buildApp, stateBuckets } from "./modules/app";
export type { BuildOptions } from "./modules/app";

/** The environment sources of this run: the JSON file in CE_ENV_FILE, or every environment file. */
export function sourcesFromProcess(env: NodeJS.ProcessEnv = process.env): { sources: EnvironmentSource[]; single: boolean } {
  const file = env.CE_ENV_FILE;
  if (file) return { sources: [readEnvironmentFile(file)], single: true };
  return { sources: environmentSources(), single: false };
}

/** Entry point of `cdktf synth`. */
export function main(): void {
  try {
    const { sources, single } = sourcesFromProcess();
    const environments = parseEnvironments(sources);
    for (const warning of environmentWarnings(environments, sources.map((s) => s.source))) {
      process.stderr.write(`warning: ${warning.source}: ${warning.path}: ${warning.message}\n`);
    }
    buildApp(environments, { includeBootstrap: !single }).synth();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

if (require.main === module) main();
