/**
 * Environment settings of a standby region: `standby` makes an environment
 * the standby of another in a second region (its network, cluster and
 * services kept at zero tasks on a replica of the primary's file system,
 * with the primary's secrets replicated to it), and `replication` makes the
 * primary replicate its file system and secrets to that standby. The checks
 * here hold each side on its own; those that need both environments run
 * when they are loaded together (load.ts).
 */
import { z } from "zod";
import { secretNameOf } from "./defender-schema";
import { matching } from "./fields";
import { arnParts, DNS_NAME, ENVIRONMENT_NAME, FILE_SYSTEM_ID, HOSTED_ZONE_ID, partitionOf, REGION_NAME } from "./patterns";

export const standbySchema = z
  .strictObject({
    primary: matching(ENVIRONMENT_NAME).describe("Name of the environment this one stands by for."),
    primaryRegion: matching(REGION_NAME).describe("The primary's region (a different one)."),
    promoted: z
      .boolean()
      .default(false)
      .describe(
        "false: a standby, its services at zero tasks on a read-only replica. true: promoted (npm run failover): its services run, its backups and alarms are on, and the replica, no longer replicated, is its file system.",
      ),
    clientDns: z
      .strictObject({
        hostedZoneId: matching(HOSTED_ZONE_ID).describe("Route 53 hosted zone of the name users reach the UI by."),
        recordName: matching(DNS_NAME).describe("The name users reach the UI by (a CNAME the failover points at this environment's load balancer)."),
      })
      .optional()
      .describe("The UI's DNS name, for the failover's command that points clients at this environment. Default: the failover prints the load balancer's name to point it at."),
  })
  .optional()
  .describe(
    "This environment is the standby of another in a second region (docs/runbooks.md, failing over): the primary replicates its file system and secrets here; services stay at zero tasks until promoted.",
  );

export const replicationSchema = z
  .strictObject({
    standby: matching(ENVIRONMENT_NAME).describe("Name of the standby environment."),
    region: matching(REGION_NAME).describe("The standby's region (a different one)."),
    fileSystemId: matching(FILE_SYSTEM_ID).describe(
      "The standby's file system (its stack output file-system-id): EFS replicates into it, read-only, until the standby is promoted.",
    ),
    lagAlarmMinutes: z
      .number()
      .int()
      .min(20)
      .max(1440)
      .default(30)
      .describe("An alarm fires when the last successful sync is older than this (EFS replication is designed for 15 minutes for most file systems)."),
  })
  .optional()
  .describe(
    "Replicate this environment's file system (EFS replication, into the standby's file system) and its generated secrets (Secrets Manager replicas under the standby's key) to its standby in another region.",
  );

/** The standby settings. */
export type StandbySettings = NonNullable<z.output<typeof standbySchema>>;
/** The replication settings. */
export type ReplicationSettings = NonNullable<z.output<typeof replicationSchema>>;

/** The standby's KMS key by its alias ARN: what the primary's secret replicas are encrypted with (the alias is the standby's prefix). */
export function standbyKeyAliasArn(accountId: string, replication: ReplicationSettings): string {
  return `arn:${partitionOf(replication.region)}:kms:${replication.region}:${accountId}:alias/ce-${replication.standby}`;
}

/** Checks of `standby` and `replication` that need only this environment. */
export function checkStandbyAndReplication(
  env: {
    name: string;
    region: string;
    release: string;
    adopt?: unknown;
    upgrade?: unknown;
    secrets: { mode: string; jwtSecretArn?: string; maintenanceSecretArn?: string; clusterSecretArn?: string; backupSecretArn?: string };
    standby?: StandbySettings;
    replication?: ReplicationSettings;
  },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const { standby, replication } = env;
  if (replication) {
    if (replication.region === env.region) problem(["replication", "region"], `must be another region than the environment's own (${env.region}): a standby shares no regional failure only in another region`);
    if (partitionOf(replication.region) !== partitionOf(env.region)) problem(["replication", "region"], `must be in partition ${partitionOf(env.region)}`);
    if (replication.standby === env.name) problem(["replication", "standby"], "must name another environment");
    if (standby) problem(["replication"], "excludes standby: a standby's file system is a replica, which EFS cannot replicate on");
  }
  if (!standby) return;
  if (standby.primaryRegion === env.region) problem(["standby", "primaryRegion"], `must be another region than this environment's (${env.region})`);
  if (partitionOf(standby.primaryRegion) !== partitionOf(env.region)) problem(["standby", "primaryRegion"], `must be in partition ${partitionOf(env.region)}`);
  if (standby.primary === env.name) problem(["standby", "primary"], "must name another environment");
  if (env.release === "5.0") problem(["release"], "cannot be 5.0 with standby: CE 5.0's core reads connection strings naming the primary's hosts");
  if (env.adopt) problem(["adopt"], "excludes standby: a standby's file system is the primary's replica");
  if (env.upgrade) problem(["upgrade"], "excludes standby: the primary upgrades the data, which the replica follows");
  if (env.secrets.mode !== "existing") {
    problem(["secrets", "mode"], `must be "existing" with standby: the standby reads the primary's secrets, replicated to ${env.region} (their ARNs with this region)`);
    return;
  }
  const arns: [string, string | undefined][] = [
    ["jwtSecretArn", env.secrets.jwtSecretArn],
    ["maintenanceSecretArn", env.secrets.maintenanceSecretArn],
    ["clusterSecretArn", env.secrets.clusterSecretArn],
    ["backupSecretArn", env.secrets.backupSecretArn],
  ];
  for (const [key, arn] of arns) {
    if (!arn) continue;
    if (arnParts(arn).region !== env.region) problem(["secrets", key], `must be the replica in ${env.region} of the primary's secret (the same ARN with this region)`);
  }
}

