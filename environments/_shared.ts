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
