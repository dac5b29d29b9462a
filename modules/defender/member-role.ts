/**
 * The Prisma Cloud Fargate Defender updater's member role: assumed by the
 * master role, it may read the account's ECS services and task definitions,
 * register the protected revision and point the service at it.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, PolicyStatement } from "../iam/policy";

/** Props of {@link DefenderMemberRole}. */
export interface DefenderMemberRoleProps {
  /** Name of the member role (the updater's ROLE_NAME). */
  readonly roleName: string;
  /** ARN of the master role that assumes it. */
  readonly masterRoleArn: string;
  /** The account the role lives in. */
  readonly accountId: string;
  /** Partition of the account. */
  readonly partition: string;
  /** Provider of the account the role lives in. Default: the stack's default provider. */
  readonly provider?: TerraformProvider;
}

/** What the updater does in a member account (protectFargateTasks.py). */
export function memberStatements(partition: string, accountId: string): PolicyStatement[] {
  return [
    {
      // List, Describe and Register have no resource-level permissions for these calls.
      Sid: "ReadFargateServices",
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
    },
    {
      Sid: "PointServicesAtProtectedRevisions",
      Effect: "Allow",
      Action: "ecs:UpdateService",
      Resource: `arn:${partition}:ecs:*:${accountId}:service/*/*`,
    },
    {
      Sid: "KeepTheTasksRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:${partition}:iam::${accountId}:role/*`,
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  ];
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
      policy: policyDocument(memberStatements(props.partition, props.accountId)),
    });
  }
}
