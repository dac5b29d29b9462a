/** Staging: production-like size and HTTPS, standalone, with the Prisma Cloud Fargate Defender updater scheduled nightly. */
import { defineEnvironment, pipelineOf, shared } from "./_shared";

export default defineEnvironment({
  ...shared,
  ...pipelineOf("staging"),
  name: "staging",
  size: { preset: "medium" },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f6a2c2e-6f7e-4c57-9a53-1a6f4a1d8b21",
    allowedCidrs: ["172.16.0.0/16", "10.20.0.0/16"],
  },
  tlsVersion: "TLSv1.2 TLSv1.3",
  alarms: { emails: ["secops-oncall@example.com"] },
  defender: {
    enabled: true,
    image: { repository: "123456789012.dkr.ecr.us-east-1.amazonaws.com/prisma/fargate-updater", tag: "2026.11.1" },
    pccSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:PCCAccessSecret-Xy12Ab",
    // The application clusters of staging; never ce-staging (Terraform owns CE's task definition) or another environment's.
    clusters: ["apps-staging"],
    passRoles: ["apps-staging-*"],
    run: { mode: "scheduled", scheduleExpression: "cron(0 3 * * ? *)", timezone: "Europe/Berlin" },
  },
  tags: { ...shared.tags, Stage: "staging" },
});
