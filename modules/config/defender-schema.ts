/**
 * Environment settings of the optional Prisma Cloud Fargate Defender updater
 * (reference 004): roles, log group, updater task and how it runs.
 */
import { z } from "zod";
import {
  ACCOUNT_ID,
  arnParts,
  ECS_CLUSTER_NAME,
  ENVIRONMENT_NAME,
  IAM_ROLE_ARN,
  IMAGE_DIGEST,
  IMAGE_REPOSITORY,
  IMAGE_TAG,
  REGION_NAME,
  SCHEDULE_EXPRESSION,
  KMS_KEY_ARN,
  SECRET_ARN,
} from "./patterns";
import { checkAtLeastLogRetention, matching, retentionDays } from "./fields";


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
    memberStateWriters: z
      .array(matching(IAM_ROLE_ARN))
      .max(100)
      .default([])
      .describe(
        "Organization mode: the roles that deploy the member-role stacks, each in its member account. The state bucket lets each read and write only the state of its own account's member stack (never the environment's state, which holds its secrets) and uses the state key through S3 only. Default: none (access through IAM alone).",
      ),
    regions: z
      .array(matching(REGION_NAME))
      .max(30)
      .default([])
      .describe("REGIONS: regions to protect. Default: the environment's region."),
    clusters: z
      .array(matching(ECS_CLUSTER_NAME))
      .max(50)
      .default([])
      .describe(
        "Names of the ECS clusters to protect (CLUSTERS, as ARNs); the member role may update services in these clusters only. Default: every cluster of the listed accounts and regions. Never a Cloud Exchange environment's cluster (ce-<name>, this one's included) or service (ce-<name>...): Terraform owns their task definitions, and the member role is denied them whatever is listed.",
      ),
    passRoles: z
      .array(
        z.string().regex(/^(?!\*$)[\w+=,.@*/-]{1,128}$/, {
          error: "must be an IAM role name or name pattern with * (such as apps-*-task), not * alone",
        }),
      )
      .max(20)
      .default([])
      .describe(
        "Task and execution roles of the protected services, by name or pattern (apps-*): the only roles the member role may pass back to ECS when it re-registers a task definition. Required when enabled. A pattern that could match a Cloud Exchange or pipeline role (anything that can start with ce-, such as *-task-execution) is refused.",
      ),
    consolePort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(443)
      .describe("Port of the Prisma Cloud console (the port of PCC_URL in the secret; 8083 for a self-hosted Compute console). The updater's security group allows it outbound."),
    pccSan: z
      .string()
      .regex(/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, {
        error: "must be a host name such as console.example.com",
      })
      .optional()
      .describe("PCC_SAN: the console's name in its certificate. Default: the host of PCC_URL."),
    credentialId: z
      .string()
      .regex(/^[A-Za-z0-9_.:@/-]{1,128}$/, { error: "must be the ID of a credential in the Prisma Cloud console (letters, digits and _ . : @ / -)" })
      .optional()
      .describe("CREDENTIAL_ID: ID of the console credential used to read the images' entrypoints (an ID, not a secret)."),
    waasPort: z.number().int().min(1).max(65535).optional().describe("WAAS_PORT: port the defenders' WAAS listens on."),
    pccSecretKmsKeyArn: matching(KMS_KEY_ARN)
      .optional()
      .describe("Customer managed KMS key of the Prisma Cloud secret, if any: the master role may decrypt with it, through Secrets Manager only."),
    upgrade: z.boolean().default(true).describe("UPGRADE: upgrade defenders already installed."),
    fsMonitor: z.boolean().default(false).describe("FS_MONITOR: file-system monitoring in the defenders."),
    fipsEnabled: z.boolean().default(false).describe("FIPS_ENABLED."),
    masterRoleName: z
      .string()
      .regex(ROLE_NAME, { error: "must be an IAM role name" })
      .optional()
      .describe("Name of the master role. Default: ce-<name>-fargate-master (one per environment, so two environments in one account never share it)."),
    memberRoleName: z
      .string()
      .regex(ROLE_NAME, { error: "must be an IAM role name" })
      .optional()
      .describe("ROLE_NAME: name of the member role in every protected account. Default: ce-<name>-fargate-member."),
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
    logRetentionDays: retentionDays
      .optional()
      .describe("Retention of the updater's log group /ecs/ce-<name>/fargate-updater. Default and minimum: logs.retentionDays (it is an audit trail of changes to other services)."),
  })
  .prefault({})
  .describe("Optional Prisma Cloud Fargate Defender updater (reference 004). Off by default.");

