/**
 * Proxy only: the tasks reach the internet through the corporate proxy and
 * nothing else. AWS APIs go through VPC interface endpoints (created in the
 * new VPC) and S3's gateway endpoint; Docker Hub images come through an ECR
 * pull-through cache, because Fargate pulls images without the proxy.
 */
import { defineEnvironment } from "../../modules";

export default defineEnvironment({
  name: "proxy-only",
  accountId: "123456789012",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  network: { mode: "new", vpcCidr: "172.20.0.0/16" },
  size: { preset: "medium" },
  ingress: {
    mode: "alb",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/6e0a4c2b-1f3d-4b5a-8c7e-9d0f1a2b3c4d",
    allowedCidrs: ["10.0.0.0/8"],
  },
  proxy: {
    // The proxy sits in the corporate network, reached over the transit gateway.
    httpsUrl: "http://proxy.corp.example.com:3128",
    httpUrl: "http://proxy.corp.example.com:3128",
    egressCidrs: ["10.10.0.0/24"],
    noProxy: [".corp.example.com"],
  },
  images: {
    // Secret with the Docker Hub username and access token; ECR requires the ecr-pullthroughcache/ prefix.
    pullThroughCache: { credentialsSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-Ab12Cd" },
  },
  // The proxy inspects TLS: its CA certificate (PEM), written to core's CA directory at start.
  caCertificateSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:corp/proxy-ca-Ef34Gh",
  // The pipeline's plan and deploy roles (examples/pipeline/ce-proxy-only.json) are the only writers of this
  // environment's state, and every role the stack creates carries the boundary the deploy role may only create roles with.
  state: {
    bucket: "example-cloud-exchange-tfstate-123456789012",
    region: "us-east-1",
    writers: ["arn:aws:iam::123456789012:role/ce-proxy-only-pipeline-plan", "arn:aws:iam::123456789012:role/ce-proxy-only-pipeline-deploy"],
  },
  iam: { permissionsBoundaryName: "ce-proxy-only-pipeline-boundary" },
  tags: { Owner: "security-platform", CostCenter: "secops" },
});
