/**
 * The standby of prod in a second region (us-west-2): its own network, cluster, image cache, key, vault
 * and Terraform state there, its services at zero tasks on the replica of prod's file system and with
 * prod's secrets replicated under its key, until `npm run failover -- prod-standby` promotes it
 * (docs/runbooks.md, failing over). Its state lives in a bucket of its own region, so it can be planned and
 * promoted while us-east-1 is down.
 */
import { defineEnvironment, pipelineOf, shared } from "./_shared";

/** prod's secrets, replicated to us-west-2 (the same ARNs with this region: prod's stack output secret-arns). */
const replica = (name: string) => `arn:aws:secretsmanager:us-west-2:123456789012:secret:ce/prod/${name}-AbCdEf`;

export default defineEnvironment({
  ...shared,
  // Its pipeline (examples/pipeline/ce-prod-standby.json), its state in a bucket of its own region.
  ...pipelineOf("prod-standby", { bucket: "example-cloud-exchange-tfstate-123456789012-us-west-2", region: "us-west-2" }),
  name: "prod-standby",
  region: "us-west-2",
  availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
  variant: "ha",
  size: { preset: "large" },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/2c9d4e1f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
    allowedCidrs: ["10.20.0.0/16"],
  },
  secrets: {
    mode: "existing",
    jwtSecretArn: replica("jwt-secret"),
    maintenanceSecretArn: replica("maintenance"),
    clusterSecretArn: replica("cluster"),
    backupSecretArn: replica("backup"),
  },
  // Docker Hub's images through an ECR cache in us-west-2: a promotion pulls in-region.
  images: { pullThroughCache: { credentialsSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:ecr-pullthroughcache/docker-hub-Xy12Ab" } },
  logs: { retentionDays: 731 },
  alarms: { emails: ["secops-oncall@example.com"], evaluationPeriods: 2 },
  backup: { retentionDays: 90 },
  standby: {
    primary: "prod",
    primaryRegion: "us-east-1",
    promoted: false,
    clientDns: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "ce.example.com" },
  },
  tags: { ...shared.tags, Stage: "prod" },
});
