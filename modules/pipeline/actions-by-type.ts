/**
 * The AWS API actions Terraform calls for each resource type the stacks use,
 * split into what a plan needs (read) and what an apply needs on top
 * (write), and how the writes are scoped to one environment's resources.
 * A test fails when a synthesized stack uses a type this table lacks, or the
 * table maps a type no stack uses, so the pipeline policies cannot fall
 * behind the code.
 */

/**
 * How an apply's writes on a type are confined to the environment:
 * - `roles`, `secrets`, `buckets`, `logGroups`, `ecs`, `topics`, `alarms`,
 *   `schedules`: the exact names the synthesized stack gives them;
 * - `keys`: the keys tagged with the environment (names are unknown before
 *   creation); `aliases`: the stack's aliases, on keys tagged so;
 * - `vaults`: the stack's backup vaults by name (their policy and lock too);
 * - `tagged`: no name is known before creation (EC2, EFS, load balancers,
 *   Cloud Map, backup plans): any resource, but never one tagged for another
 *   environment (the deploy policy's explicit deny);
 * - `state`: Terraform's state, handled by the state statements.
 */
export type WriteScope = "roles" | "secrets" | "keys" | "aliases" | "buckets" | "logGroups" | "ecs" | "topics" | "alarms" | "schedules" | "vaults" | "tagged";

/** Actions of one resource type. */
export interface TypeActions {
  /** What refreshing it in a plan calls (list/describe/get, no secret values). */
  readonly read: readonly string[];
  /** What creating, updating and deleting it calls on top. */
  readonly write: readonly string[];
  /** How the writes are confined. */
  readonly scope: WriteScope;
}

const ec2 = (read: string[], write: string[]): TypeActions => ({ read, write, scope: "tagged" });

