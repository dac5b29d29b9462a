/**
 * The backup, restore and standby settings refuse bad input before
 * synthesis, each problem naming its field and what is allowed.
 */
import { environmentWarnings, EnvironmentInput, parseEnvironment } from "../../modules/config";
import { ACCOUNT, baseEnvironment, withExistingSecrets } from "../support/fixtures";
import { problemsOf } from "../support/config-problems";

const backup = (settings: object) => baseEnvironment({ backup: settings } as Partial<EnvironmentInput>);

describe("backup settings", () => {
  it.each([
    ["a retention under a week", { retentionDays: 3 }, "backup.retentionDays", /at least 7/],
    ["a rate() schedule, which AWS Backup plans do not take", { scheduleExpression: "rate(1 day)" }, "backup.scheduleExpression", /AWS Backup cron expression.*no rate\(\)/],
    ["a time zone that is no IANA name", { timezone: "CET+1" }, "backup.timezone", /IANA time zone/],
    ["an alarm window beyond CloudWatch's seven days", { alarmAfterHours: 200 }, "backup.alarmAfterHours", /at most 168/],
    ["a break-glass role that is no role ARN", { breakGlassRoleArn: "BreakGlass" }, "backup.breakGlassRoleArn", /IAM role ARN/],
    ["a break-glass role of another account", { breakGlassRoleArn: "arn:aws:iam::111122223333:role/BreakGlass" }, "backup.breakGlassRoleArn", /must be a role of account 210987654321: AWS Backup refuses every other account's principals/],
    ["a lock whose minimum exceeds the retention", { retentionDays: 30, vaultLock: { minRetentionDays: 35 } }, "backup.vaultLock.minRetentionDays", /at most backup.retentionDays \(30\)/],
    ["a lock whose maximum is below the retention", { retentionDays: 90, vaultLock: { minRetentionDays: 7, maxRetentionDays: 60 } }, "backup.vaultLock.maxRetentionDays", /at least backup.retentionDays \(90\)/],
    ["a compliance lock that becomes immutable at once", { vaultLock: { minRetentionDays: 7, changeableForDays: 1 } }, "backup.vaultLock.changeableForDays", /at least 3/],
    ["a copy to a vault beside the original", { copyTo: { vaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:other` } }, "backup.copyTo.vaultArn", /another region or account/],
    ["a copy to something that is no vault", { copyTo: { vaultArn: "arn:aws:s3:::bucket" } }, "backup.copyTo.vaultArn", /AWS Backup vault ARN/],
    ["a dump on CE 5.0", { mongodump: { enabled: true } }, "backup.mongodump.enabled", /cannot be true: release CE 5.0's task has no TLS client certificate/],
  ])("refuse %s", (_what, settings, path, message) => {
    const input = (settings as { mongodump?: unknown }).mongodump ? { ...backup(settings), release: "5.0", size: { preset: "small" } } : backup(settings);
    expect(problemsOf(input)).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
  });

  it("refuse a dump with existing secrets that name no backup password, and warn when it is simply off for that reason", () => {
    const existing = withExistingSecrets(baseEnvironment({ ingress: { mode: "none" } }));
    expect(problemsOf({ ...existing, backup: { mongodump: { enabled: true } } })).toEqual([
      { path: "backup.mongodump.enabled", message: expect.stringMatching(/cannot be true: secrets.backupSecretArn is not set; with existing secrets the dump's password comes from a JSON secret with MONGO_BACKUP_PASSWORD/) },
    ]);
    const warnings = environmentWarnings([parseEnvironment(existing)], ["t"], "2026-01-01");
    expect(warnings).toEqual([{ source: "t", path: "secrets.backupSecretArn", message: expect.stringMatching(/no logical MongoDB backup runs/) }]);
    const named = { ...existing, secrets: { ...(existing.secrets as object), backupSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ce/test/backup-AbCdEf` } } as EnvironmentInput;
    expect(environmentWarnings([parseEnvironment(named)], ["t"], "2026-01-01")).toEqual([]);
  });

  it("accept the defaults: daily at 03:00 UTC, dumps at 02:30, 35 days, the stack's own break-glass role", () => {
    expect(parseEnvironment(baseEnvironment()).backup).toEqual({
      retentionDays: 35,
      scheduleExpression: "cron(0 3 * * ? *)",
      timezone: "UTC",
      mongodump: { scheduleExpression: "cron(30 2 * * ? *)", timezone: "UTC", keep: 3 },
      alarmAfterHours: 26,
    });
  });
});
