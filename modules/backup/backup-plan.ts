/**
 * The environment's backup plan: AWS Backup backs the file system up on the
 * environment's schedule into its own vault, keeps each recovery point for
 * the environment's retention, and optionally copies it to a vault in
 * another region or account.
 */
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { Construct } from "constructs";

/** Props of {@link FileSystemBackupPlan}. */
export interface FileSystemBackupPlanProps {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** The environment's vault. */
  readonly vaultName: string;
  /** AWS Backup's service role for the environment. */
  readonly backupRoleArn: string;
  /** The file system backed up. */
  readonly fileSystemArn: string;
  /** An AWS Backup cron expression. */
  readonly scheduleExpression: string;
  /** Time zone of the expression. */
  readonly timezone: string;
  /** Days each recovery point is kept. */
  readonly retentionDays: number;
  /** Copy each recovery point to this vault, keeping it this many days. Default: no copy. */
  readonly copyTo?: { readonly vaultArn: string; readonly retentionDays: number };
  /** Tags on each recovery point. */
  readonly recoveryPointTags: Readonly<Record<string, string>>;
}

/** Minutes a scheduled backup may wait to start, and to complete. */
export const BACKUP_WINDOWS = { startMinutes: 60, completionMinutes: 480 } as const;

/** The plan and its selection of the file system. */
export class FileSystemBackupPlan extends Construct {
  /** The plan. */
  readonly plan: BackupPlan;
  /** The selection. */
  readonly selection: BackupSelection;

  constructor(scope: Construct, id: string, props: FileSystemBackupPlanProps) {
    super(scope, id);
    this.plan = new BackupPlan(this, "plan", {
      name: `${props.prefix}-file-system`,
      rule: [
        {
          ruleName: "file-system",
          targetVaultName: props.vaultName,
          schedule: props.scheduleExpression,
          scheduleExpressionTimezone: props.timezone,
          startWindow: BACKUP_WINDOWS.startMinutes,
          completionWindow: BACKUP_WINDOWS.completionMinutes,
          lifecycle: { deleteAfter: props.retentionDays },
          recoveryPointTags: { ...props.recoveryPointTags },
          ...(props.copyTo ? { copyAction: [{ destinationVaultArn: props.copyTo.vaultArn, lifecycle: { deleteAfter: props.copyTo.retentionDays } }] } : {}),
        },
      ],
    });
    this.selection = new BackupSelection(this, "selection", {
      name: `${props.prefix}-file-system`,
      planId: this.plan.id,
      iamRoleArn: props.backupRoleArn,
      resources: [props.fileSystemArn],
    });
  }
}
