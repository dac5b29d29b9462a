/**
 * Log groups of an environment: the containers' and the ECS Exec audit
 * trail, both KMS-encrypted with a retention. The audit group exists whether
 * ECS Exec is on or off and carries prevent_destroy: turning Exec off again
 * (the break-glass runbook) must never delete the record of the sessions.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";

/** Props of {@link LogGroups}. */
export interface LogGroupsProps {
  /** Environment name; groups are `/ecs/cloud-exchange/<name>` and `.../exec`. */
  readonly environmentName: string;
  /** KMS key of the groups. */
  readonly kmsKeyArn: string;
  /** Retention in days. */
  readonly retentionDays: number;
  /** Whether ECS Exec is on: {@link LogGroups.executeCommand} is then the audit group. The group exists either way. */
  readonly executeCommandAudit: boolean;
  /** Leave the audit group without prevent_destroy (protection.allowDestroy). Default false. */
  readonly allowDestroy?: boolean;
}

/** The log groups. */
export class LogGroups extends Construct {
  /** The containers' log group. */
  readonly containers: CloudwatchLogGroup;
  /** The ECS Exec audit group, always created and protected. */
  readonly executeCommandAudit: CloudwatchLogGroup;
  /** The ECS Exec audit group when ECS Exec is on (what the cluster and the task role are given), else undefined. */
  readonly executeCommand?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: LogGroupsProps) {
    super(scope, id);
    this.containers = new CloudwatchLogGroup(this, "containers", {
      name: `/ecs/cloud-exchange/${props.environmentName}`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.executeCommandAudit = new CloudwatchLogGroup(this, "execute-command", {
      name: `/ecs/cloud-exchange/${props.environmentName}/exec`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    protectFromDestroy(this.executeCommandAudit, props.allowDestroy ?? false);
    if (props.executeCommandAudit) this.executeCommand = this.executeCommandAudit;
  }
}
