/** Development: the smallest size, standalone, easy to tear down. */
import { defineEnvironment, shared } from "./_shared";

export default defineEnvironment({
  ...shared,
  name: "dev",
  size: { preset: "extra-small" },
  ingress: { mode: "alb", deletionProtection: false },
  logs: { retentionDays: 30 },
  alarms: { evaluationPeriods: 3 },
  tags: { ...shared.tags, Stage: "dev" },
});
