/**
 * Log groups of an environment: the containers' and the ECS Exec audit
 * trail, both KMS-encrypted with a retention.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";

/** Props of {@link LogGroups}. */
export interface LogGroupsProps {
  /** Environment name; groups are `/ecs/cloud-exchange/<name>` and `.../exec`. */
  readonly environmentName: string;
  /** KMS key of the groups. */
  readonly kmsKeyArn: string;
  /** Retention in days. */
  readonly retentionDays: number;
  /** Create the ECS Exec audit group. */
  readonly executeCommandAudit: boolean;
}

/** The log groups. */
export class LogGroups extends Construct {
  /** The containers' log group. */
  readonly containers: CloudwatchLogGroup;
  /** The ECS Exec audit group, when ECS Exec is on. */
  readonly executeCommand?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: LogGroupsProps) {
    super(scope, id);
    this.containers = new CloudwatchLogGroup(this, "containers", {
      name: `/ecs/cloud-exchange/${props.environmentName}`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    if (props.executeCommandAudit) {
      this.executeCommand = new CloudwatchLogGroup(this, "execute-command", {
        name: `/ecs/cloud-exchange/${props.environmentName}/exec`,
        retentionInDays: props.retentionDays,
        kmsKeyId: props.kmsKeyArn,
      });
    }
  }
}
