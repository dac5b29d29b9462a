/**
 * The IAM policy a pipeline role needs to plan and apply the stacks,
 * generated from the resource types the synthesized stacks use: each type
 * maps to the API actions Terraform calls for it (create, read, update,
 * delete, tag). A test fails when a stack uses a type without a mapping, so
 * the policy cannot fall behind the code. Written to
 * examples/pipeline-deploy-policy.json by `npm run docs`.
 */
import { environmentSources } from "../../environments";
import { EnvironmentInput } from "../../modules/config";
import { baseEnvironment, haEnvironment, variations } from "../../__tests__/support/fixtures";
import { synthApp } from "../../__tests__/support/synth";

/** Actions and resources per resource type. Resources default to "*" where the create calls cannot be scoped. */
export const ACTIONS_BY_TYPE: Readonly<Record<string, { service: string; actions: readonly string[]; resources?: readonly string[] }>> = {
  aws_vpc: { service: "ec2", actions: ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"] },
  aws_subnet: { service: "ec2", actions: ["ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:DescribeSubnets"] },
  aws_internet_gateway: { service: "ec2", actions: ["ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DescribeInternetGateways"] },
  aws_eip: { service: "ec2", actions: ["ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"] },
  aws_nat_gateway: { service: "ec2", actions: ["ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:DescribeNatGateways"] },
  aws_route_table: { service: "ec2", actions: ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:DescribeRouteTables"] },
  aws_route: { service: "ec2", actions: ["ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute"] },
  aws_route_table_association: { service: "ec2", actions: ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"] },
  aws_default_network_acl: { service: "ec2", actions: ["ec2:DescribeNetworkAcls", "ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation"] },
  aws_network_acl: {
    service: "ec2",
    actions: ["ec2:CreateNetworkAcl", "ec2:DeleteNetworkAcl", "ec2:DescribeNetworkAcls", "ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation"],
  },
  aws_default_security_group: { service: "ec2", actions: ["ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"] },
  aws_security_group: { service: "ec2", actions: ["ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupEgress"] },
  aws_vpc_security_group_ingress_rule: { service: "ec2", actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:DescribeSecurityGroupRules"] },
  aws_vpc_security_group_egress_rule: { service: "ec2", actions: ["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:DescribeSecurityGroupRules"] },
  aws_vpc_endpoint: { service: "ec2", actions: ["ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint", "ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"] },
  aws_flow_log: { service: "ec2", actions: ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:DescribeFlowLogs", "logs:CreateLogDelivery", "logs:DeleteLogDelivery"] },
  aws_cloudwatch_log_group: {
    service: "logs",
    actions: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:TagResource", "logs:UntagResource"],
  },
  aws_cloudwatch_log_metric_filter: { service: "logs", actions: ["logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters"] },
  aws_cloudwatch_metric_alarm: { service: "cloudwatch", actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:TagResource", "cloudwatch:UntagResource"] },
  aws_iam_role: {
    service: "iam",
    actions: ["iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:PassRole"],
    resources: ["arn:aws:iam::*:role/ce-*", "arn:aws:iam::*:role/FargateDeploy*"],
  },
  aws_iam_role_policy: { service: "iam", actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"], resources: ["arn:aws:iam::*:role/ce-*", "arn:aws:iam::*:role/FargateDeploy*"] },
  aws_iam_role_policy_attachment: { service: "iam", actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"], resources: ["arn:aws:iam::*:role/ce-*"] },
  // The vault's policy denies the pipeline changing or deleting the vault, its policy or lock after the first apply (the break-glass role does).
  aws_backup_vault: {
    service: "backup",
    actions: ["backup:CreateBackupVault", "backup:DeleteBackupVault", "backup:DescribeBackupVault", "backup:ListTags", "backup:TagResource", "backup:UntagResource", "backup-storage:MountCapsule", "kms:CreateGrant", "kms:DescribeKey"],
  },
  aws_backup_vault_policy: { service: "backup", actions: ["backup:PutBackupVaultAccessPolicy", "backup:GetBackupVaultAccessPolicy", "backup:DeleteBackupVaultAccessPolicy"] },
  aws_backup_vault_lock_configuration: { service: "backup", actions: ["backup:PutBackupVaultLockConfiguration", "backup:DeleteBackupVaultLockConfiguration", "backup:DescribeBackupVault"] },
  aws_backup_plan: { service: "backup", actions: ["backup:CreateBackupPlan", "backup:DeleteBackupPlan", "backup:GetBackupPlan", "backup:UpdateBackupPlan", "backup:ListBackupPlanVersions", "backup:ListTags", "backup:TagResource"] },
  aws_backup_selection: { service: "backup", actions: ["backup:CreateBackupSelection", "backup:DeleteBackupSelection", "backup:GetBackupSelection"] },
  aws_kms_key: {
    service: "kms",
    actions: ["kms:CreateKey", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:UpdateKeyDescription"],
  },
  aws_kms_alias: { service: "kms", actions: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias", "kms:ListAliases"] },
  aws_efs_file_system: {
    service: "elasticfilesystem",
    actions: ["elasticfilesystem:CreateFileSystem", "elasticfilesystem:DeleteFileSystem", "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:UpdateFileSystem", "elasticfilesystem:UpdateFileSystemProtection", "elasticfilesystem:DescribeLifecycleConfiguration", "elasticfilesystem:PutLifecycleConfiguration", "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource", "elasticfilesystem:ListTagsForResource", "kms:CreateGrant", "kms:GenerateDataKeyWithoutPlaintext"],
  },
  aws_efs_mount_target: { service: "elasticfilesystem", actions: ["elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargetSecurityGroups", "elasticfilesystem:ModifyMountTargetSecurityGroups", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"] },
  aws_efs_access_point: { service: "elasticfilesystem", actions: ["elasticfilesystem:CreateAccessPoint", "elasticfilesystem:DeleteAccessPoint", "elasticfilesystem:DescribeAccessPoints"] },
  aws_efs_backup_policy: { service: "elasticfilesystem", actions: ["elasticfilesystem:PutBackupPolicy", "elasticfilesystem:DescribeBackupPolicy", "backup:CreateBackupPlan", "backup:CreateBackupSelection", "backup:CreateBackupVault", "backup-storage:MountCapsule", "iam:CreateServiceLinkedRole"] },
  aws_efs_replication_configuration: {
    service: "elasticfilesystem",
    actions: ["elasticfilesystem:CreateReplicationConfiguration", "elasticfilesystem:DeleteReplicationConfiguration", "elasticfilesystem:DescribeReplicationConfigurations", "elasticfilesystem:DescribeFileSystems", "iam:CreateServiceLinkedRole"],
  },
  aws_efs_file_system_policy: { service: "elasticfilesystem", actions: ["elasticfilesystem:PutFileSystemPolicy", "elasticfilesystem:DescribeFileSystemPolicy", "elasticfilesystem:DeleteFileSystemPolicy"] },
  aws_secretsmanager_secret: {
    service: "secretsmanager",
    actions: ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource", "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication"],
    resources: ["arn:aws:secretsmanager:*:*:secret:ce/*"],
  },
  aws_secretsmanager_secret_version: { service: "secretsmanager", actions: ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecretVersionStage"], resources: ["arn:aws:secretsmanager:*:*:secret:ce/*"] },
  aws_ecs_cluster: { service: "ecs", actions: ["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:UpdateCluster", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"] },
  aws_ecs_cluster_capacity_providers: { service: "ecs", actions: ["ecs:PutClusterCapacityProviders"] },
  aws_ecs_task_definition: { service: "ecs", actions: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition"] },
  aws_ecr_pull_through_cache_rule: { service: "ecr", actions: ["ecr:CreatePullThroughCacheRule", "ecr:DeletePullThroughCacheRule", "ecr:DescribePullThroughCacheRules", "ecr:UpdatePullThroughCacheRule", "secretsmanager:DescribeSecret"] },
  aws_ecs_service: { service: "ecs", actions: ["ecs:CreateService", "ecs:DeleteService", "ecs:UpdateService", "ecs:DescribeServices", "iam:CreateServiceLinkedRole"] },
  aws_lb: { service: "elasticloadbalancing", actions: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "elasticloadbalancing:DescribeTags"] },
  aws_lb_target_group: { service: "elasticloadbalancing", actions: ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"] },
  aws_lb_listener: { service: "elasticloadbalancing", actions: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:DescribeListenerAttributes"] },
  aws_s3_bucket: {
    service: "s3",
    actions: ["s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:Get*", "s3:PutBucketTagging"],
    resources: ["arn:aws:s3:::ce-*", "arn:aws:s3:::ce-*/*"],
  },
  aws_s3_bucket_versioning: { service: "s3", actions: ["s3:PutBucketVersioning"], resources: ["arn:aws:s3:::ce-*"] },
  aws_s3_bucket_server_side_encryption_configuration: { service: "s3", actions: ["s3:PutEncryptionConfiguration"], resources: ["arn:aws:s3:::ce-*"] },
  aws_s3_bucket_public_access_block: { service: "s3", actions: ["s3:PutBucketPublicAccessBlock"], resources: ["arn:aws:s3:::ce-*"] },
  aws_s3_bucket_ownership_controls: { service: "s3", actions: ["s3:PutBucketOwnershipControls"], resources: ["arn:aws:s3:::ce-*"] },
  aws_s3_bucket_policy: { service: "s3", actions: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], resources: ["arn:aws:s3:::ce-*"] },
  aws_s3_bucket_lifecycle_configuration: { service: "s3", actions: ["s3:PutLifecycleConfiguration"], resources: ["arn:aws:s3:::ce-*"] },
  aws_s3_bucket_logging: { service: "s3", actions: ["s3:PutBucketLogging"], resources: ["arn:aws:s3:::ce-*"] },
  aws_s3_bucket_notification: { service: "s3", actions: ["s3:PutBucketNotification"], resources: ["arn:aws:s3:::ce-*"] },
  aws_sns_topic: { service: "sns", actions: ["sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListTagsForResource", "sns:TagResource", "sns:UntagResource"], resources: ["arn:aws:sns:*:*:ce-*"] },
  aws_sns_topic_policy: { service: "sns", actions: ["sns:SetTopicAttributes", "sns:GetTopicAttributes"], resources: ["arn:aws:sns:*:*:ce-*"] },
  aws_sns_topic_subscription: { service: "sns", actions: ["sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"] },
  aws_service_discovery_private_dns_namespace: { service: "servicediscovery", actions: ["servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:DeleteNamespace", "servicediscovery:GetNamespace", "servicediscovery:GetOperation", "servicediscovery:TagResource", "servicediscovery:ListTagsForResource", "route53:CreateHostedZone", "route53:DeleteHostedZone", "route53:GetHostedZone", "route53:ChangeResourceRecordSets", "ec2:DescribeVpcAttribute"] },
  aws_service_discovery_service: { service: "servicediscovery", actions: ["servicediscovery:CreateService", "servicediscovery:DeleteService", "servicediscovery:GetService", "servicediscovery:UpdateService", "servicediscovery:ListTagsForResource"] },
  aws_scheduler_schedule: { service: "scheduler", actions: ["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"] },
  // Ephemeral: opened in every plan and apply (Secrets Manager makes the value; nothing stores it).
  "ephemeral.aws_secretsmanager_random_password": { service: "secretsmanager", actions: ["secretsmanager:GetRandomPassword"] },
};

/** Resource types (and `ephemeral.<type>`) used by every stack the project can synthesize (shipped environments and fixtures). */
export function usedResourceTypes(): string[] {
  const shipped = environmentSources().map((s) => s.input as EnvironmentInput);
  const fixtures = [...Object.values(variations()), haEnvironment({ name: "hagen" }), baseEnvironment({ name: "plain" })];
  const types = new Set<string>();
  for (const inputs of [shipped, fixtures]) {
    for (const stack of Object.values(synthApp(inputs))) {
      for (const type of Object.keys(stack.resource ?? {})) types.add(type);
      for (const type of Object.keys((stack.ephemeral as Record<string, unknown> | undefined) ?? {})) types.add(`ephemeral.${type}`);
    }
  }
  return [...types].sort();
}

/** The pipeline role's policy document. */
export function renderPipelinePolicy(): string {
  const types = usedResourceTypes();
  const missing = types.filter((t) => !(t in ACTIONS_BY_TYPE));
  if (missing.length > 0) throw new Error(`no pipeline permissions for resource types: ${missing.join(", ")}`);
  const groups = new Map<string, { actions: Set<string>; resources: Set<string> }>();
  for (const type of types) {
    const entry = ACTIONS_BY_TYPE[type];
    if (entry.actions.length === 0) continue;
    const resources = entry.resources ?? ["*"];
    const key = `${entry.service}|${resources.join(",")}`;
    const group = groups.get(key) ?? { actions: new Set<string>(), resources: new Set(resources) };
    entry.actions.forEach((a) => group.actions.add(a));
    groups.set(key, group);
  }
  const statements = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => ({
      Sid: key.split("|")[0].replace(/[^A-Za-z0-9]/g, "") + (key.endsWith("|*") ? "" : "Scoped"),
      Effect: "Allow",
      Action: [...group.actions].sort(),
      Resource: [...group.resources].length === 1 ? [...group.resources][0] : [...group.resources],
    }));
  statements.push({
    Sid: "TerraformState",
    Effect: "Allow",
    Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
    Resource: ["arn:aws:s3:::<state bucket>", "arn:aws:s3:::<state bucket>/cloud-exchange/*"],
  });
  statements.push({
    Sid: "UseTheStateKeyThroughS3",
    Effect: "Allow",
    Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
    Resource: "arn:aws:kms:*:*:key/*",
    Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" }, "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/ce-tfstate-<state bucket>" } },
  } as never);
  statements.push({
    Sid: "PassTheStacksRolesToTheirServices",
    Effect: "Allow",
    Action: ["iam:PassRole"],
    Resource: ["arn:aws:iam::*:role/ce-*", "arn:aws:iam::*:role/FargateDeploy*"],
    Condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com", "scheduler.amazonaws.com", "sns.amazonaws.com", "backup.amazonaws.com"] } },
  } as never);
  return `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`;
}
