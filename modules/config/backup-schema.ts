/**
 * Environment settings of the backups (`backup`): the AWS Backup plan that
 * backs the file system up into the environment's own vault, the logical
 * MongoDB dumps written on the file system before each backup, who may
 * restore, the optional vault lock and copy to another region or account,
 * and the window after which a missing backup raises an alarm. The checks
 * here keep them consistent with the rest of the environment.
 */
import { z } from "zod";
import { matching } from "./fields";
import { arnParts, BACKUP_CRON, BACKUP_VAULT_ARN, IAM_ROLE_ARN, partitionOf, SCHEDULE_EXPRESSION, TIME_ZONE } from "./patterns";

/** AWS Backup's shortest compliance-mode grace period before a vault lock becomes immutable. */
export const VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3;

const days = (what: string) => z.number().int().min(1).max(36500).describe(what);

const mongodumpSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .optional()
      .describe(
        "Dump MongoDB with mongodump on a schedule. Default: on wherever it can run (CE 6.x, whose task has the TLS client certificate, with a backup password: generated secrets, or secrets.backupSecretArn); true where it cannot is refused.",
      ),
    scheduleExpression: matching(SCHEDULE_EXPRESSION)
      .default("cron(30 2 * * ? *)")
      .describe("When the dump runs (EventBridge Scheduler). Default: 02:30, half an hour before the file-level backup, so each recovery point holds that day's dump."),
    timezone: matching(TIME_ZONE).default("UTC").describe("Time zone of a cron scheduleExpression."),
    keep: z.number().int().min(1).max(30).default(3).describe("Dumps kept on the file system; older ones live on in the recovery points."),
  })
  .prefault({})
  .describe(
    "Logical MongoDB backups: a one-off Fargate task from the release's own MongoDB image runs mongodump --archive over TLS as a user with MongoDB's backup role, into a directory only that task can write; the file-level backup then takes it into the vault.",
  );

const vaultLockSchema = z
  .strictObject({
    minRetentionDays: days("Recovery points cannot be deleted before this age, by anyone (AWS Backup Vault Lock)."),
    maxRetentionDays: days("Recovery points are kept at most this long. Default: no maximum.").optional(),
    changeableForDays: z
      .number()
      .int()
      .min(VAULT_LOCK_MIN_CHANGEABLE_DAYS)
      .max(36500)
      .optional()
      .describe(
        `Compliance mode: after this many days (at least ${VAULT_LOCK_MIN_CHANGEABLE_DAYS}) nobody, not even the account's root user, can change or remove the lock. Default: governance mode (the break-glass role may remove it).`,
      ),
  })
  .describe("AWS Backup Vault Lock on the environment's vault (for production): retention bounds that the vault enforces on every recovery point.");

const copySchema = z
  .strictObject({
    vaultArn: matching(BACKUP_VAULT_ARN).describe(
      "Vault in another region or account each recovery point is copied to (its own policy must accept backup:CopyIntoBackupVault from this account).",
    ),
    retentionDays: days("Days the copies are kept. Default: backup.retentionDays.").optional(),
  })
  .describe("Copy every recovery point to a vault in a second region or account.");

export const backupSchema = z
  .strictObject({
    retentionDays: z
      .number()
      .int()
      .min(7)
      .max(36500)
      .default(35)
      .describe("Days AWS Backup keeps each recovery point in the environment's vault (AWS's default plan keeps 35)."),
    scheduleExpression: matching(BACKUP_CRON)
      .default("cron(0 3 * * ? *)")
      .describe("When AWS Backup backs the file system up into the environment's vault (at least an hour apart). Default: daily at 03:00."),
    timezone: matching(TIME_ZONE).default("UTC").describe("Time zone of scheduleExpression."),
    mongodump: mongodumpSchema,
    alarmAfterHours: z
      .number()
      .int()
      .min(2)
      .max(168)
      .default(26)
      .describe("An alarm fires when no file-level backup, or no dump, completed for this many hours (CloudWatch evaluates at most 7 days). Default: a day and two hours."),
    breakGlassRoleArn: matching(IAM_ROLE_ARN)
      .optional()
      .describe(
        "The only principal the vault lets restore, copy out, delete recovery points, or change the vault's policy or lock. Default: a role the stack creates, ce-<name>-backup-break-glass, which the account's principals may assume only with MFA.",
      ),
    vaultLock: vaultLockSchema.optional(),
    copyTo: copySchema.optional(),
  })
  .prefault({})
  .describe(
    "Backups into a vault of the environment's own, under its KMS key, whose policy lets only the break-glass role restore or delete; the file system's automatic backup to the account's default vault is turned off.",
  );

