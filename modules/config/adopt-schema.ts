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
import { ECS_CLUSTER_NAME, KMS_KEY_ARN } from "./patterns";
import { matching } from "./fields";

const id = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), { error: `must be ${what} ID such as ${prefix}-0123456789abcdef0` });

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
    mountTargetIds: z
      .array(id("fsmt", "an EFS mount target"))
      .min(1)
      .max(3)
      .describe("The file system's mount targets, one per private subnet in the order of network.privateSubnetIds (MountTargetResource1, 2)."),
    accessPointIds: z
      .record(z.string().regex(/^[a-z0-9-]{1,40}$/, { error: "must be an access point key of the data layout" }), id("fsap", "an EFS access point"))
      .default({})
      .describe(
        "The official stack's access points to keep, by this project's key for the same directory: mongo-data (MongoDBAccessPoint), custom-plugins (CustomPluginsAccessPoint), repos (CustomRepoAccessPoint), ssl-certs (SSLCertAccessPoint), and for CE 5.0 rabbitmq-data (RabbitmqDataAccessPoint). Others are created.",
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
  } else if (env.network.privateSubnetIds && adopt.mountTargetIds.length !== env.network.privateSubnetIds.length) {
    problem(["adopt", "mountTargetIds"], `must list ${env.network.privateSubnetIds.length} mount targets, one per private subnet in their order (got ${adopt.mountTargetIds.length})`);
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
