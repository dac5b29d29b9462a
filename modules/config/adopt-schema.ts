/**
 * Environment settings for bringing an existing Cloud Exchange to this
 * project: `adopt` names the official CloudFormation template's file system
 * (and its mount targets and access points) so the stack manages that data
 * in place, and `upgrade` (in schema.ts) moves 5.0 data to 6.x. The checks
 * here keep the two consistent with the rest of the environment.
 */
import { z } from "zod";
import type { CloudExchangeRelease } from "../releases";
import { accessPointsFor } from "../storage/data-layout";
import { ECS_CLUSTER_NAME, KMS_KEY_ARN, SUBNET_ID } from "./patterns";
import { matching } from "./fields";

const id = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), { error: `must be ${what} ID such as ${prefix}-0123456789abcdef0` });

/**
 * A record schema that refuses a list with `message` (the generic message for
 * a wrong type says only "must be an object"); types and JSON schema stay the
 * record's.
 */
function refusingLists<T extends z.ZodType>(record: T, message: string): T {
  const checked = z.preprocess((value, ctx) => {
    if (!Array.isArray(value)) return value;
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  }, record);
  return checked as unknown as T;
}

export const adoptSchema = z
  .strictObject({
    fileSystemId: id("fs", "an EFS file system").describe("The official stack's file system (NetskopeCloudExchangeEFS)."),
    kmsKeyArn: matching(KMS_KEY_ARN).describe(
      "ARN of the key the file system is encrypted with, as `aws efs describe-file-systems` shows it (the official template's: the AWS managed key aws/elasticfilesystem). Taken as is: another key would replace the file system.",
    ),
    creationToken: z
      .string()
      .regex(/^[\x21-\x7e]{1,64}$/, { error: "must be the file system's creation token (1-64 printable characters)" })
      .describe("The file system's creation token (`aws efs describe-file-systems`). Taken as is: another token would replace the file system."),
    performanceMode: z
      .enum(["generalPurpose", "maxIO"])
      .default("generalPurpose")
      .describe("The file system's performance mode (the template's: generalPurpose). Taken as is."),
    mountTargetIds: refusingLists(
      z
        .record(matching(SUBNET_ID), id("fsmt", "an EFS mount target"))
        .refine((targets) => Object.keys(targets).length >= 1 && Object.keys(targets).length <= 3, { error: "must name 1 to 3 mount targets, one per private subnet" }),
      'must map each private subnet ID to the mount target in it, as `aws efs describe-mount-targets` lists them: { "subnet-…": "fsmt-…" }; a list cannot say which subnet each is in, and one imported at another subnet\'s address would be replaced',
    )
      .describe(
        "The file system's mount targets by the private subnet each is in (MountTargetResource1, 2), one per subnet of network.privateSubnetIds: { \"subnet-…\": \"fsmt-…\" }, from `aws efs describe-mount-targets`. Keyed by subnet so each is imported where it is: a mount target imported at another subnet's address would be replaced.",
      ),
    accessPointIds: z
      .record(z.string().regex(/^[a-z0-9-]{1,40}$/, { error: "must be an access point key of the data layout" }), id("fsap", "an EFS access point"))
      .default({})
      .describe(
        "The official stack's access points to keep, by this project's key for the same directory: mongo-data (MongoDBAccessPoint), custom-plugins (CustomPluginsAccessPoint), repos (CustomRepoAccessPoint), ssl-certs (SSLCertAccessPoint), and for CE 5.0 rabbitmq-data (RabbitmqDataAccessPoint). Others are created.",
      ),
    throughputMode: z
      .enum(["bursting", "elastic", "provisioned"])
      .default("bursting")
      .describe(
        "The file system's throughput mode now (`aws efs describe-file-systems`; the template's: bursting). Not applied: storage.throughputMode is; a difference is warned about at synthesis.",
      ),
    lifecyclePolicies: z
      .array(
        z
          .strictObject({
            TransitionToIA: z.string().regex(/^AFTER_\d{1,3}_DAYS?$/, { error: "must be a lifecycle transition such as AFTER_30_DAYS" }).optional(),
            TransitionToArchive: z.string().regex(/^AFTER_\d{1,3}_DAYS?$/, { error: "must be a lifecycle transition such as AFTER_90_DAYS" }).optional(),
            TransitionToPrimaryStorageClass: z.literal("AFTER_1_ACCESS").optional(),
          })
          .describe("One lifecycle policy as `aws efs describe-lifecycle-configuration` lists it."),
      )
      .max(3)
      .default([])
      .describe(
        "The file system's lifecycle policies now (`aws efs describe-lifecycle-configuration --query LifecyclePolicies`; the template sets none). Not applied: the stack manages the file system without lifecycle policies, so any listed here are removed at the first deploy, and warned about at synthesis.",
      ),
    accessPointPermissions: z
      .string()
      .regex(/^0[0-7]{3}$/, { error: "must be octal permissions such as 0777" })
      .default("0777")
      .describe("Permissions the kept access points were created with (the template's: 0777). Taken as is: others would replace them."),
    officialStack: z
      .strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { error: "must be a CloudFormation stack name" })
          .describe("Name of the official template's CloudFormation stack."),
        clusterName: matching(ECS_CLUSTER_NAME).describe("Its ECS cluster (Netskope-CE-<EnvName>-Cluster unless it used an existing one)."),
        serviceName: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,255}$/, { error: "must be an ECS service name" })
          .describe("Its ECS service (NetskopeCloudExchange-<EnvName>)."),
      })
      .describe("The stack being replaced, for the cut-over commands (`npm run cutover`)."),
  })
  .describe(
    "Take over an official-template deployment's data in place (docs/upgrades.md): Terraform imports its file system, mount targets and the access points kept, with their replacement-forcing settings taken from here, never from defaults.",
  );

