/**
 * Terraform states for offline plans of a procedure's outcome (a restore, a
 * promoted standby): resources recorded at a stack's addresses the way
 * `terraform show -json` records them, every attribute from the AWS
 * provider's own schema (null or empty unless given), so the state is
 * exactly what the provider decodes. The stateful resources an environment
 * already had before the procedure (its key, secrets, vault) come with the
 * values their stack gives them, so a plan that replaced any of them would
 * show it.
 */
import { Environment } from "../../modules/config";
import { attributesOf, ResourceSchema, resourceSchemas } from "./official-template-state";

const AWS = "registry.terraform.io/hashicorp/aws";

/** One resource of a crafted state. */
export interface CraftedResource {
  readonly type: string;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
}

/** Types a crafted state may hold. */
export const CRAFTED_TYPES = ["aws_efs_file_system", "aws_kms_key", "aws_backup_vault", "aws_secretsmanager_secret", "aws_secretsmanager_secret_version"] as const;

/** The provider's schemas of {@link CRAFTED_TYPES}. */
export function craftedSchemas(): Promise<Record<string, ResourceSchema>> {
  return resourceSchemas(CRAFTED_TYPES);
}

/** A state file holding these resources. */
export function craftedState(schemas: Record<string, ResourceSchema>, resources: readonly CraftedResource[]): object {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 7,
    lineage: "5d2a8e0e-1c3b-4f6a-9d7e-2b8c4a6f1e30",
    outputs: {},
    resources: resources.map((r) => ({
      mode: "managed",
      type: r.type,
      name: r.name,
      provider: `provider["${AWS}"]`,
      instances: [{ schema_version: schemas[r.type].version ?? 0, attributes: attributesOf(schemas[r.type].block, r.attributes), sensitive_attributes: [] }],
    })),
  };
}

/** The environment's key as its stack created it. */
export function keyOf(env: Environment, keyId: string): CraftedResource {
  const arn = `arn:aws:kms:${env.region}:${env.accountId}:key/${keyId}`;
  return {
    type: "aws_kms_key",
    name: "encryption-key_key",
    attributes: {
      id: keyId,
      key_id: keyId,
      arn,
      customer_master_key_spec: "SYMMETRIC_DEFAULT",
      key_usage: "ENCRYPT_DECRYPT",
      multi_region: false,
      is_enabled: true,
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      bypass_policy_lockout_safety_check: false,
      description: `Cloud Exchange ${env.name}`,
      policy: "{}",
      tags: {},
      tags_all: {},
    },
  };
}

/** The environment's vault as its stack created it. */
export function vaultOf(env: Environment, keyArn: string): CraftedResource {
  return {
    type: "aws_backup_vault",
    name: "backup_vault_vault",
    attributes: {
      id: `ce-${env.name}`,
      name: `ce-${env.name}`,
      arn: `arn:aws:backup:${env.region}:${env.accountId}:backup-vault:ce-${env.name}`,
      kms_key_arn: keyArn,
      force_destroy: false,
      recovery_points: 12,
      tags: {},
      tags_all: {},
    },
  };
}

/** The environment's generated secrets and their versions, as written once by its stack. */
export function generatedSecretsOf(env: Environment, keyArn: string): CraftedResource[] {
  const secrets: [string, string][] = [
    ["secrets_jwt-secret", `ce/${env.name}/jwt-secret`],
    ["secrets_maintenance", `ce/${env.name}/maintenance`],
    ["secrets_cluster", `ce/${env.name}/cluster`],
    ["backup-secret_secret", `ce/${env.name}/backup`],
  ];
  return secrets.flatMap(([name, secretName], i) => {
    const arn = `arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:${secretName}-Ab12C${i}`;
    const versionName = name === "backup-secret_secret" ? "backup-secret_version" : `${name}-version`;
    return [
      { type: "aws_secretsmanager_secret", name, attributes: { id: arn, arn, name: secretName, kms_key_id: keyArn, recovery_window_in_days: 30, force_overwrite_replica_secret: false, replica: [], tags: {}, tags_all: {} } },
      { type: "aws_secretsmanager_secret_version", name: versionName, attributes: { id: `${arn}|v${i}`, arn, secret_id: arn, version_id: `v${i}`, secret_string_wo_version: 1, version_stages: ["AWSCURRENT"] } },
    ];
  });
}

/** A file system as EFS describes one, at the stack's file system address. */
export function fileSystemOf(env: Environment, fileSystemId: string, keyArn: string, extra: Record<string, unknown> = {}): CraftedResource {
  const arn = `arn:aws:elasticfilesystem:${env.region}:${env.accountId}:file-system/${fileSystemId}`;
  return {
    type: "aws_efs_file_system",
    name: "storage_file-system",
    attributes: {
      id: fileSystemId,
      arn,
      availability_zone_id: "",
      availability_zone_name: "",
      creation_token: `ce-${env.name}-restore-20261130101500`,
      dns_name: `${fileSystemId}.efs.${env.region}.amazonaws.com`,
      encrypted: true,
      kms_key_id: keyArn,
      name: "",
      number_of_mount_targets: 0,
      owner_id: env.accountId,
      performance_mode: "generalPurpose",
      provisioned_throughput_in_mibps: 0,
      size_in_bytes: [{ value: 52428800, value_in_ia: 0, value_in_standard: 52428800 }],
      tags: {},
      tags_all: {},
      throughput_mode: "bursting",
      protection: [{ replication_overwrite: "ENABLED" }],
      ...extra,
    },
  };
}
