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
 * one stops the run with one line per problem and a non-zero exit.
 */
import { App } from "cdktf";
import { environmentSources } from "./environments";
import { STATE_BOOTSTRAP_STACK, StateBootstrapStack, StateBucketSpec } from "./modules/backend/state-bootstrap-stack";
import { stateWritersOf } from "./modules/backend/state-writers";
import { ConfigError, derive, Environment, EnvironmentSource, environmentWarnings, parseEnvironments, readEnvironmentFile } from "./modules/config";
import { CloudExchangeStack } from "./modules/stacks/cloud-exchange-stack";
import { DefenderMemberStack, defenderMemberStackName } from "./modules/defender/defender-member-stack";

/** What to build. */
export interface BuildOptions {
  /** Output directory. Default: cdktf's (`cdktf.out`, or CDKTF_OUTDIR from the CLI). */
  readonly outdir?: string;
  /** Add the state bootstrap stack. Default true. */
  readonly includeBootstrap?: boolean;
}

/**
 * The state buckets the environments use, one entry per bucket (the first
 * environment's settings; {@link parseEnvironments} has already refused
 * environments that disagree on a shared bucket).
 */
export function stateBuckets(environments: readonly Environment[]): StateBucketSpec[] {
  const byBucket = new Map<string, StateBucketSpec & { writers: ReturnType<typeof stateWritersOf> }>();
  for (const env of environments) {
    if (!byBucket.has(env.state.bucket)) {
      byBucket.set(env.state.bucket, { bucket: env.state.bucket, region: env.state.region, accountId: env.accountId, kmsKeyArn: env.state.kmsKeyArn, writers: [] });
    }
    byBucket.get(env.state.bucket)!.writers.push(...stateWritersOf(env));
  }
  return [...byBucket.values()];
}

/** Builds the app for validated environments (nothing is synthesized yet). */
export function buildApp(environments: readonly Environment[], options: BuildOptions = {}): App {
  const buckets = options.includeBootstrap === false ? [] : stateBuckets(environments);
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  for (const environment of environments) {
    new CloudExchangeStack(app, derive(environment).stackName, { environment });
    const defender = environment.defender;
    if (defender.enabled && defender.deploymentMode === "organization") {
      for (const accountId of defender.accounts) {
        new DefenderMemberStack(app, defenderMemberStackName(environment.name, accountId), { environment, accountId });
      }
    }
  }
  if (buckets.length > 0) new StateBootstrapStack(app, STATE_BOOTSTRAP_STACK, { buckets });
  return app;
}

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