/** The names the primary gives the secrets it generates (`ce/<name>/<key>`), by the existing-secrets field that names each. */
export function generatedSecretNames(primary: string): Record<string, string> {
  return {
    jwtSecretArn: `ce/${primary}/jwt-secret`,
    maintenanceSecretArn: `ce/${primary}/maintenance`,
    clusterSecretArn: `ce/${primary}/cluster`,
    backupSecretArn: `ce/${primary}/backup`,
  };
}

/** Problems between a standby and its primary, both loaded: each as `[environment name, field path, message]`. */
export function standbyPairProblems(
  standbyEnv: {
    name: string;
    accountId: string;
    region: string;
    release: string;
    variant: string;
    secrets: Record<string, unknown> & { mode: string };
    standby?: StandbySettings;
  },
  primaryEnv:
    | {
        name: string;
        accountId: string;
        region: string;
        release: string;
        variant: string;
        secrets: { mode: string };
        standby?: StandbySettings;
        replication?: ReplicationSettings;
      }
    | undefined,
  namespaces: { standby: string; primary?: string },
  mongodbImages: { standby: string; primary?: string },
): [string, string, string][] {
  const s = standbyEnv.standby;
  if (!s) return [];
  if (!primaryEnv) return [];
  const problems: [string, string, string][] = [];
  const here = (path: string, message: string) => problems.push([standbyEnv.name, path, message]);
  if (primaryEnv.standby) here("standby.primary", `names ${primaryEnv.name}, which is itself a standby`);
  if (primaryEnv.region !== s.primaryRegion) here("standby.primaryRegion", `must be ${primaryEnv.name}'s region ${primaryEnv.region} (got ${s.primaryRegion})`);
  if (primaryEnv.accountId !== standbyEnv.accountId) here("accountId", `must be ${primaryEnv.name}'s account ${primaryEnv.accountId}: EFS replicates and Secrets Manager replicates within one account here`);
  if (primaryEnv.release !== standbyEnv.release) here("release", `must be ${primaryEnv.name}'s release ${primaryEnv.release}: the standby runs on the primary's data`);
  if (primaryEnv.variant !== standbyEnv.variant) here("variant", `must be ${primaryEnv.name}'s variant ${primaryEnv.variant}: the replica holds that variant's data layout`);
  if (namespaces.primary !== undefined && namespaces.primary !== namespaces.standby) {
    here("ha.namespace", `must be ${primaryEnv.name}'s namespace ${namespaces.primary} (got ${namespaces.standby}): MongoDB's replica set and the certificates on the replica name the nodes by it`);
  }
  if (mongodbImages.primary !== undefined && mongodbImages.primary !== mongodbImages.standby) {
    here("images.mongodb", `must be ${primaryEnv.name}'s MongoDB image ${mongodbImages.primary} (got ${mongodbImages.standby}): the replica's data files are that version's`);
  }
  const replication = primaryEnv.replication;
  if (!replication || replication.standby !== standbyEnv.name) {
    problems.push([primaryEnv.name, "replication", `must name its standby ${standbyEnv.name} (replication: { standby: "${standbyEnv.name}", region: "${standbyEnv.region}", fileSystemId }) to replicate to it`]);
  } else if (replication.region !== standbyEnv.region) {
    problems.push([primaryEnv.name, "replication.region", `must be ${standbyEnv.name}'s region ${standbyEnv.region} (got ${replication.region})`]);
  }
  if (primaryEnv.secrets.mode === "generate") {
    for (const [key, name] of Object.entries(generatedSecretNames(primaryEnv.name))) {
      const arn = standbyEnv.secrets[key];
      if (typeof arn === "string" && secretNameOf(arn) !== name) here(`secrets.${key}`, `must be the replica of ${primaryEnv.name}'s secret ${name} (got ${secretNameOf(arn)})`);
    }
  }
  return problems;
}
