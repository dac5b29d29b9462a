/**
 * Alarms on the environment's backups, to its alarm topic: a backup (or
 * copy) job that fails or is aborted, from AWS Backup's own metrics
 * (namespace AWS/Backup, by vault: NumberOfBackupJobsFailed, ...Aborted,
 * ...Completed, NumberOfCopyJobsFailed); no completed backup job within the
 * window; and, with the logical dump, a failed dump or none within the
 * window, from the dump's JSON report in the container log group. A missing
 * datapoint counts as no backup (AWS Backup publishes a job metric only
 * when a job changes state, so every hour without one is missing).
 */
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { LOG_METRIC_NAMESPACE } from "../observability/alarms";

/** The dump's reports (scripts/mongodb-backup.sh), and those of a failed dump. */
export const DUMP_REPORT_FILTERS = {
  succeeded: '{ ($.event = "ce-mongodb-backup") && ($.ok = 1) }',
  failed: '{ ($.event = "ce-mongodb-backup") && ($.ok = 0) }',
} as const;

/** Props of {@link BackupAlarms}. */
export interface BackupAlarmsProps {
  /** Prefix of names, `ce-<env>` (the alarm topic accepts alarms named `<prefix>-*`). */
  readonly prefix: string;
  /** The environment's alarm topic. */
  readonly topicArn: string;
  /** The environment's vault. */
  readonly vaultName: string;
  /** Hours without a completed backup (or dump) before the alarm fires. */
  readonly alarmAfterHours: number;
  /** Whether recovery points are copied to another vault (adds the copy-failure alarm). */
  readonly copies: boolean;
  /** The logical dump's log group, when the dump runs. Default: none. */
  readonly mongodump?: { readonly logGroupName: string };
}

/** The backup alarms. */
export class BackupAlarms extends Construct {
  /** Every alarm. */
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: BackupAlarmsProps) {
    super(scope, id);
    const actions = { alarmActions: [props.topicArn], okActions: [props.topicArn] };
    const alarm = (key: string, config: Omit<CloudwatchMetricAlarmConfig, "alarmName" | "alarmActions" | "okActions">) =>
      this.alarms.push(new CloudwatchMetricAlarm(this, key, { alarmName: `${props.prefix}-${key}`, ...actions, ...config }));
    const byVault = { BackupVaultName: props.vaultName };
    const hourly = { period: 3600, statistic: "Sum" };
    const missingWindow = {
      evaluationPeriods: props.alarmAfterHours,
      datapointsToAlarm: props.alarmAfterHours,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    };

    alarm("backup-job-failed", {
      alarmDescription: `An AWS Backup job of ${props.prefix}'s file system failed or was aborted (vault ${props.vaultName}); docs/runbooks.md, backing up`,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      metricQuery: [
        { id: "failed", metric: { namespace: "AWS/Backup", metricName: "NumberOfBackupJobsFailed", dimensions: byVault, period: 3600, stat: "Sum" } },
        { id: "aborted", metric: { namespace: "AWS/Backup", metricName: "NumberOfBackupJobsAborted", dimensions: byVault, period: 3600, stat: "Sum" } },
        { id: "unsuccessful", expression: "FILL(failed, 0) + FILL(aborted, 0)", label: "Failed or aborted backup jobs", returnData: true },
      ],
    });
    alarm("backup-missing", {
      alarmDescription: `No AWS Backup job of ${props.prefix}'s file system completed in ${props.alarmAfterHours} hours (vault ${props.vaultName})`,
      namespace: "AWS/Backup",
      metricName: "NumberOfBackupJobsCompleted",
      dimensions: byVault,
      ...hourly,
      ...missingWindow,
    });
    if (props.copies) {
      alarm("backup-copy-failed", {
        alarmDescription: `A copy of a ${props.prefix} recovery point to the second vault failed`,
        namespace: "AWS/Backup",
        metricName: "NumberOfCopyJobsFailed",
        dimensions: byVault,
        ...hourly,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    }

    if (props.mongodump) {
      const metric = (key: string, name: string, pattern: string) => {
        const metricName = `${props.prefix}-${name}`;
        new CloudwatchLogMetricFilter(this, key, {
          name: metricName,
          logGroupName: props.mongodump!.logGroupName,
          pattern,
          metricTransformation: { name: metricName, namespace: LOG_METRIC_NAMESPACE, value: "1" },
        });
        return metricName;
      };
      alarm("mongodump-failed", {
        alarmDescription: `The logical MongoDB backup of ${props.prefix} failed (log stream mongodb-backup/*); the previous dumps are kept`,
        namespace: LOG_METRIC_NAMESPACE,
        metricName: metric("mongodump-failed-filter", "mongodump-failed", DUMP_REPORT_FILTERS.failed),
        ...hourly,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
      alarm("mongodump-missing", {
        alarmDescription: `No logical MongoDB backup of ${props.prefix} completed in ${props.alarmAfterHours} hours (the task did not run, did not start, or failed)`,
        namespace: LOG_METRIC_NAMESPACE,
        metricName: metric("mongodump-succeeded-filter", "mongodump-succeeded", DUMP_REPORT_FILTERS.succeeded),
        ...hourly,
        ...missingWindow,
      });
    }
  }
}