/** Actions per resource type. */
export const ACTIONS_BY_TYPE: Readonly<Record<string, TypeActions>> = {
  aws_vpc: ec2(["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"], ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateTags", "ec2:DeleteTags"]),
  aws_subnet: ec2(["ec2:DescribeSubnets"], ["ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute"]),
  aws_internet_gateway: ec2(["ec2:DescribeInternetGateways"], ["ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway"]),
  aws_eip: ec2(["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"], ["ec2:AllocateAddress", "ec2:ReleaseAddress"]),
  aws_nat_gateway: ec2(["ec2:DescribeNatGateways"], ["ec2:CreateNatGateway", "ec2:DeleteNatGateway"]),
  aws_route_table: ec2(["ec2:DescribeRouteTables"], ["ec2:CreateRouteTable", "ec2:DeleteRouteTable"]),
  aws_route: ec2(["ec2:DescribeRouteTables"], ["ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute"]),
  aws_route_table_association: ec2(["ec2:DescribeRouteTables"], ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"]),
  aws_default_network_acl: ec2(["ec2:DescribeNetworkAcls"], ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation"]),
  aws_network_acl: ec2(
    ["ec2:DescribeNetworkAcls"],
    ["ec2:CreateNetworkAcl", "ec2:DeleteNetworkAcl", "ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation"],
  ),
  aws_default_security_group: ec2(["ec2:DescribeSecurityGroups"], ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"]),
  aws_security_group: ec2(["ec2:DescribeSecurityGroups"], ["ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupEgress"]),
  aws_vpc_security_group_ingress_rule: ec2(["ec2:DescribeSecurityGroupRules"], ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules"]),
  aws_vpc_security_group_egress_rule: ec2(["ec2:DescribeSecurityGroupRules"], ["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules"]),
  aws_vpc_endpoint: ec2(["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"], ["ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint"]),
  aws_flow_log: ec2(["ec2:DescribeFlowLogs"], ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "logs:CreateLogDelivery", "logs:DeleteLogDelivery"]),
  aws_cloudwatch_log_group: {
    read: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    write: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:TagResource", "logs:UntagResource"],
    scope: "logGroups",
  },
  aws_cloudwatch_log_metric_filter: { read: ["logs:DescribeMetricFilters"], write: ["logs:PutMetricFilter", "logs:DeleteMetricFilter"], scope: "logGroups" },
  aws_cloudwatch_metric_alarm: {
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    write: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
    scope: "alarms",
  },
  aws_iam_role: {
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"],
    write: ["iam:CreateRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:PutRolePermissionsBoundary"],
    scope: "roles",
  },
  aws_iam_role_policy: { read: ["iam:GetRolePolicy"], write: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"], scope: "roles" },
  // Only the AWS managed policies the stack attaches (AWS Backup's service role), by ARN: pipeline-policies.ts.
  aws_iam_role_policy_attachment: { read: ["iam:ListAttachedRolePolicies"], write: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], scope: "roles" },
  // The vault's own policy denies the pipeline deleting it, or changing its policy or lock, once applied (modules/backup/vault-policy.ts).
  aws_backup_vault: {
    read: ["backup:DescribeBackupVault", "backup:ListTags"],
    write: ["backup:CreateBackupVault", "backup:TagResource", "backup:UntagResource", "backup-storage:MountCapsule"],
    scope: "vaults",
  },
  aws_backup_vault_policy: { read: ["backup:GetBackupVaultAccessPolicy"], write: ["backup:PutBackupVaultAccessPolicy", "backup:DeleteBackupVaultAccessPolicy"], scope: "vaults" },
  aws_backup_vault_lock_configuration: { read: ["backup:DescribeBackupVault"], write: ["backup:PutBackupVaultLockConfiguration", "backup:DeleteBackupVaultLockConfiguration"], scope: "vaults" },
  aws_backup_plan: {
    read: ["backup:GetBackupPlan", "backup:ListBackupPlanVersions", "backup:ListTags"],
    write: ["backup:CreateBackupPlan", "backup:UpdateBackupPlan", "backup:DeleteBackupPlan", "backup:TagResource", "backup:UntagResource"],
    scope: "tagged",
  },
  aws_backup_selection: { read: ["backup:GetBackupSelection"], write: ["backup:CreateBackupSelection", "backup:DeleteBackupSelection"], scope: "tagged" },
  aws_kms_key: {
    read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    write: ["kms:CreateKey", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription"],
    scope: "keys",
  },
  aws_kms_alias: { read: ["kms:ListAliases"], write: ["kms:CreateAlias"], scope: "aliases" },
  aws_efs_file_system: {
    read: ["elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeLifecycleConfiguration", "elasticfilesystem:ListTagsForResource"],
    write: [
      "elasticfilesystem:CreateFileSystem",
      "elasticfilesystem:UpdateFileSystem",
      "elasticfilesystem:UpdateFileSystemProtection",
      "elasticfilesystem:PutLifecycleConfiguration",
      "elasticfilesystem:TagResource",
      "elasticfilesystem:UntagResource",
    ],
    scope: "tagged",
  },
  aws_efs_mount_target: {
    read: ["elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargetSecurityGroups", "ec2:DescribeNetworkInterfaces"],
    write: ["elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:ModifyMountTargetSecurityGroups", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
    scope: "tagged",
  },
  aws_efs_access_point: { read: ["elasticfilesystem:DescribeAccessPoints"], write: ["elasticfilesystem:CreateAccessPoint", "elasticfilesystem:DeleteAccessPoint"], scope: "tagged" },
  aws_efs_backup_policy: {
    read: ["elasticfilesystem:DescribeBackupPolicy"],
    write: ["elasticfilesystem:PutBackupPolicy", "backup:CreateBackupPlan", "backup:CreateBackupSelection", "backup:CreateBackupVault", "backup-storage:MountCapsule"],
    scope: "tagged",
  },
  // A primary's replication into its standby's file system (modules/standby/file-system-replication.ts).
  aws_efs_replication_configuration: {
    read: ["elasticfilesystem:DescribeReplicationConfigurations"],
    write: ["elasticfilesystem:CreateReplicationConfiguration", "elasticfilesystem:DeleteReplicationConfiguration"],
    scope: "tagged",
  },
  aws_efs_file_system_policy: { read: ["elasticfilesystem:DescribeFileSystemPolicy"], write: ["elasticfilesystem:PutFileSystemPolicy", "elasticfilesystem:DeleteFileSystemPolicy"], scope: "tagged" },
  aws_secretsmanager_secret: {
    read: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
    // Replication: a primary's generated secrets to its standby's region (the secret's replica blocks).
    write: [
      "secretsmanager:CreateSecret",
      "secretsmanager:UpdateSecret",
      "secretsmanager:TagResource",
      "secretsmanager:UntagResource",
      "secretsmanager:ReplicateSecretToRegions",
      "secretsmanager:RemoveRegionsFromReplication",
    ],
    scope: "secrets",
  },
  // Refreshing a version reads its value: the plan role may do it for this environment's secrets only.
  aws_secretsmanager_secret_version: { read: ["secretsmanager:GetSecretValue"], write: ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"], scope: "secrets" },
  aws_ecs_cluster: {
    read: ["ecs:DescribeClusters", "ecs:ListTagsForResource"],
    write: ["ecs:CreateCluster", "ecs:UpdateCluster", "ecs:TagResource", "ecs:UntagResource"],
    scope: "ecs",
  },
  aws_ecs_cluster_capacity_providers: { read: ["ecs:DescribeClusters"], write: ["ecs:PutClusterCapacityProviders"], scope: "ecs" },
  aws_ecs_task_definition: { read: ["ecs:DescribeTaskDefinition"], write: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:TagResource"], scope: "tagged" },
  aws_ecr_pull_through_cache_rule: {
    read: ["ecr:DescribePullThroughCacheRules"],
    write: ["ecr:CreatePullThroughCacheRule", "ecr:DeletePullThroughCacheRule", "ecr:UpdatePullThroughCacheRule"],
    scope: "tagged",
  },
  aws_ecr_repository_creation_template: {
    read: ["ecr:DescribeRepositoryCreationTemplates"],
    write: ["ecr:CreateRepositoryCreationTemplate", "ecr:UpdateRepositoryCreationTemplate", "ecr:DeleteRepositoryCreationTemplate"],
    scope: "tagged",
  },
  aws_ecs_service: { read: ["ecs:DescribeServices"], write: ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService"], scope: "ecs" },
  aws_lb: {
    read: ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"],
    write: [
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ],
    scope: "tagged",
  },
  aws_lb_target_group: {
    read: ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes"],
    write: ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"],
    scope: "tagged",
  },
  aws_lb_listener: {
    read: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes"],
    write: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener"],
    scope: "tagged",
  },
  aws_s3_bucket: {
    read: [
      "s3:ListBucket",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketTagging",
      "s3:GetBucketLocation",
    ],
    write: ["s3:CreateBucket", "s3:PutBucketTagging"],
    scope: "buckets",
  },
  aws_s3_bucket_versioning: { read: ["s3:GetBucketVersioning"], write: ["s3:PutBucketVersioning"], scope: "buckets" },
  aws_s3_bucket_server_side_encryption_configuration: { read: ["s3:GetEncryptionConfiguration"], write: ["s3:PutEncryptionConfiguration"], scope: "buckets" },
  aws_s3_bucket_public_access_block: { read: ["s3:GetBucketPublicAccessBlock"], write: ["s3:PutBucketPublicAccessBlock"], scope: "buckets" },
  aws_s3_bucket_ownership_controls: { read: ["s3:GetBucketOwnershipControls"], write: ["s3:PutBucketOwnershipControls"], scope: "buckets" },
  aws_s3_bucket_policy: { read: ["s3:GetBucketPolicy"], write: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], scope: "buckets" },
  aws_s3_bucket_lifecycle_configuration: { read: ["s3:GetLifecycleConfiguration"], write: ["s3:PutLifecycleConfiguration"], scope: "buckets" },
  aws_s3_bucket_logging: { read: ["s3:GetBucketLogging"], write: ["s3:PutBucketLogging"], scope: "buckets" },
  aws_s3_bucket_notification: { read: ["s3:GetBucketNotification"], write: ["s3:PutBucketNotification"], scope: "buckets" },
  aws_sns_topic: {
    read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    write: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"],
    scope: "topics",
  },
  aws_sns_topic_policy: { read: ["sns:GetTopicAttributes"], write: ["sns:SetTopicAttributes"], scope: "topics" },
  aws_sns_topic_subscription: { read: ["sns:GetSubscriptionAttributes"], write: ["sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"], scope: "topics" },
  aws_service_discovery_private_dns_namespace: {
    read: ["servicediscovery:GetNamespace", "servicediscovery:GetOperation", "servicediscovery:ListTagsForResource", "route53:GetHostedZone", "ec2:DescribeVpcAttribute"],
    write: ["servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:DeleteNamespace", "servicediscovery:TagResource", "route53:CreateHostedZone", "route53:DeleteHostedZone", "route53:ChangeResourceRecordSets"],
    scope: "tagged",
  },
  aws_service_discovery_service: {
    read: ["servicediscovery:GetService", "servicediscovery:ListTagsForResource"],
    write: ["servicediscovery:CreateService", "servicediscovery:DeleteService", "servicediscovery:UpdateService"],
    scope: "tagged",
  },
  aws_scheduler_schedule: { read: ["scheduler:GetSchedule"], write: ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"], scope: "schedules" },
};

/**
 * Write actions only an environment that allows destroying needs
 * (protection.allowDestroy): with prevent_destroy on its stateful resources
 * no apply calls them, so the deploy role of any other environment lacks them.
 */
export const DESTROY_ACTIONS_BY_SCOPE: Readonly<Partial<Record<WriteScope, readonly string[]>>> = {
  roles: ["iam:DeleteRole"],
  secrets: ["secretsmanager:DeleteSecret"],
  keys: ["kms:ScheduleKeyDeletion"],
  aliases: ["kms:DeleteAlias"],
  buckets: ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:ListBucketVersions"],
  logGroups: ["logs:DeleteLogGroup"],
  ecs: ["ecs:DeleteCluster"],
  vaults: ["backup:DeleteBackupVault"],
  tagged: ["elasticfilesystem:DeleteFileSystem"],
};