/** The backup settings after defaults. */
export type BackupSettings = z.output<typeof backupSchema>;

/** The default break-glass role's name. */
export function breakGlassRoleName(environmentName: string): string {
  return `ce-${environmentName}-backup-break-glass`;
}

/** The break-glass role of an environment: the one it names, or the one the stack creates. */
export function breakGlassRoleArnOf(env: { name: string; accountId: string; region: string; backup: BackupSettings }): string {
  return env.backup.breakGlassRoleArn ?? `arn:${partitionOf(env.region)}:iam::${env.accountId}:role/${breakGlassRoleName(env.name)}`;
}

/** Why the logical MongoDB backup cannot run in this environment, or undefined when it can. */
export function mongodumpBlocker(env: { release: string; secrets: { mode: string; backupSecretArn?: string } }, releaseHasTls: boolean): { path: string[]; reason: string } | undefined {
  if (!releaseHasTls) {
    return { path: ["release"], reason: `CE ${env.release}'s task has no TLS client certificate and its MongoDB no backup user; the file-level backup still runs` };
  }
  if (env.secrets.mode === "existing" && !env.secrets.backupSecretArn) {
    return { path: ["secrets", "backupSecretArn"], reason: "is not set: with existing secrets the dump's password comes from a JSON secret with MONGO_BACKUP_PASSWORD (docs/secrets.md)" };
  }
  return undefined;
}

/** Whether the logical MongoDB backup runs in this environment (where it can, unless turned off). */
export function mongodumpRuns(env: { release: string; secrets: { mode: string; backupSecretArn?: string }; backup: BackupSettings }, releaseHasTls: boolean): boolean {
  return env.backup.mongodump.enabled !== false && mongodumpBlocker(env, releaseHasTls) === undefined;
}

/** Cross-field checks of `backup`. */
export function checkBackup(
  env: { name: string; accountId: string; region: string; release: string; secrets: { mode: string; backupSecretArn?: string }; backup: BackupSettings },
  releaseHasTls: boolean,
  problem: (path: (string | number)[], message: string) => void,
): void {
  const b = env.backup;
  if (b.breakGlassRoleArn && arnParts(b.breakGlassRoleArn).account !== env.accountId) {
    problem(
      ["backup", "breakGlassRoleArn"],
      `must be a role of account ${env.accountId}: AWS Backup refuses every other account's principals anything but copying into the vault, so a role elsewhere could never restore`,
    );
  }
  if (b.mongodump.enabled === true) {
    const blocker = mongodumpBlocker(env, releaseHasTls);
    if (blocker) problem(["backup", "mongodump", "enabled"], `cannot be true: ${blocker.path.join(".")} ${blocker.reason.replace(/^is not set: /, "is not set; ")}`);
  }
  const lock = b.vaultLock;
  if (lock) {
    if (lock.minRetentionDays > b.retentionDays) {
      problem(["backup", "vaultLock", "minRetentionDays"], `must be at most backup.retentionDays (${b.retentionDays}): the vault would refuse every recovery point the plan makes`);
    }
    if (lock.maxRetentionDays !== undefined && lock.maxRetentionDays < b.retentionDays) {
      problem(["backup", "vaultLock", "maxRetentionDays"], `must be at least backup.retentionDays (${b.retentionDays}): the vault would refuse every recovery point the plan makes`);
    }
    if (lock.maxRetentionDays !== undefined && lock.maxRetentionDays < lock.minRetentionDays) {
      problem(["backup", "vaultLock", "maxRetentionDays"], `must be at least vaultLock.minRetentionDays (${lock.minRetentionDays})`);
    }
  }
  const copy = b.copyTo;
  if (copy) {
    const target = arnParts(copy.vaultArn);
    if (target.account === env.accountId && target.region === env.region) {
      problem(["backup", "copyTo", "vaultArn"], `must be in another region or account than the environment (${env.region}, ${env.accountId}): a copy beside the original survives nothing the original does not`);
    }
    if (copy.vaultArn.split(":")[1] !== partitionOf(env.region)) problem(["backup", "copyTo", "vaultArn"], `must be in partition ${partitionOf(env.region)}`);
  }
}
