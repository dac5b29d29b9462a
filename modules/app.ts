/**
 * The CDKTF app of a set of validated environments: one stack `ce-<name>`
 * per environment, one member-role stack per member account of an
 * organization-mode Fargate Defender updater, and the `ce-state-bootstrap`
 * stack that creates the state buckets. Where the environments come from
 * (files, a pipeline's JSON, your own configuration) is the caller's choice:
 * main.ts reads environments/, a library user passes their own.
 */
import { App } from "cdktf";
import { STATE_BOOTSTRAP_STACK, StateBootstrapStack, StateBucketSpec } from "./backend/state-bootstrap-stack";
import { stateWritersOf } from "./backend/state-writers";
import { derive, Environment } from "./config";
import { DefenderMemberStack, defenderMemberStackName } from "./defender/defender-member-stack";
import { CloudExchangeStack } from "./stacks/cloud-exchange-stack";

/** What to build. */
export interface BuildOptions {
  /** Output directory. Default: cdktf's (`cdktf.out`, or CDKTF_OUTDIR from the CLI). */
  readonly outdir?: string;
  /** Add the state bootstrap stack. Default true. */
  readonly includeBootstrap?: boolean;
}

/**
 * The state buckets the environments use, one entry per bucket (the first
 * environment's settings; `parseEnvironments` has already refused
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
