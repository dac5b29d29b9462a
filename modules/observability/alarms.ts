/**
 * Alarms of an environment and the KMS-encrypted SNS topic they notify:
 * a service running fewer tasks than desired, CPU and memory high, unhealthy
 * load-balancer targets, and (HA) a replica-set member going down, derived
 * from mongod's own log lines. SNS delivery-status logging is on, as the
 * official guide recommends doing by hand.
 */
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { policyDocument, serviceTrustPolicy } from "../iam/policy";


/** CloudWatch namespace of the metrics read from the containers' log lines. */
export const LOG_METRIC_NAMESPACE = "CloudExchange";
/** A service the alarms watch. */
export interface WatchedService {
  /** Short label used in alarm names, e.g. `service` or `node-2`. */
  readonly label: string;
  /** ECS service name. */
  readonly serviceName: string;
}

/** Props of {@link Alarms}. */
export interface AlarmsProps extends AwsLocation {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** KMS key of the topic. */
  readonly kmsKeyArn: string;
  /** E-mail subscribers. */
  readonly emails: readonly string[];
  /** Cluster of the services. */
  readonly clusterName: string;
  /** Services, one per node. */
  readonly services: readonly WatchedService[];
  /** Average CPU utilization, percent, above which the CPU alarm fires. */
  readonly cpuUtilizationPercent: number;
  /** Average memory utilization, percent, above which the memory alarm fires. */
  readonly memoryUtilizationPercent: number;
  /** Consecutive 5-minute periods before CPU/memory alarms fire. */
  readonly evaluationPeriods: number;
  /** The UI target group and its load balancer (ARN suffixes), when the stack has an ALB. Default: none (no target alarm). */
  readonly loadBalancer?: { readonly targetGroupArnSuffix: string; readonly loadBalancerArnSuffix: string };
  /** HA: the container log group where mongod logs member state changes. Default: none (no replica-set alarm). */
  readonly replicaSet?: { readonly logGroupName: string };
  /**
   * TLS inside the task: the container log group where the init container and
   * RabbitMQ report the days left on the generated certificates, and the days
   * below which the alarm fires (a task start renews them then). Default: none.
   */
  readonly certificates?: { readonly logGroupName: string; readonly renewBeforeDays: number };
  /**
   * HA: the container log group where each node's RabbitMQ reports its cluster
   * membership (modules/ha/scripts/rabbitmq-cluster.sh). Default: none.
   */
  readonly rabbitmqMembership?: { readonly logGroupName: string };
}

/** The membership reports of the HA nodes' RabbitMQ, and those of a node running outside its cluster. */
export const MEMBERSHIP_FILTERS = {
  report: '{ $.event = "ce-rabbitmq-membership" }',
  outside: '{ ($.event = "ce-rabbitmq-membership") && ($.outside = 1) }',
} as const;

/** The JSON log lines the certificate reports write (modules/workload/scripts/certificate-report.sh). */
export const CERTIFICATE_REPORT_FILTER = '{ $.event = "ce-certificate" }';

/** mongod's structured log line when a member becomes unreachable (log id 21215, "Member is in new state"). */
export const MEMBER_DOWN_FILTER = '{ ($.msg = "Member is in new state") && ($.attr.newState = "(not reachable/healthy)") }';

