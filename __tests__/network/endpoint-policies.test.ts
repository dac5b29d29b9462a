/**
 * With a proxy as the only way out, the VPC endpoints are the other way out:
 * their policies must keep data inside the account. Attacker: code in a task
 * (or anything else in the VPC) holding credentials of this account, or of
 * another account, sending data through the endpoints to another account's
 * bucket, log group, secret or repository instead of through the proxy. The
 * endpoint policies are evaluated together with an identity policy that
 * allows everything (the worst the caller's credentials could carry).
 */
import { ACCOUNT, baseEnvironment } from "../support/fixtures";
import { evaluateAccess } from "../support/iam-simulator";
import { resourcesOf, StackJson, synthEnvironment } from "../support/synth";

const OTHER = "999999999999";
// CE 5.0's Marketplace images live in another account's registry in us-east-1.
const REGION = "us-east-1";
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/ce-proxied-task`;
const allowAll = [{ Effect: "Allow", Action: "*", Resource: "*" }];
/** The resource policy of another account's bucket, log group, secret or repository that welcomes anyone: the attacker's drop box. */
const openToAnyone = [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }];
/** What an endpoint allows when it has no policy: everything. */
const AWS_DEFAULT_ENDPOINT_POLICY = { Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] };

/** The policy of the endpoint of a service, as AWS applies it. */
function endpointPolicy(stack: StackJson, service: string): Record<string, any>[] {
  const found = resourcesOf(stack, "aws_vpc_endpoint").find(([, e]) => e.service_name === `com.amazonaws.${REGION}.${service}`);
  if (!found) throw new Error(`no ${service} endpoint`);
  return (found[1].policy ? JSON.parse(found[1].policy) : AWS_DEFAULT_ENDPOINT_POLICY).Statement;
}

describe("VPC endpoint policies with a proxy", () => {
  // CE 5.0 pulls from the Marketplace's ECR registry, another account's repositories.
  const stack = synthEnvironment(
    baseEnvironment({
      name: "proxied",
      region: REGION,
      availabilityZones: [`${REGION}a`, `${REGION}b`],
      release: "5.0",
      size: { preset: "small" },
      workload: { enableExecuteCommand: true },
      proxy: { httpsUrl: "http://proxy.corp.example:3128" },
    }),
  );
  const through = (service: string, action: string, resource: string, resourceAccount: string, principal = TASK_ROLE) =>
    evaluateAccess({ identity: allowAll, resource: openToAnyone, endpoint: endpointPolicy(stack, service), resourceAccount }, { principal, action, resource });

  it("let S3 reach only this account's buckets, and ECR's layer bucket for reading", () => {
    expect(through("s3", "s3:PutObject", "arn:aws:s3:::attacker-drop/loot", OTHER)).not.toBe("allowed");
    expect(through("s3", "s3:PutObject", `arn:aws:s3:::ce-proxied-alb-logs-${ACCOUNT}-${REGION}/x`, ACCOUNT)).toBe("allowed");
    const layers = `arn:aws:s3:::prod-${REGION}-starport-layer-bucket/sha256/abc`;
    expect(through("s3", "s3:GetObject", layers, "000000000000")).toBe("allowed");
    expect(through("s3", "s3:PutObject", layers, "000000000000")).not.toBe("allowed");
  });

  it("let CloudWatch Logs and Secrets Manager reach only this account's log groups and secrets", () => {
    expect(through("logs", "logs:PutLogEvents", `arn:aws:logs:${REGION}:${OTHER}:log-group:exfil:log-stream:s`, OTHER)).not.toBe("allowed");
    expect(through("logs", "logs:CreateLogGroup", `arn:aws:logs:${REGION}:${OTHER}:log-group:exfil`, OTHER)).not.toBe("allowed");
    expect(through("logs", "logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/cloud-exchange/proxied:log-stream:s`, ACCOUNT)).toBe("allowed");
    expect(through("secretsmanager", "secretsmanager:PutSecretValue", `arn:aws:secretsmanager:${REGION}:${OTHER}:secret:exfil-AbCdEf`, OTHER)).not.toBe("allowed");
    expect(through("secretsmanager", "secretsmanager:CreateSecret", `arn:aws:secretsmanager:${REGION}:${OTHER}:secret:exfil-AbCdEf`, OTHER)).not.toBe("allowed");
    expect(through("secretsmanager", "secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ce/proxied/jwt-secret-AbCdEf`, ACCOUNT)).toBe("allowed");
  });

  it("let ECR push nowhere outside this account, and pull only this account's and the environment's image repositories", () => {
    const marketplace = `arn:aws:ecr:${REGION}:709825985650:repository/netskope/core5`;
    for (const service of ["ecr.api", "ecr.dkr"]) {
      expect(through(service, "ecr:InitiateLayerUpload", `arn:aws:ecr:${REGION}:${OTHER}:repository/exfil`, OTHER)).not.toBe("allowed");
      expect(through(service, "ecr:PutImage", marketplace, "709825985650")).not.toBe("allowed");
      expect(through(service, "ecr:BatchGetImage", `arn:aws:ecr:${REGION}:${OTHER}:repository/any`, OTHER)).not.toBe("allowed");
      expect(through(service, "ecr:BatchGetImage", marketplace, "709825985650")).toBe("allowed");
      expect(through(service, "ecr:PutImage", `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/ce-proxied-docker-hub/x`, ACCOUNT)).toBe("allowed");
      expect(through(service, "ecr:GetAuthorizationToken", "*", ACCOUNT)).toBe("allowed");
    }
  });

  it("serve no principal of another account, whatever it asks for", () => {
    const stranger = `arn:aws:iam::${OTHER}:role/intruder`;
    expect(through("ecr.api", "ecr:GetAuthorizationToken", "*", OTHER, stranger)).not.toBe("allowed");
    expect(through("ssmmessages", "ssmmessages:OpenDataChannel", "*", OTHER, stranger)).not.toBe("allowed");
    expect(through("ssmmessages", "ssmmessages:OpenDataChannel", "*", ACCOUNT)).toBe("allowed");
    expect(through("s3", "s3:PutObject", "arn:aws:s3:::attacker-drop/loot", OTHER, stranger)).not.toBe("allowed");
  });

  it("leave the S3 gateway endpoint open without a proxy, where the tasks reach every bucket through NAT anyway", () => {
    const direct = synthEnvironment(baseEnvironment({ name: "direct", network: { mode: "new", s3GatewayEndpoint: true } }));
    const [[, endpoint]] = resourcesOf(direct, "aws_vpc_endpoint");
    expect(endpoint.policy).toBeUndefined();
  });
});
