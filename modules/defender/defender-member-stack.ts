/**
 * Organization mode of the Fargate Defender updater: the member role for one
 * member account, as its own stack `ce-<env>-defender-member-<account>`.
 * CloudFormation would use a StackSet; CDKTF has none, so each member account
 * gets a small stack that a pipeline applies with that account's credentials
 * (README: rolling the member role out).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { memberStateKeyOf, RemoteState, stateKmsKeyOf } from "../backend/remote-state";
import { defenderNames, Environment, partitionOf } from "../config";
import { applyPermissionsBoundary } from "../iam/permissions-boundary";
import { ReadableStack } from "../stacks/readable-stack";
import { DefenderMemberRole, memberScopeOf } from "./member-role";

/** Props of {@link DefenderMemberStack}. */
export interface DefenderMemberStackProps {
  /** The environment whose updater assumes this role (its state settings are reused). */
  readonly environment: Environment;
  /** The member account. */
  readonly accountId: string;
}

/** Name of the member-role stack of an environment and account. */
export function defenderMemberStackName(environmentName: string, accountId: string): string {
  return `ce-${environmentName}-defender-member-${accountId}`;
}

/** The member-role stack. */
export class DefenderMemberStack extends ReadableStack {
  readonly memberRole: DefenderMemberRole;

  constructor(scope: Construct, id: string, props: DefenderMemberStackProps) {
    super(scope, id);
    const env = props.environment;
    const partition = partitionOf(env.region);
    new AwsProvider(this, "aws", {
      region: env.region,
      allowedAccountIds: [props.accountId],
      defaultTags: [{ tags: { Project: "cloud-exchange", Environment: env.name, Component: "fargate-defender-member", ManagedBy: "cdktf" } }],
    });
    new RemoteState(this, "remote-state", {
      environmentName: env.name,
      bucket: env.state.bucket,
      region: env.state.region,
      kmsKeyArn: stateKmsKeyOf(env),
      key: memberStateKeyOf(env.name, props.accountId),
    });
    if (env.iam.permissionsBoundaryName) applyPermissionsBoundary(this, { policyName: env.iam.permissionsBoundaryName, partition, accountId: props.accountId });
    const names = defenderNames(env);
    this.memberRole = new DefenderMemberRole(this, "member-role", {
      ...memberScopeOf(env, props.accountId),
      roleName: names.memberRoleName,
      masterRoleArn: `arn:${partition}:iam::${env.accountId}:role/${names.masterRoleName}`,
    });
  }
}
