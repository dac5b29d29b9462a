/**
 * Settings shared by every environment of this deployment. Environment files
 * spread these and override what differs. Files starting with `_` are not
 * environments.
 */
import type { EnvironmentInput } from "../modules";

/** The typing helper of environment files, from the library's public entry point (modules/index.ts). */
export { defineEnvironment } from "../modules";

/** The AWS account, region, state bucket and tags all environments share. */
export const shared = {
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  state: { bucket: "example-cloud-exchange-tfstate-123456789012", region: "us-east-1" },
  tags: { Owner: "security-platform", CostCenter: "secops" },
} satisfies Partial<EnvironmentInput>;

/**
 * The pipeline of an environment (examples/pipeline/ce-<name>.json): its plan
 * and deploy roles are the only writers of its state (the state bucket keeps
 * each to this environment's state object), and every role its stack creates
 * carries the permissions boundary the deploy role may only create roles with.
 * `state`: the environment's state bucket, when not the shared one (a standby's, in its region).
 */
export function pipelineOf(name: string, state: { bucket: string; region: string } = shared.state) {
  return {
    state: {
      ...state,
      writers: [`arn:aws:iam::${shared.accountId}:role/ce-${name}-pipeline-plan`, `arn:aws:iam::${shared.accountId}:role/ce-${name}-pipeline-deploy`],
    },
    iam: { permissionsBoundaryName: `ce-${name}-pipeline-boundary` },
  } satisfies Partial<EnvironmentInput>;
}
