/**
 * Everything that backs one environment up, composed: AWS Backup's service
 * role, the break-glass role (unless the environment names its own), the
 * environment's vault with its restore-denying policy and optional lock, the
 * backup plan of the file system (with its optional copy), the logical
 * MongoDB backup where it runs, and their alarms on the environment's topic.
 */
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { BackupSettings } from "../config/backup-schema";
import { BackupAlarms } from "./backup-alarms";
import { FileSystemBackupPlan } from "./backup-plan";
import { BackupServiceRole } from "./backup-service-role";
import { EnvironmentBackupVault } from "./backup-vault";
import { BreakGlassRole } from "./break-glass-role";
import { MongodbBackup, MongodbBackupProps } from "./mongodb-backup";

/** Props of {@link EnvironmentBackups}. */
export interface EnvironmentBackupsProps extends AwsLocation {
  /** Prefix of names, `ce-<env>` (the vault's name). */
  readonly prefix: string;
  /** The environment's backup settings. */
  readonly settings: BackupSettings;
  /** The environment's KMS key. */
  readonly kmsKeyArn: string;
  /** The break-glass role's ARN (the environment's, or the one created here). */
  readonly breakGlassRoleArn: string;
  /** Create the break-glass role under this name (the default role). Default: the environment names its own. */
  readonly createBreakGlassRole?: string;
  /** The file system backed up. */
  readonly fileSystemArn: string;
  /** Tags on each recovery point. */
  readonly recoveryPointTags: Readonly<Record<string, string>>;
  /** The logical MongoDB backup, where it runs. Default: none. */
  readonly mongodump?: Omit<MongodbBackupProps, "prefix" | keyof AwsLocation | "schedule">;
  /** Leave the vault and its lock without prevent_destroy. Default false. */
  readonly allowDestroy?: boolean;
}

/** The environment's backups. */
export class EnvironmentBackups extends Construct {
  /** The vault. */
  readonly vault: EnvironmentBackupVault;
  /** AWS Backup's service role. */
  readonly serviceRole: BackupServiceRole;
  /** The file system's backup plan. */
  readonly plan: FileSystemBackupPlan;
  /** The logical backup, where it runs. */
  readonly mongodump?: MongodbBackup;
  private readonly props: EnvironmentBackupsProps;

  constructor(scope: Construct, id: string, props: EnvironmentBackupsProps) {
    super(scope, id);
    this.props = props;
    const where: AwsLocation = { accountId: props.accountId, region: props.region, partition: props.partition };
    const s = props.settings;
    this.serviceRole = new BackupServiceRole(this, "service-role", { ...where, prefix: props.prefix, kmsKeyArn: props.kmsKeyArn });
    this.vault = new EnvironmentBackupVault(this, "vault", {
      name: props.prefix,
      kmsKeyArn: props.kmsKeyArn,
      breakGlassRoleArn: props.breakGlassRoleArn,
      backupRoleArn: this.serviceRole.roleArn,
      lock: s.vaultLock,
      allowDestroy: props.allowDestroy,
    });
    if (props.createBreakGlassRole) {
      new BreakGlassRole(this, "break-glass-role", { ...where, name: props.createBreakGlassRole, vaultArn: this.vault.vaultArn, backupRoleArn: this.serviceRole.roleArn });
    }
    this.plan = new FileSystemBackupPlan(this, "plan", {
      prefix: props.prefix,
      vaultName: this.vault.vaultName,
      backupRoleArn: this.serviceRole.roleArn,
      fileSystemArn: props.fileSystemArn,
      scheduleExpression: s.scheduleExpression,
      timezone: s.timezone,
      retentionDays: s.retentionDays,
      copyTo: s.copyTo ? { vaultArn: s.copyTo.vaultArn, retentionDays: s.copyTo.retentionDays ?? s.retentionDays } : undefined,
      recoveryPointTags: props.recoveryPointTags,
    });
    if (props.mongodump) {
      this.mongodump = new MongodbBackup(this, "mongodb", {
        ...where,
        ...props.mongodump,
        prefix: props.prefix,
        schedule: { expression: s.mongodump.scheduleExpression, timezone: s.mongodump.timezone },
      });
    }
  }

  /** The backups' alarms, on the environment's alarm topic. */
  addAlarms(topicArn: string, logGroupName: string): BackupAlarms {
    return new BackupAlarms(this, "alarms", {
      prefix: this.props.prefix,
      topicArn,
      vaultName: this.vault.vaultName,
      alarmAfterHours: this.props.settings.alarmAfterHours,
      copies: this.props.settings.copyTo !== undefined,
      mongodump: this.mongodump ? { logGroupName } : undefined,
    });
  }
}
