/**
 * Environment settings of the optional Prisma Cloud Fargate Defender updater
 * (reference 004): roles, log group, updater task and how it runs.
 */
import { z } from "zod";
import {
  ACCOUNT_ID,
  arnParts,
  ECS_CLUSTER_NAME,
  IMAGE_DIGEST,
  IMAGE_REPOSITORY,
  IMAGE_TAG,
  REGION_NAME,
  SCHEDULE_EXPRESSION,
  SECRET_ARN,
} from "./patterns";
import { matching, retentionDays } from "./fields";


const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ORGANIZATIONAL_UNIT_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

export const defenderSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Add the Prisma Cloud Fargate Defender updater to this environment's stack."),
    image: z
      .strictObject({
        repository: matching(IMAGE_REPOSITORY).describe("Repository of the updater image you built and pushed (reference 004, step 5)."),
        tag: matching(IMAGE_TAG).describe("Tag of the updater image."),
        digest: matching(IMAGE_DIGEST).optional().describe("Optional digest pin of the updater image."),
      })
      .optional()
      .describe("The updater image. Required when enabled."),
    pccSecretArn: matching(SECRET_ARN)
      .optional()
      .describe("Secret with PCC_URL, PCC_USER and PCC_PASS (reference 004, step 2). Required when enabled; only its name reaches the task (PCC_SECRET)."),
    deploymentMode: z
      .enum(["single-account", "organization"])
      .default("single-account")
      .describe("single-account: protect this account. organization: also assume a member role in each listed account."),
    organizationalUnitIds: z
      .array(z.string().regex(ORGANIZATIONAL_UNIT_ID, { error: "must be an organizational unit ID such as ou-ab12-cdef3456" }))
      .max(20)
      .default([])
      .describe("Organization mode: organizational units whose accounts the updater may list. Required in organization mode."),
    accounts: z
      .array(matching(ACCOUNT_ID))
      .max(100)
      .default([])
      .describe("ACCOUNTS: member accounts to protect. Required in organization mode; one member-role stack is synthesized per account."),
    regions: z
      .array(matching(REGION_NAME))
      .max(30)
      .default([])
      .describe("REGIONS: regions to protect. Default: the environment's region."),
    clusters: z
      .array(matching(ECS_CLUSTER_NAME))
      .max(50)
      .default([])
      .describe("Names of the ECS clusters to protect (CLUSTERS, as ARNs). Default: all clusters."),
    upgrade: z.boolean().default(true).describe("UPGRADE: upgrade defenders already installed."),
    fsMonitor: z.boolean().default(false).describe("FS_MONITOR: file-system monitoring in the defenders."),
    fipsEnabled: z.boolean().default(false).describe("FIPS_ENABLED."),
    masterRoleName: z.string().regex(ROLE_NAME, { error: "must be an IAM role name" }).default("FargateDeployMaster").describe("Name of the master role."),
    memberRoleName: z.string().regex(ROLE_NAME, { error: "must be an IAM role name" }).default("FargateDeployMember").describe("ROLE_NAME: name of the member role."),
    run: z
      .discriminatedUnion("mode", [
        z.strictObject({ mode: z.literal("once").describe("Register the task only; run it by hand (see README).") }),
        z.strictObject({
          mode: z.literal("scheduled").describe("Run it on an EventBridge Scheduler schedule."),
          scheduleExpression: matching(SCHEDULE_EXPRESSION).default("rate(1 day)").describe("When the updater runs."),
          timezone: z
            .string()
            .regex(/^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2})$/, { error: "must be an IANA time zone such as Europe/Berlin" })
            .default("UTC")
            .describe("Time zone of cron expressions."),
        }),
      ])
      .prefault({ mode: "once" })
      .describe("How the updater runs."),
    logRetentionDays: retentionDays.default(7).describe("Retention of the /ecs/fargate-updater log group (the document's 7 days)."),
  })
  .prefault({})
  .describe("Optional Prisma Cloud Fargate Defender updater (reference 004). Off by default.");

/** Size of the updater task: CPU units and memory (MiB). */
export const DEFENDER_UPDATER_TASK = { cpu: 512, memory: 1024 } as const;

/** The defender settings after defaults. */
export type DefenderSettings = z.output<typeof defenderSchema>;

/** Cross-field checks of the defender settings. */
export function checkDefender(
  env: { accountId: string; region: string; defender: DefenderSettings },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const d = env.defender;
  if (!d.enabled) return;
  if (!d.image) problem(["defender", "image"], "is required when defender.enabled is true");
  if (!d.pccSecretArn) {
    problem(["defender", "pccSecretArn"], "is required when defender.enabled is true (the Prisma Cloud credentials secret)");
  } else {
    const parts = arnParts(d.pccSecretArn);
    if (parts.account !== env.accountId || parts.region !== env.region) {
      problem(["defender", "pccSecretArn"], `must be in account ${env.accountId} and region ${env.region}, where the updater runs`);
    }
  }
  if (d.deploymentMode === "organization") {
    if (d.organizationalUnitIds.length === 0) {
      problem(["defender", "organizationalUnitIds"], "must list at least one organizational unit in organization mode");
    }
    if (d.accounts.length === 0) {
      problem(["defender", "accounts"], "must list the member accounts in organization mode (one member-role stack each)");
    }
  }
  d.accounts.forEach((account, i) => {
    if (d.accounts.indexOf(account) !== i) problem(["defender", "accounts", i], "is listed twice");
  });
  d.regions.forEach((region, i) => {
    if (d.regions.indexOf(region) !== i) problem(["defender", "regions", i], "is listed twice");
  });
}

/** The name of a secret from its full ARN (the part before the 6-character suffix). */
export function secretNameOf(arn: string): string {
  const afterSecret = arn.split(":secret:")[1] ?? "";
  return afterSecret.replace(/-[A-Za-z0-9]{6}$/, "");
}
