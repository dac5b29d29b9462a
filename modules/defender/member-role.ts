/**
 * The Prisma Cloud Fargate Defender updater's member role: assumed by the
 * master role only, it may read ECS services and task definitions in the
 * protected regions, register the protected revision, point the listed
 * clusters' services at it and pass their own roles back to ECS, and never
 * touch any Cloud Exchange environment's services or roles (this project
 * names them ce-<environment>...), in whatever account and region.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CE_NAME_PREFIX, defenderNames, Environment, partitionOf } from "../config";
import { policyDocument, PolicyStatement } from "../iam/policy";

/** What the member role may touch in its account. */
export interface MemberRoleScope {
  /** Partition of the account. */
  readonly partition: string;
  /** The account the role lives in. */
  readonly accountId: string;
  /** Regions the updater protects; the only regions the role may call. */
  readonly regions: readonly string[];
  /** Clusters whose services it may update; empty: every cluster of those regions (stated in the docs). */
  readonly clusters: readonly string[];
  /** Role names or patterns it may pass to ECS: the protected services' task and execution roles. */
  readonly passRoles: readonly string[];
  /**
   * The Cloud Exchange environment that runs the updater. Every environment's
   * services and roles are denied by their names (ce-<environment>...); this
   * one's own custom-named roles (masterRoleName, existing task roles) too.
   */
  readonly protectedEnvironment: {
    readonly accountId: string;
    readonly region: string;
    /** Roles of the environment whose names do not start with `ce-` (custom or existing roles); denied too. Default: none. */
    readonly otherRoleNames?: readonly string[];
  };
}

/** Every Cloud Exchange environment's clusters and services, by this project's names, in every region of an account. */
export function cloudExchangeServicePatterns(partition: string, accountId: string): string[] {
  return [`arn:${partition}:ecs:*:${accountId}:service/${CE_NAME_PREFIX}*/*`, `arn:${partition}:ecs:*:${accountId}:service/*/${CE_NAME_PREFIX}*`];
}

/** Every role this project names for an environment (task, execution, flow logs, updater, pipeline roles) in an account. */
export function cloudExchangeRolePattern(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:role/${CE_NAME_PREFIX}*`;
}

/** The member role's scope in one account, from the environment that runs the updater. */
export function memberScopeOf(env: Environment, accountId: string): MemberRoleScope {
  const d = env.defender;
  const names = defenderNames(env);
  const existingRoles = [env.iam.executionRoleArn, env.iam.taskRoleArn].filter((arn): arn is string => arn !== undefined).map((arn) => arn.split("/").pop()!);
  return {
    partition: partitionOf(env.region),
    accountId,
    regions: d.regions.length > 0 ? d.regions : [env.region],
    clusters: d.clusters,
    passRoles: d.passRoles,
    protectedEnvironment: {
      accountId: env.accountId,
      region: env.region,
      otherRoleNames: [...new Set([names.masterRoleName, ...existingRoles])].filter((name) => !name.startsWith(CE_NAME_PREFIX)).sort(),
    },
  };
}

/** Props of {@link DefenderMemberRole}. */
export interface DefenderMemberRoleProps extends MemberRoleScope {
  /** Name of the member role (the updater's ROLE_NAME). */
  readonly roleName: string;
  /** ARN of the master role that assumes it. */
  readonly masterRoleArn: string;
  /** Provider of the account the role lives in. Default: the stack's default provider. */
  readonly provider?: TerraformProvider;
}

/**
 * What the updater does in a member account (protectFargateTasks.py): read
 * services and task definitions, register the protected revision (these calls
 * have no resource-level permissions, so they are fixed to the regions), point
 * the listed clusters' services at it, and hand the services' own roles back
 * to ECS. Every Cloud Exchange environment's services and roles are denied
 * explicitly, in every region of the account: a policy attached to the role
 * later cannot widen that.
 */
export function memberStatements(scope: MemberRoleScope): PolicyStatement[] {
  const { partition, accountId } = scope;
  const regions = [...new Set(scope.regions)].sort();
  const clusters = scope.clusters.length > 0 ? scope.clusters : ["*"];
  const statements: PolicyStatement[] = [
    {
      Sid: "ReadFargateServicesInTheProtectedRegions",
      Effect: "Allow",
      Action: [
        "ecs:ListClusters",
        "ecs:ListServices",
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "ecs:RegisterTaskDefinition",
        "ec2:DescribeRegions",
      ],
      Resource: "*",
      // The updater's own region too: it starts there (AWS_DEFAULT_REGION) before it walks the regions.
      Condition: { StringEquals: { "aws:RequestedRegion": [...new Set([...regions, scope.protectedEnvironment.region])].sort() } },
    },
    {
      Sid: "PointTheListedClustersServicesAtProtectedRevisions",
      Effect: "Allow",
      Action: "ecs:UpdateService",
      Resource: regions.flatMap((region) => clusters.map((cluster) => `arn:${partition}:ecs:${region}:${accountId}:service/${cluster}/*`)),
    },
    {
      Sid: "PassOnlyTheProtectedServicesRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: scope.passRoles.map((role) => `arn:${partition}:iam::${accountId}:role/${role}`),
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  ];
  const otherRoles = scope.accountId === scope.protectedEnvironment.accountId ? (scope.protectedEnvironment.otherRoleNames ?? []) : [];
  statements.push(
    {
      // Terraform owns every Cloud Exchange environment's task definitions: a change by the updater would be
      // undone by that environment's next apply (restarting CE), and would hand its secrets to another image.
      Sid: "NeverChangeCloudExchangeServices",
      Effect: "Deny",
      Action: "ecs:UpdateService",
      Resource: cloudExchangeServicePatterns(partition, accountId),
    },
    {
      Sid: "NeverPassCloudExchangeRoles",
      Effect: "Deny",
      Action: "iam:PassRole",
      Resource: [cloudExchangeRolePattern(partition, accountId), ...otherRoles.map((name) => `arn:${partition}:iam::${accountId}:role/${name}`)],
    },
  );
  return statements;
}

/** The member role in one account. */
export class DefenderMemberRole extends Construct {
  /** The role. */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: DefenderMemberRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      provider: props.provider,
      name: props.roleName,
      description: "Prisma Cloud Fargate Defender updater: adds the defender to this account's Fargate services",
      assumeRolePolicy: policyDocument([
        { Effect: "Allow", Principal: { AWS: props.masterRoleArn }, Action: "sts:AssumeRole" },
      ]),
    });
    new IamRolePolicy(this, "policy", {
      provider: props.provider,
      role: this.role.id,
      name: "protect-fargate-services",
      policy: policyDocument(memberStatements(props)),
    });
  }
}
