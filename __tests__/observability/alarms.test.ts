/** Log groups and alarms: KMS everywhere, retention, the alarms the issue lists, an encrypted topic. */
import { baseEnvironment, CERTIFICATE_ARN } from "../support/fixtures";
import { onlyResource, policyOf, ref, resourceNamed, resourcesOf, synthEnvironment } from "../support/synth";

describe("log groups", () => {
  const stack = synthEnvironment(baseEnvironment({ logs: { retentionDays: 90 } }));

  it("are KMS-encrypted with the environment's retention", () => {
    expect(resourceNamed(stack, "aws_cloudwatch_log_group", "logs_containers")).toMatchObject({
      name: "/ecs/cloud-exchange/test",
      retention_in_days: 90,
      kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
    });
    for (const [, group] of resourcesOf(stack, "aws_cloudwatch_log_group")) expect(group.kms_key_id).toBe(ref("aws_kms_key", "encryption-key_key", "arn"));
  });

  it("may be encrypted by CloudWatch Logs under the key's policy, for this account's log groups only", () => {
    const statement = policyOf(onlyResource(stack, "aws_kms_key").policy).Statement.find((s) => s.Sid === "CloudWatchLogsEncryptsLogGroups");
    expect(statement).toMatchObject({
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:210987654321:log-group:*" } },
    });
    expect(onlyResource(stack, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
  });
});

describe("alarms", () => {
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN }, alarms: { emails: ["oncall@example.com"], cpuUtilizationPercent: 70 } }));
  // The backups' own alarms are the backup suite's (__tests__/backup); these are the service's.
  const alarms = Object.fromEntries(resourcesOf(stack, "aws_cloudwatch_metric_alarm").filter(([name]) => name.startsWith("alarms_")).map(([name, a]) => [name.replace("alarms_", ""), a]));
  const topic = ref("aws_sns_topic", "alarms_topic", "arn");

  it("cover running tasks, CPU, memory and unhealthy targets", () => {
    expect(Object.keys(alarms).sort()).toEqual(["certificate-expiry", "service-cpu-high", "service-memory-high", "service-running-tasks", "unhealthy-targets"]);
    expect(alarms["service-running-tasks"]).toMatchObject({
      namespace: "ECS/ContainerInsights",
      metric_name: "RunningTaskCount",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
      dimensions: { ClusterName: ref("aws_ecs_cluster", "cluster_cluster", "name"), ServiceName: ref("aws_ecs_service", "workload_service_service", "name") },
    });
    expect(alarms["service-cpu-high"]).toMatchObject({ namespace: "AWS/ECS", metric_name: "CPUUtilization", threshold: 70, comparison_operator: "GreaterThanThreshold" });
    expect(alarms["service-memory-high"]).toMatchObject({ metric_name: "MemoryUtilization", threshold: 85 });
    expect(alarms["unhealthy-targets"]).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "UnHealthyHostCount",
      threshold: 0,
      dimensions: { TargetGroup: ref("aws_lb_target_group", "ingress_target-group", "arn_suffix"), LoadBalancer: ref("aws_lb", "ingress_load-balancer", "arn_suffix") },
    });
    for (const alarm of Object.values(alarms) as any[]) expect(alarm).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
  });

  it("warn before a generated certificate expires, from the days left the containers report", () => {
    expect(resourceNamed(stack, "aws_cloudwatch_log_metric_filter", "alarms_certificate-days-left-filter")).toMatchObject({
      name: "ce-test-certificate-days-left",
      log_group_name: ref("aws_cloudwatch_log_group", "logs_containers", "name"),
      pattern: '{ $.event = "ce-certificate" }',
      metric_transformation: { name: "ce-test-certificate-days-left", namespace: "CloudExchange", value: "$.daysLeft" },
    });
    expect(alarms["certificate-expiry"]).toMatchObject({
      namespace: "CloudExchange",
      metric_name: "ce-test-certificate-days-left",
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 30,
      period: 21600,
    });
    const soon = synthEnvironment(baseEnvironment({ internalTls: { renewBeforeDays: 60 } }));
    expect(resourceNamed(soon, "aws_cloudwatch_metric_alarm", "alarms_certificate-expiry").threshold).toBe(60);
    // CE 5.0 has no TLS inside the task, so nothing to warn about.
    expect(synthEnvironment(baseEnvironment({ release: "5.0" })).resource?.aws_cloudwatch_log_metric_filter).toBeUndefined();
  });

  it("notify a KMS-encrypted topic with delivery-status logging and the e-mail subscriber", () => {
    expect(onlyResource(stack, "aws_sns_topic")).toMatchObject({
      name: "ce-test-alarms",
      kms_master_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
      http_failure_feedback_role_arn: ref("aws_iam_role", "alarms_delivery-status-role", "arn"),
      sqs_success_feedback_sample_rate: 100,
    });
    expect(onlyResource(stack, "aws_sns_topic_subscription")).toMatchObject({ topic_arn: topic, protocol: "email", endpoint: "oncall@example.com" });
    const publish = policyOf(onlyResource(stack, "aws_sns_topic_policy").policy).Statement[0];
    expect(publish).toMatchObject({ Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } } });
    expect(policyOf(onlyResource(stack, "aws_kms_key").policy).Statement.map((s) => s.Sid)).toContain("CloudWatchAlarmsPublishToEncryptedTopics");
  });

  it("can be turned off", () => {
    const off = synthEnvironment(baseEnvironment({ alarms: { enabled: false } }));
    expect(off.resource?.aws_cloudwatch_metric_alarm).toBeUndefined();
    expect(off.resource?.aws_sns_topic).toBeUndefined();
    expect(policyOf(onlyResource(off, "aws_kms_key").policy).Statement.map((s) => s.Sid)).not.toContain("CloudWatchAlarmsPublishToEncryptedTopics");
  });
});
