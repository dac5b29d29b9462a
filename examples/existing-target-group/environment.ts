/**
 * Existing target group: the UI registers with a target group of a load
 * balancer another team runs (a shared internal ALB with its own certificate
 * and WAF). No load balancer, listener or log bucket is created; the tasks
 * accept the UI port from that load balancer's security group only.
 */
import { defineEnvironment } from "../../modules";

export default defineEnvironment({
  name: "existing-tg",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  network: {
    mode: "existing",
    vpcId: "vpc-0c1d2e3f4a5b60718",
    vpcCidr: "10.50.0.0/16",
    privateSubnetIds: ["subnet-0c1d2e3f4a5b60711", "subnet-0c1d2e3f4a5b60722"],
  },
  size: { preset: "medium" },
  ingress: {
    mode: "existing-target-group",
    // IP targets, HTTPS on 3000 for CE 6.x (the UI serves its own certificate), health check on /.
    targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shared-ce-ui/0a1b2c3d4e5f6071",
    sourceSecurityGroupId: "sg-0c1d2e3f4a5b60799",
  },
  // The pipeline's plan and deploy roles (examples/pipeline/ce-existing-tg.json) are the only writers of this
  // environment's state, and every role the stack creates carries the boundary the deploy role may only create roles with.
  state: {
    bucket: "example-cloud-exchange-tfstate-123456789012",
    region: "us-east-1",
    writers: ["arn:aws:iam::123456789012:role/ce-existing-tg-pipeline-plan", "arn:aws:iam::123456789012:role/ce-existing-tg-pipeline-deploy"],
  },
  iam: { permissionsBoundaryName: "ce-existing-tg-pipeline-boundary" },
  tags: { Owner: "security-platform", CostCenter: "secops" },
});
