/**
 * Existing VPC: Cloud Exchange in a VPC the network team already runs, with
 * an internal HTTPS load balancer for the corporate network. No VPC, subnet,
 * NAT gateway, route or network ACL is created.
 */
import { defineEnvironment } from "../../modules";

export default defineEnvironment({
  name: "existing-vpc",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  network: {
    mode: "existing",
    vpcId: "vpc-0c1d2e3f4a5b60718",
    vpcCidr: "10.50.0.0/16",
    // Private subnets with a route to the internet (NAT), one per zone, in the order of availabilityZones.
    privateSubnetIds: ["subnet-0c1d2e3f4a5b60711", "subnet-0c1d2e3f4a5b60722"],
  },
  size: { preset: "medium" },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/2b6c1f0e-8d4a-4c3b-9e7f-5a1d0c2b3e41",
    // Users reach the UI from the corporate network (VPN, Direct Connect) and from the VPC itself.
    allowedCidrs: ["10.0.0.0/8"],
  },
  // The pipeline's plan and deploy roles (examples/pipeline/ce-existing-vpc.json) are the only writers of this
  // environment's state, and every role the stack creates carries the boundary the deploy role may only create roles with.
  state: {
    bucket: "example-cloud-exchange-tfstate-123456789012",
    region: "us-east-1",
    writers: ["arn:aws:iam::123456789012:role/ce-existing-vpc-pipeline-plan", "arn:aws:iam::123456789012:role/ce-existing-vpc-pipeline-deploy"],
  },
  iam: { permissionsBoundaryName: "ce-existing-vpc-pipeline-boundary" },
  tags: { Owner: "security-platform", CostCenter: "secops" },
});
