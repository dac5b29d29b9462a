/**
 * Which resource types hold state that must never be lost, what protects
 * each, and which of their arguments force a replacement (from the AWS
 * provider schema: changing them destroys and recreates the resource).
 */

/** Protection a stateful resource must carry, as a check on its config. */
export interface StatefulType {
  /** What protects it, for messages and docs. */
  readonly protection: string;
  /** Whether a resource config carries the protection. */
  protected(config: Record<string, any>): boolean;
  /** Arguments whose change forces replacement. */
  readonly forceNew: readonly string[];
}

const preventDestroy = (c: Record<string, any>) => c.lifecycle?.prevent_destroy === true;

export const STATEFUL: Readonly<Record<string, StatefulType>> = {
  aws_efs_file_system: {
    protection: "prevent_destroy",
    protected: preventDestroy,
    forceNew: ["creation_token", "encrypted", "kms_key_id", "performance_mode", "availability_zone_name"],
  },
  aws_s3_bucket: {
    protection: "prevent_destroy, force_destroy false",
    protected: (c) => preventDestroy(c) && c.force_destroy === false,
    forceNew: ["bucket", "bucket_prefix", "object_lock_enabled"],
  },
  aws_secretsmanager_secret: {
    protection: "prevent_destroy, recovery window of at least 7 days",
    protected: (c) => preventDestroy(c) && Number(c.recovery_window_in_days) >= 7,
    forceNew: ["name", "name_prefix"],
  },
  aws_secretsmanager_secret_version: {
    protection: "prevent_destroy and its value left alone once written (a new maintenance password would lock CE out of its databases)",
    protected: (c) =>
      preventDestroy(c) && ["secret_string", "secret_string_wo_version"].every((a) => (c.lifecycle?.ignore_changes ?? []).includes(a)),
    forceNew: ["secret_id", "secret_binary", "secret_string", "secret_string_wo_version"],
  },
  aws_backup_vault: {
    protection: "prevent_destroy, force_destroy false (its recovery points go with it)",
    protected: (c) => preventDestroy(c) && c.force_destroy === false,
    forceNew: ["name", "kms_key_arn"],
  },
  aws_backup_vault_lock_configuration: {
    protection: "prevent_destroy (removing it lets recovery points be deleted early)",
    protected: preventDestroy,
    forceNew: ["backup_vault_name"],
  },
  aws_efs_replication_configuration: {
    protection: "prevent_destroy (deleting it makes the standby's replica writable and stops its protection; the failover does it on purpose)",
    protected: preventDestroy,
    forceNew: ["source_file_system_id", "destination"],
  },
  aws_kms_key: {
    protection: "prevent_destroy, deletion window of at least 7 days",
    protected: (c) => preventDestroy(c) && Number(c.deletion_window_in_days) >= 7,
    forceNew: ["customer_master_key_spec", "key_usage", "multi_region", "custom_key_store_id", "xks_key_id"],
  },
};

/** Resources that hold no data of their own, or whose data lives in a protected resource above. */
export const STATELESS = new Set([
  "aws_backup_plan",
  "aws_backup_selection",
  "aws_backup_vault_policy",
  "aws_iam_role_policy_attachment",
  "aws_cloudwatch_log_group",
  "aws_cloudwatch_log_metric_filter",
  "aws_cloudwatch_metric_alarm",
  "aws_default_network_acl",
  "aws_network_acl",
  "aws_default_security_group",
  "aws_ecs_cluster",
  "aws_ecs_cluster_capacity_providers",
  "aws_ecs_service",
  "aws_ecs_task_definition",
  "aws_ecr_pull_through_cache_rule",
  "aws_ecr_repository_creation_template",
  "aws_efs_access_point",
  "aws_efs_backup_policy",
  "aws_efs_file_system_policy",
  "aws_efs_mount_target",
  "aws_eip",
  "aws_flow_log",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_internet_gateway",
  "aws_kms_alias",
  "aws_lb",
  "aws_lb_listener",
  "aws_lb_target_group",
  "aws_nat_gateway",
  "aws_route",
  "aws_route_table",
  "aws_route_table_association",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_logging",
  "aws_s3_bucket_notification",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_scheduler_schedule",
  "aws_security_group",
  "aws_service_discovery_private_dns_namespace",
  "aws_service_discovery_service",
  "aws_sns_topic",
  "aws_sns_topic_policy",
  "aws_sns_topic_subscription",
  "aws_subnet",
  "aws_vpc",
  "aws_vpc_endpoint",
  "aws_vpc_security_group_egress_rule",
  "aws_vpc_security_group_ingress_rule",
]);

/**
 * Resources whose identity data depends on even when they hold none: the
 * access points (paths and owners of the data), the mount targets and the
 * Cloud Map namespace (node names). Upgrades must not replace them either.
 */
export const IDENTITY: Readonly<Record<string, readonly string[]>> = {
  aws_efs_access_point: ["file_system_id", "posix_user", "root_directory"],
  aws_efs_mount_target: ["file_system_id", "subnet_id", "ip_address"],
  aws_service_discovery_private_dns_namespace: ["name", "vpc"],
};