/** The adopt settings after defaults. */
export type AdoptSettings = z.output<typeof adoptSchema>;

/** Cross-field checks of `upgrade` and `adopt`. */
export function checkUpgradeAndAdoption(
  env: {
    release: string;
    variant: string;
    network: { mode: string; privateSubnetIds?: readonly string[] };
    secrets: { mode: string };
    upgrade?: { fromRelease: string };
    adopt?: AdoptSettings;
  },
  release: CloudExchangeRelease,
  problem: (path: (string | number)[], message: string) => void,
): void {
  if (env.upgrade && env.upgrade.fromRelease === release.id) {
    problem(["upgrade", "fromRelease"], `is the environment's own release ${release.id}: an upgrade moves data from an older release; remove upgrade`);
  }
  const adopt = env.adopt;
  if (!adopt) return;
  if (env.network.mode !== "existing") {
    problem(
      ["network", "mode"],
      'must be "existing" with adopt: the file system\'s mount targets are in the official stack\'s VPC, and all of a file system\'s mount targets share one VPC',
    );
  } else if (env.network.privateSubnetIds) {
    checkMountTargetsBySubnet(adopt.mountTargetIds, env.network.privateSubnetIds, problem);
  }
  if (env.variant !== "standalone") {
    problem(["variant"], 'must be "standalone" with adopt: the official template runs one task; move to HA once adopted (docs/ha.md)');
  }
  if (env.secrets.mode !== "existing") {
    problem(["secrets", "mode"], 'must be "existing" with adopt: the data\'s users have the official stack\'s maintenance password (docs/upgrades.md creates the secrets from it)');
  }
  if (release.id !== "5.0" && env.upgrade?.fromRelease !== "5.0") {
    problem(["upgrade"], `is required with adopt on release ${release.id}: the official template's data is CE 5.0's (set upgrade: { fromRelease: "5.0" })`);
  }
  const keys = accessPointsFor(1, release).map((a) => a.key);
  for (const key of Object.keys(adopt.accessPointIds)) {
    if (!keys.includes(key)) {
      problem(["adopt", "accessPointIds", key], `is not an access point of release ${release.id}'s data layout; keep one of ${keys.join(", ")}`);
    }
  }
}

/** Each private subnet has its mount target, and nothing else is listed. */
function checkMountTargetsBySubnet(
  targets: Readonly<Record<string, string>>,
  subnets: readonly string[],
  problem: (path: (string | number)[], message: string) => void,
): void {
  const seen = new Map<string, string>();
  for (const [subnet, target] of Object.entries(targets)) {
    if (!subnets.includes(subnet)) problem(["adopt", "mountTargetIds", subnet], `is not one of network.privateSubnetIds (${subnets.join(", ")}): each mount target is adopted in the private subnet it is in`);
    const twin = seen.get(target);
    if (twin) problem(["adopt", "mountTargetIds", subnet], `is ${target}, already listed for ${twin}: a mount target is in one subnet`);
    seen.set(target, subnet);
  }
  const missing = subnets.filter((subnet) => !(subnet in targets));
  if (missing.length > 0) {
    problem(["adopt", "mountTargetIds"], `has no mount target for ${missing.join(", ")}: list the one in each private subnet (aws efs describe-mount-targets); EFS allows one per zone, so a new one cannot be made beside it`);
  }
}

/**
 * What adopting changes in place that the operator should know before the
 * first deploy: the file system's throughput mode (billing) and its lifecycle
 * policies (removed). Valid settings; reported as warnings at synthesis.
 */
export function adoptionWarnings(env: { storage: { throughputMode: string }; adopt?: AdoptSettings }): { path: string; message: string }[] {
  const adopt = env.adopt;
  if (!adopt) return [];
  const warnings: { path: string; message: string }[] = [];
  if (adopt.throughputMode !== env.storage.throughputMode) {
    warnings.push({
      path: "storage.throughputMode",
      message: `is ${env.storage.throughputMode}: the first deploy changes the adopted file system's throughput mode from ${adopt.throughputMode} (adopt.throughputMode) to ${env.storage.throughputMode} in place${env.storage.throughputMode === "elastic" ? ", which bills reads and writes by the gigabyte" : ""}; set storage.throughputMode to "${adopt.throughputMode === "provisioned" ? "elastic" : adopt.throughputMode}" to ${adopt.throughputMode === "provisioned" ? "choose" : "keep"} it`,
    });
  }
  if (adopt.lifecyclePolicies.length > 0) {
    const listed = adopt.lifecyclePolicies.flatMap((policy) => Object.entries(policy).map(([k, v]) => `${k} ${v}`)).join(", ");
    warnings.push({
      path: "adopt.lifecyclePolicies",
      message: `lists ${listed}: the stack manages the file system without lifecycle policies, so the first deploy removes them (files already moved to Infrequent Access or Archive stay there until read; MongoDB's files should not move there)`,
    });
  }
  return warnings;
}
