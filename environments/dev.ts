/** Development: CE 6.1 on the smallest size CE 6 runs (Medium), standalone, HTTPS, ECS Exec on, easy to tear down. */
import { defineEnvironment, pipelineOf, shared } from "./_shared";

export default defineEnvironment({
  ...shared,
  ...pipelineOf("dev"),
  name: "dev",
  size: { preset: "medium" },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/5b0e7a3c-2d4f-4e1a-9c8b-6f2d1e0a7b93",
    deletionProtection: false,
  },
  logs: { retentionDays: 30 },
  // ECS Exec for debugging; staging and prod keep it off (docs/runbooks.md: break-glass access).
  workload: { enableExecuteCommand: true },
  alarms: { evaluationPeriods: 3 },
  tags: { ...shared.tags, Stage: "dev" },
  // Controls dev does not meet on purpose; the policy suite accepts exactly these findings in ce-dev.
  policyExceptions: [
    {
      control: "ELB.6",
      resource: "aws_lb.ingress_load-balancer",
      reason: "dev sets ingress.deletionProtection: false on purpose: it is torn down and rebuilt freely. staging and prod keep it on.",
    },
    {
      control: "CloudWatch.16",
      resource: "aws_cloudwatch_log_group.*",
      reason: "dev keeps its container, ECS Exec and flow logs 30 days (logs.retentionDays): it holds no production data. staging and prod keep them a year or more.",
    },
  ],
});
