/** Development: CE 6.1 on the smallest size CE 6 runs (Medium), standalone, easy to tear down. */
import { defineEnvironment, shared } from "./_shared";

export default defineEnvironment({
  ...shared,
  name: "dev",
  size: { preset: "medium" },
  ingress: { mode: "alb", deletionProtection: false },
  logs: { retentionDays: 30 },
  // ECS Exec for debugging; staging and prod keep it off (docs/runbooks.md: break-glass access).
  workload: { enableExecuteCommand: true },
  alarms: { evaluationPeriods: 3 },
  tags: { ...shared.tags, Stage: "dev" },
});
