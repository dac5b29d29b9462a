/**
 * The stack of one Cloud Exchange environment (`ce-<name>`): the AWS
 * provider pinned to the environment's account and region, the S3 remote
 * state, and the modules composed for the standalone or HA variant.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { RemoteState } from "../backend/remote-state";
import { derive, Derived, Environment } from "../config";
import { ReadableStack } from "./readable-stack";

/** Props of {@link CloudExchangeStack}. */
export interface CloudExchangeStackProps {
  /** The validated environment. */
  readonly environment: Environment;
}

/** Tags the stack puts on every resource, on top of the environment's own. */
export function stackTags(env: Environment): Record<string, string> {
  return {
    ...env.tags,
    Project: "cloud-exchange",
    Environment: env.name,
    Variant: env.variant,
    ManagedBy: "cdktf",
  };
}

/** One environment's stack. */
export class CloudExchangeStack extends ReadableStack {
  /** The environment the stack was built from. */
  readonly environment: Environment;
  /** Values derived from the environment. */
  readonly derived: Derived;
  /** The remote state configuration. */
  readonly remoteState: RemoteState;

  constructor(scope: Construct, id: string, props: CloudExchangeStackProps) {
    super(scope, id);
    const env = props.environment;
    this.environment = env;
    this.derived = derive(env);

    new AwsProvider(this, "aws", {
      region: env.region,
      allowedAccountIds: [env.accountId],
      defaultTags: [{ tags: stackTags(env) }],
    });
    this.remoteState = new RemoteState(this, "remote-state", {
      environmentName: env.name,
      bucket: env.state.bucket,
      region: env.state.region,
      kmsKeyArn: env.state.kmsKeyArn,
    });
  }
}
