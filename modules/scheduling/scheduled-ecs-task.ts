/**
 * An ECS task run on a schedule by EventBridge Scheduler, with the role the
 * schedule uses kept to that one run:
 * - only this schedule may assume the role (its ARN is the trust policy's
 *   source condition: another schedule of the account cannot borrow it, the
 *   confused-deputy case);
 * - the role may run only the task definition revision Terraform registered,
 *   in this cluster (a revision registered outside Terraform by anyone who
 *   may register the family never runs with these roles), and hand that task
 *   only the roles it names, and only to ECS tasks.
 * The resources are created in the caller's scope with the ids
 * `scheduler-role`, `scheduler-role-policy` and `schedule`.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { policyDocument, serviceTrustPolicy } from "../iam/policy";

/** Props of scheduleEcsTask. */
export interface ScheduledEcsTaskProps extends AwsLocation {
  /** The schedule's name (in the default schedule group). */
  readonly scheduleName: string;
  /** What the schedule runs, for its description. */
  readonly description: string;
  /** A schedule expression: `rate(...)`, `cron(...)` or `at(...)`. */
  readonly scheduleExpression: string;
  /** The time zone of the expression. */
  readonly timezone: string;
  /** The name of the role the schedule uses. */
  readonly roleName: string;
  /** The role's description. */
  readonly roleDescription: string;
  /** The name of the role's inline policy, and its two statements' Sids. */
  readonly policy: { readonly name: string; readonly runSid: string; readonly passSid: string };
  /** The cluster the task runs in. */
  readonly clusterArn: string;
  /** The task definition's ARN with its revision: the revision Terraform registered. */
  readonly taskDefinitionArn: string;
  /** The roles the task definition names (execution and task roles), which the schedule hands to ECS. */
  readonly passRoleArns: readonly string[];
  /** Subnets of the task. */
  readonly subnetIds: readonly string[];
  /** The task's security group. */
  readonly securityGroupId: string;
}

/** Creates the schedule and its role; returns the schedule. */
export function scheduleEcsTask(scope: Construct, props: ScheduledEcsTaskProps): SchedulerSchedule {
  const { partition, region, accountId } = props;
  const role = new IamRole(scope, "scheduler-role", {
    name: props.roleName,
    description: props.roleDescription,
    assumeRolePolicy: serviceTrustPolicy("scheduler.amazonaws.com", accountId, `arn:${partition}:scheduler:${region}:${accountId}:schedule/default/${props.scheduleName}`),
  });
  new IamRolePolicy(scope, "scheduler-role-policy", {
    role: role.id,
    name: props.policy.name,
    policy: policyDocument([
      {
        Sid: props.policy.runSid,
        Effect: "Allow",
        Action: "ecs:RunTask",
        Resource: props.taskDefinitionArn,
        Condition: { ArnEquals: { "ecs:cluster": props.clusterArn } },
      },
      {
        Sid: props.policy.passSid,
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: props.passRoleArns.length === 1 ? props.passRoleArns[0] : [...props.passRoleArns],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ]),
  });
  return new SchedulerSchedule(scope, "schedule", {
    name: props.scheduleName,
    description: props.description,
    scheduleExpression: props.scheduleExpression,
    scheduleExpressionTimezone: props.timezone,
    state: "ENABLED",
    flexibleTimeWindow: { mode: "OFF" },
    target: {
      arn: props.clusterArn,
      roleArn: role.arn,
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      ecsParameters: {
        taskDefinitionArn: props.taskDefinitionArn,
        launchType: "FARGATE",
        platformVersion: "1.4.0",
        taskCount: 1,
        networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [props.securityGroupId], assignPublicIp: false },
      },
    },
  });
}