/** The alarm topic and alarms. */
export class Alarms extends Construct {
  /** The topic alarms notify. */
  readonly topic: SnsTopic;
  /** Every alarm. */
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const feedbackRole = new IamRole(this, "delivery-status-role", {
      name: `${props.prefix}-sns-delivery-status`,
      description: `Lets SNS log delivery status of the ${props.prefix} alarm topic`,
      assumeRolePolicy: serviceTrustPolicy("sns.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "delivery-status-role-policy", {
      role: feedbackRole.id,
      name: "write-delivery-status-logs",
      policy: policyDocument([
        {
          Sid: "WriteDeliveryStatusLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:PutMetricFilter", "logs:PutRetentionPolicy"],
          Resource: `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:sns/${props.region}/${props.accountId}/${props.prefix}-alarms*`,
        },
      ]),
    });
    const feedback = {
      httpSuccessFeedbackRoleArn: feedbackRole.arn,
      httpFailureFeedbackRoleArn: feedbackRole.arn,
      httpSuccessFeedbackSampleRate: 100,
      lambdaSuccessFeedbackRoleArn: feedbackRole.arn,
      lambdaFailureFeedbackRoleArn: feedbackRole.arn,
      lambdaSuccessFeedbackSampleRate: 100,
      sqsSuccessFeedbackRoleArn: feedbackRole.arn,
      sqsFailureFeedbackRoleArn: feedbackRole.arn,
      sqsSuccessFeedbackSampleRate: 100,
    };
    this.topic = new SnsTopic(this, "topic", {
      name: `${props.prefix}-alarms`,
      displayName: `Cloud Exchange ${props.prefix} alarms`,
      kmsMasterKeyId: props.kmsKeyArn,
      ...feedback,
    });
    new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          Sid: "CloudWatchAlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: "sns:Publish",
          Resource: this.topic.arn,
          Condition: {
            StringEquals: { "aws:SourceAccount": props.accountId },
            ArnLike: { "aws:SourceArn": `arn:${props.partition}:cloudwatch:${props.region}:${props.accountId}:alarm:${props.prefix}-*` },
          },
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sns:Publish",
          Resource: this.topic.arn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    });
    props.emails.forEach((email, i) =>
      new SnsTopicSubscription(this, `email-subscription_${i + 1}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email }),
    );

    const actions = { alarmActions: [this.topic.arn], okActions: [this.topic.arn] };
    const alarm = (key: string, config: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], "alarmName" | "alarmActions" | "okActions">) => {
      const created = new CloudwatchMetricAlarm(this, key, { alarmName: `${props.prefix}-${key}`, ...actions, ...config });
      this.alarms.push(created);
      return created;
    };
    /** A metric from the containers' log lines (JSON reports, or a count of matching lines); returns the metric's name. */
    const logMetric = (filterKey: string, metric: string, logGroupName: string, pattern: string, value: string, defaultValue?: string) => {
      const name = `${props.prefix}-${metric}`;
      new CloudwatchLogMetricFilter(this, filterKey, {
        name,
        logGroupName,
        pattern,
        metricTransformation: { name, namespace: LOG_METRIC_NAMESPACE, value, ...(defaultValue !== undefined ? { defaultValue } : {}) },
      });
      return name;
    };
    const namespace = LOG_METRIC_NAMESPACE;

    for (const service of props.services) {
      const dimensions = { ClusterName: props.clusterName, ServiceName: service.serviceName };
      alarm(`${service.label}-running-tasks`, {
        alarmDescription: `${service.serviceName} runs fewer tasks than desired (1): Cloud Exchange${props.services.length > 1 ? " loses a node" : " is down"}`,
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensions,
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 5,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
      });
      const utilization = [
        ["cpu", "CPUUtilization", "CPU", props.cpuUtilizationPercent],
        ["memory", "MemoryUtilization", "memory", props.memoryUtilizationPercent],
      ] as const;
      for (const [key, metricName, what, threshold] of utilization) {
        alarm(`${service.label}-${key}-high`, {
          alarmDescription: `${service.serviceName} ${what} above ${threshold} %`,
          namespace: "AWS/ECS",
          metricName,
          dimensions,
          statistic: "Average",
          period: 300,
          evaluationPeriods: props.evaluationPeriods,
          threshold,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
        });
      }
    }

    if (props.loadBalancer) {
      const dimensions = { TargetGroup: props.loadBalancer.targetGroupArnSuffix, LoadBalancer: props.loadBalancer.loadBalancerArnSuffix };
      alarm("unhealthy-targets", {
        alarmDescription: "A Cloud Exchange UI target fails the load balancer health check",
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions,
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 5,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    }

    if (props.certificates) {
      const metricName = logMetric("certificate-days-left-filter", "certificate-days-left", props.certificates.logGroupName, CERTIFICATE_REPORT_FILTER, "$.daysLeft");
      alarm("certificate-expiry", {
        alarmDescription:
          `A certificate Cloud Exchange's containers use (internal TLS or its CA) expires within ${props.certificates.renewBeforeDays} days; ` +
          "redeploy the service(s) to renew it (docs/runbooks.md, rotating the internal certificates)",
        namespace,
        metricName,
        statistic: "Minimum",
        period: 21600,
        evaluationPeriods: 1,
        threshold: props.certificates.renewBeforeDays,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "missing",
      });
    }

    if (props.rabbitmqMembership) {
      const group = props.rabbitmqMembership.logGroupName;
      const outside = logMetric("rabbitmq-outside-cluster-filter", "rabbitmq-node-outside-cluster", group, MEMBERSHIP_FILTERS.outside, "1", "0");
      const below = logMetric("rabbitmq-queues-below-members-filter", "rabbitmq-queues-below-members", group, MEMBERSHIP_FILTERS.report, "$.queuesBelowMembers");
      alarm("rabbitmq-node-outside-cluster", {
        alarmDescription: "A node's RabbitMQ runs a cluster of its own while the other nodes run theirs (a split); docs/runbooks.md",
        namespace,
        metricName: outside,
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
      alarm("rabbitmq-queues-below-members", {
        alarmDescription: "A Cloud Exchange quorum queue has fewer members than nodes for 15 minutes: losing another node would stop it",
        namespace,
        metricName: below,
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 3,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    }

    if (props.replicaSet) {
      const metricName = logMetric("replica-set-member-down-filter", "replica-set-member-down", props.replicaSet.logGroupName, MEMBER_DOWN_FILTER, "1", "0");
      alarm("replica-set-member-down", {
        alarmDescription: "A MongoDB replica-set member reports another member as not reachable/healthy",
        namespace,
        metricName,
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    }
  }
}
