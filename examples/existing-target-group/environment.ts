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
  state: { bucket: "example-cloud-exchange-tfstate-123456789012", region: "us-east-1" },
  tags: { Owner: "security-platform", CostCenter: "secops" },
});
