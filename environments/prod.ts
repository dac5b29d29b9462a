/** Production: CE 6.1 as the three-node HA variant, one Large node per availability zone, HTTPS. */
import { defineEnvironment, pipelineOf, shared } from "./_shared";

export default defineEnvironment({
  ...shared,
  ...pipelineOf("prod"),
  name: "prod",
  variant: "ha",
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  size: { preset: "large" },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/7d1e8c0b-3b1a-4a4e-8f0e-2f5b9c6d4e10",
    allowedCidrs: ["10.20.0.0/16"],
  },
  logs: { retentionDays: 731 },
  alarms: { emails: ["secops-oncall@example.com"], evaluationPeriods: 2 },
  // Its own vault under its key, locked (compliance mode after 3 days: no one deletes a recovery point before 35 days),
  // each recovery point also copied to the standby's vault in us-west-2 (environments/prod-standby.ts).
  backup: {
    retentionDays: 90,
    vaultLock: { minRetentionDays: 35, maxRetentionDays: 400, changeableForDays: 3 },
    copyTo: { vaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:ce-prod-standby" },
  },
  // Replicated to its standby in us-west-2 (environments/prod-standby.ts): the file system into the standby's
  // (its stack output file-system-id), the generated secrets under the standby's key.
  replication: { standby: "prod-standby", region: "us-west-2", fileSystemId: "fs-0b1c2d3e4f5a60789" },
  tags: { ...shared.tags, Stage: "prod" },
});
