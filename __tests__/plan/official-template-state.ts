/**
 * A Terraform state as it would be right after adopting the official
 * template's deployment: its file system, mount targets and access points,
 * with the template's settings and IDs, recorded at the addresses of the
 * adopt-mode stack, the way `terraform show -json` records them. Every
 * attribute of each resource comes from the AWS provider's own schema
 * (`terraform providers schema -json`), null or empty unless the template
 * sets it, so the state is exactly what the provider decodes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACCOUNT, OFFICIAL_TEMPLATE, REGION } from "../support/fixtures";
import { cachedOnce, terraform } from "./harness";
import { REQUIRED_PROVIDERS, TerraformSetup, terraformSetup, workRoot } from "./terraform-cli";

/** A resource type's schema as the provider reports it. */
export interface ResourceSchema {
  readonly version: number;
  readonly block: SchemaBlock;
}
export interface SchemaBlock {
  readonly attributes?: Record<string, unknown>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>;
}

const AWS = "registry.terraform.io/hashicorp/aws";
const ADOPTED_TYPES = ["aws_efs_file_system", "aws_efs_mount_target", "aws_efs_access_point"] as const;

/** The provider's schemas of the adopted resource types (read once per run). */
export function adoptedResourceSchemas(setup: TerraformSetup = terraformSetup()): Promise<Record<string, ResourceSchema>> {
  return resourceSchemas(ADOPTED_TYPES, setup);
}

/** The provider's schemas of these resource types (read once per run and list). */
export function resourceSchemas(types: readonly string[], setup: TerraformSetup = terraformSetup()): Promise<Record<string, ResourceSchema>> {
  return cachedOnce(JSON.stringify(["schemas", setup.binary, types]), async () => {
    const dir = mkdtempSync(join(workRoot(), "schema-"));
    try {
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: REQUIRED_PROVIDERS.aws } } }));
      await terraform(setup, dir, "the provider schema", ["init", "-input=false", "-no-color"]);
      const all = JSON.parse(await terraform(setup, dir, "the provider schema", ["providers", "schema", "-json"]));
      const resources = all.provider_schemas[AWS].resource_schemas as Record<string, ResourceSchema>;
      return Object.fromEntries(types.map((type) => [type, resources[type]]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Every attribute of a block: given values, else null (nested blocks: empty, or their own attributes for given items). */
export function attributesOf(block: SchemaBlock, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(block.attributes ?? {})) out[name] = name in given ? given[name] : null;
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const value = given[name];
    if (nested.nesting_mode === "single" || nested.nesting_mode === "group") {
      out[name] = value ? attributesOf(nested.block, value as Record<string, unknown>) : null;
    } else {
      out[name] = Array.isArray(value) ? value.map((item) => attributesOf(nested.block, item as Record<string, unknown>)) : [];
    }
  }
  for (const name of Object.keys(given)) if (!(name in out)) throw new Error(`${name} is not an attribute of the schema`);
  return out;
}

/** The template's resources at the adopt-mode stack's addresses, as a state file. */
export function officialTemplateState(
  schemas: Record<string, ResourceSchema>,
  zones: readonly string[],
  subnetIds: readonly string[],
  keptAccessPoints: readonly string[],
): object {
  const t = OFFICIAL_TEMPLATE;
  const fsArn = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${t.fileSystemId}`;
  const templateTags = { Name: `NetskopeCloudExchange-${t.stackName}` };
  const resource = (type: string, name: string, attributes: Record<string, unknown>) => ({
    mode: "managed",
    type,
    name,
    provider: `provider["${AWS}"]`,
    instances: [{ schema_version: schemas[type].version ?? 0, attributes: attributesOf(schemas[type].block, attributes), sensitive_attributes: [] }],
  });
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "0f6c1c1e-8a8e-4b8b-9b1e-0d3c6a9e2f11",
    outputs: {},
    resources: [
      resource("aws_efs_file_system", "storage_file-system", {
        id: t.fileSystemId,
        arn: fsArn,
        availability_zone_id: "",
        availability_zone_name: "",
        creation_token: t.creationToken,
        dns_name: `${t.fileSystemId}.efs.${REGION}.amazonaws.com`,
        encrypted: true,
        kms_key_id: t.awsManagedEfsKeyArn,
        name: templateTags.Name,
        number_of_mount_targets: t.mountTargetIds.length,
        owner_id: ACCOUNT,
        performance_mode: "generalPurpose",
        provisioned_throughput_in_mibps: 0,
        size_in_bytes: [{ value: 52428800, value_in_ia: 0, value_in_standard: 52428800 }],
        tags: templateTags,
        tags_all: templateTags,
        throughput_mode: "bursting",
        protection: [{ replication_overwrite: "ENABLED" }],
      }),
      ...zones.map((zone, i) =>
        resource("aws_efs_mount_target", `storage_mount-target_${zone}`, {
          id: t.mountTargetIds[i],
          availability_zone_id: `euw1-az${i + 1}`,
          availability_zone_name: zone,
          dns_name: `${t.fileSystemId}.efs.${REGION}.amazonaws.com`,
          file_system_arn: fsArn,
          file_system_id: t.fileSystemId,
          ip_address: `10.40.${i + 1}.20`,
          mount_target_dns_name: `${zone}.${t.fileSystemId}.efs.${REGION}.amazonaws.com`,
          network_interface_id: `eni-0a1b2c3d4e5f6070${i}`,
          owner_id: ACCOUNT,
          security_groups: [t.mountTargetSecurityGroupId],
          subnet_id: subnetIds[i],
        }),
      ),
      ...Object.entries(t.accessPoints)
        .filter(([key]) => keptAccessPoints.includes(key))
        .map(([key, ap]) =>
        resource("aws_efs_access_point", `storage_access-point_${key}`, {
          id: ap.id,
          arn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/${ap.id}`,
          file_system_arn: fsArn,
          file_system_id: t.fileSystemId,
          owner_id: ACCOUNT,
          posix_user: [{ gid: 1001, uid: 1001, secondary_gids: [] }],
          root_directory: [{ path: ap.path, creation_info: [{ owner_gid: 1001, owner_uid: 1001, permissions: "0777" }] }],
          tags: {},
          tags_all: {},
        }),
      ),
    ],
  };
}
