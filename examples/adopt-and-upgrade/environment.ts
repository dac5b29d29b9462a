/**
 * Adopt and upgrade: take over a CE 5.0 deployment made with Netskope's
 * official CloudFormation template, in place (its file system, mount targets
 * and access points are imported; nothing is copied or replaced), and move
 * its data to CE 6.1 in the same deploy. docs/upgrades.md gives the steps;
 * `npm run cutover` prints them with these identifiers.
 */
import { defineEnvironment } from "../../modules";

const secret = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:ce/adopt-upgrade/${name}-Ab12Cd`;

export default defineEnvironment({
  name: "adopt-upgrade",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  release: "6.1",
  upgrade: { fromRelease: "5.0" },
  size: { preset: "medium" },
  // Keep the template's throughput mode (bursting); elastic would bill reads and writes by the gigabyte.
  storage: { throughputMode: "bursting" },
  // The official stack's VPC and private subnets: a file system's mount targets all share one VPC.
  network: {
    mode: "existing",
    vpcId: "vpc-0e1f2a3b4c5d60718",
    vpcCidr: "172.16.0.0/16",
    privateSubnetIds: ["subnet-0e1f2a3b4c5d60711", "subnet-0e1f2a3b4c5d60722"],
  },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a",
  },
  // Created empty first, then filled from the official stack's values by the cut-over (docs/upgrades.md); the
  // backup secret with a generated MONGO_BACKUP_PASSWORD of your own, for the logical backup's user (docs/secrets.md).
  secrets: {
    mode: "existing",
    jwtSecretArn: secret("jwt-secret"),
    maintenanceSecretArn: secret("maintenance"),
    clusterSecretArn: secret("cluster"),
    backupSecretArn: secret("backup"),
  },
  adopt: {
    // `aws efs describe-file-systems` and `describe-mount-targets` / `describe-access-points` of the official stack.
    fileSystemId: "fs-0e1f2a3b4c5d60789",
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-4697-8877-665544332211",
    creationToken: "netsk-Netsk-9Z8Y7X6W5V4U3",
    // By the private subnet each mount target is in (`aws efs describe-mount-targets`).
    mountTargetIds: { "subnet-0e1f2a3b4c5d60711": "fsmt-0e1f2a3b4c5d60701", "subnet-0e1f2a3b4c5d60722": "fsmt-0e1f2a3b4c5d60702" },
    accessPointIds: {
      "mongo-data": "fsap-0e1f2a3b4c5d60711",
      "custom-plugins": "fsap-0e1f2a3b4c5d60712",
      repos: "fsap-0e1f2a3b4c5d60713",
      "ssl-certs": "fsap-0e1f2a3b4c5d60714",
    },
    officialStack: { name: "netskope-ce", clusterName: "Netskope-CE-prod-Cluster", serviceName: "NetskopeCloudExchange-prod" },
  },
  // The pipeline's plan and deploy roles (examples/pipeline/ce-adopt-upgrade.json) are the only writers of this
  // environment's state, and every role the stack creates carries the boundary the deploy role may only create roles with.
  state: {
    bucket: "example-cloud-exchange-tfstate-123456789012",
    region: "us-east-1",
    writers: ["arn:aws:iam::123456789012:role/ce-adopt-upgrade-pipeline-plan", "arn:aws:iam::123456789012:role/ce-adopt-upgrade-pipeline-deploy"],
  },
  iam: { permissionsBoundaryName: "ce-adopt-upgrade-pipeline-boundary" },
  tags: { Owner: "security-platform", CostCenter: "secops" },
});
