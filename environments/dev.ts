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
});
