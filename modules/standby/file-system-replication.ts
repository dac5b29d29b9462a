/**
 * The primary's half of a standby region: EFS replication of the primary's
 * file system into the standby's (a file system the standby's own stack
 * created, with its replication overwrite protection off, so no stack ever
 * imports a file system the replication made), and the alarm when the last
 * successful sync grows older than the environment allows. EFS is designed
 * to keep the replica within 15 minutes of the source for most file systems.
 *
 * The primary owns the replication because it is configured on the primary's
 * file system, in the primary's region; the standby's stack then never calls
 * the primary's region, so it plans and promotes while that region is down.
 * The failover deletes the replication from the standby's side
 * (npm run failover).
 */
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EfsReplicationConfiguration } from "@cdktf/provider-aws/lib/efs-replication-configuration";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";

/** Props of {@link FileSystemReplication}. */
export interface FileSystemReplicationProps {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** The primary's file system. */
  readonly sourceFileSystemId: string;
  /** The standby's region. */
  readonly region: string;
  /** The standby's file system. */
  readonly destinationFileSystemId: string;
  /** Minutes since the last successful sync before the alarm fires. */
  readonly lagAlarmMinutes: number;
  /** Leave the replication without prevent_destroy. Default false. */
  readonly allowDestroy?: boolean;
}

/** The replication of the primary's file system to its standby's. */
export class FileSystemReplication extends Construct {
  /** The replication configuration. */
  readonly replication: EfsReplicationConfiguration;
  private readonly props: FileSystemReplicationProps;

  constructor(scope: Construct, id: string, props: FileSystemReplicationProps) {
    super(scope, id);
    this.props = props;
    this.replication = new EfsReplicationConfiguration(this, "replication", {
      sourceFileSystemId: props.sourceFileSystemId,
      destination: { region: props.region, fileSystemId: props.destinationFileSystemId },
    });
    // Deleting it makes the replica writable and ends the standby's protection: done on purpose, by the failover.
    protectFromDestroy(this.replication, props.allowDestroy ?? false);
  }

  /** The replication-lag alarm, on the environment's alarm topic. */
  addLagAlarm(topicArn: string): CloudwatchMetricAlarm {
    const p = this.props;
    return new CloudwatchMetricAlarm(this, "lag", {
      alarmName: `${p.prefix}-replication-lag`,
      alarmDescription: `The standby's replica of ${p.prefix}'s file system (${p.region}) last synced more than ${p.lagAlarmMinutes} minutes ago: a failover now would lose more (docs/runbooks.md, failing over)`,
      namespace: "AWS/EFS",
      metricName: "TimeSinceLastSync",
      dimensions: { FileSystemId: p.sourceFileSystemId, DestinationFileSystemId: p.destinationFileSystemId },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 3,
      threshold: p.lagAlarmMinutes * 60,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "breaching",
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
  }
}
