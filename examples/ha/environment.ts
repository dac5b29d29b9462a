/**
 * High availability: three Cloud Exchange nodes, one per availability zone,
 * in an existing VPC, behind an internal HTTPS load balancer. Logs go to the
 * SIEM over syslog/TLS and CloudWatch keeps 90 days, a reasoned exception to
 * CloudWatch.16 declared below.
 */
import { defineEnvironment } from "../../modules";

export default defineEnvironment({
  name: "ha",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  variant: "ha",
  network: {
    mode: "existing",
    vpcId: "vpc-0c1d2e3f4a5b60718",
    vpcCidr: "10.50.0.0/16",
    privateSubnetIds: ["subnet-0c1d2e3f4a5b60711", "subnet-0c1d2e3f4a5b60722", "subnet-0c1d2e3f4a5b60733"],
  },
  size: { preset: "large" },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    allowedCidrs: ["10.0.0.0/8"],
  },
  // The Log Shipper plugin sends CE's logs to the SIEM over syslog/TLS.
  egressRules: [{ port: 6514, cidr: "10.60.0.0/24", description: "syslog over TLS to the SIEM" }],
  logs: { retentionDays: 90 },
  policyExceptions: [
    {
      control: "CloudWatch.16",
      resource: "aws_cloudwatch_log_group.*",
      reason: "CE's logs go to the SIEM over syslog/TLS, which keeps them seven years; CloudWatch keeps 90 days for operators only.",
    },
  ],
  alarms: { emails: ["secops-oncall@example.com"] },
  // The pipeline's plan and deploy roles (examples/pipeline/ce-ha.json) are the only writers of this
  // environment's state, and every role the stack creates carries the boundary the deploy role may only create roles with.
  state: {
    bucket: "example-cloud-exchange-tfstate-123456789012",
    region: "us-east-1",
    writers: ["arn:aws:iam::123456789012:role/ce-ha-pipeline-plan", "arn:aws:iam::123456789012:role/ce-ha-pipeline-deploy"],
  },
  iam: { permissionsBoundaryName: "ce-ha-pipeline-boundary" },
  tags: { Owner: "security-platform", CostCenter: "secops" },
});