/** Size of the updater task: CPU units and memory (MiB). */
export const DEFENDER_UPDATER_TASK = { cpu: 512, memory: 1024 } as const;

/** The defender settings after defaults. */
export type DefenderSettings = z.output<typeof defenderSchema>;

/** The names of an environment's Defender roles and log group, defaults applied. */
export function defenderNames(env: { name: string; defender: DefenderSettings }): { masterRoleName: string; memberRoleName: string; logGroupName: string } {
  return {
    masterRoleName: env.defender.masterRoleName ?? `ce-${env.name}-fargate-master`,
    memberRoleName: env.defender.memberRoleName ?? `ce-${env.name}-fargate-member`,
    logGroupName: `/ecs/ce-${env.name}/fargate-updater`,
  };
}

/** The prefix of every name this project gives an environment's clusters, services and roles: `ce-<environment>`. */
export const CE_NAME_PREFIX = "ce-";

/** Clusters of this project's environments are named ce-<environment name>. */
const ENVIRONMENT_CLUSTER = new RegExp(`^${CE_NAME_PREFIX}(${ENVIRONMENT_NAME.pattern.source.slice(1, -1)})$`);

/** The other environment whose cluster a name is, if it is one (`ce-<name>` other than this environment's). */
export function otherEnvironmentOfCluster(cluster: string, environmentName: string): string | undefined {
  const name = ENVIRONMENT_CLUSTER.exec(cluster)?.[1];
  return name !== undefined && name !== environmentName ? name : undefined;
}

/**
 * Whether an IAM name pattern (`*` for any run of characters) matches some
 * name that starts with `prefix`: it does when it starts with the prefix, or
 * agrees with it up to a `*`.
 */
export function patternCanMatchPrefix(pattern: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (i >= pattern.length) return false;
    if (pattern[i] === "*") return true;
    if (pattern[i] !== prefix[i]) return false;
  }
  return true;
}

/** Whether an IAM name pattern (`*` for any run of characters) matches a name. */
export function patternMatches(pattern: string, name: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(name);
}

/** Cross-field checks of the defender settings. */
export function checkDefender(
  env: { name: string; accountId: string; region: string; defender: DefenderSettings; logs: { retentionDays: number }; cluster: { existingClusterName?: string } },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const d = env.defender;
  if (!d.enabled) return;
  if (d.passRoles.length === 0) {
    problem(
      ["defender", "passRoles"],
      "is required when defender.enabled is true: name the task and execution roles of the services the updater protects (or a pattern such as apps-*); they are the only roles it may hand back to ECS",
    );
  }
  d.clusters.forEach((cluster, i) => {
    if (cluster === `${CE_NAME_PREFIX}${env.name}` && !env.cluster.existingClusterName) {
      problem(
        ["defender", "clusters", i],
        `is this environment's own cluster: Terraform manages its task definition and would undo the updater's change on every apply (restarting Cloud Exchange); protect other clusters`,
      );
      return;
    }
    const other = otherEnvironmentOfCluster(cluster, env.name);
    if (other !== undefined) {
      problem(
        ["defender", "clusters", i],
        `is the cluster of environment ${other}: Terraform owns its services' task definitions, and no updater may change another environment's services (the member role is denied every ce-<name> cluster); protect application clusters`,
      );
    }
  });
  d.passRoles.forEach((pattern, i) => {
    if (patternCanMatchPrefix(pattern, CE_NAME_PREFIX)) {
      problem(
        ["defender", "passRoles", i],
        `could match Cloud Exchange's roles (ce-<environment>-...: task, execution, updater and pipeline roles, whose secrets and state a task run with them would reach); name the protected services' roles by a pattern that starts with their own prefix, such as apps-*`,
      );
    }
  });
  checkAtLeastLogRetention(["defender", "logRetentionDays"], d.logRetentionDays, env.logs.retentionDays, problem);
  if (d.pccSecretKmsKeyArn) {
    const key = arnParts(d.pccSecretKmsKeyArn);
    if (key.account !== env.accountId || key.region !== env.region) {
      problem(["defender", "pccSecretKmsKeyArn"], `must be in account ${env.accountId} and region ${env.region}, with the secret`);
    }
  }
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
  d.memberStateWriters.forEach((role, i) => {
    const account = arnParts(role).account;
    if (d.deploymentMode !== "organization" || !d.accounts.includes(account)) {
      problem(["defender", "memberStateWriters", i], `must be a role of a member account listed in defender.accounts in organization mode (got account ${account})`);
    }
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
