/** The internal ALB: HTTPS with a TLS 1.3 policy and a redirect, hardened and logged; or plain HTTP; or none. */
import { EnvironmentInput, problemsOf } from "../../modules/config";
import { baseEnvironment, CERTIFICATE_ARN, EXISTING_NETWORK, TARGET_GROUP_ARN } from "../support/fixtures";
import { evaluateAccess, statementsOf } from "../support/iam-simulator";
import { onlyResource, policyOf, ref, resourceNamed, resourcesOf, synthEnvironment } from "../support/synth";

const lb = (attr: string) => ref("aws_lb", "ingress_load-balancer", attr);
const tg = (attr: string) => ref("aws_lb_target_group", "ingress_target-group", attr);

describe("load balancer with a certificate", () => {
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));

  it("is internal, protected, drops invalid headers and logs access", () => {
    expect(onlyResource(stack, "aws_lb")).toMatchObject({
      name: "ce-test",
      internal: true,
      load_balancer_type: "application",
      enable_deletion_protection: true,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "defensive",
      idle_timeout: 300,
      security_groups: [ref("aws_security_group", "security-groups_load-balancer", "id")],
      access_logs: { bucket: ref("aws_s3_bucket", "ingress_access-log-bucket_bucket", "bucket"), prefix: "alb", enabled: true },
      depends_on: ["aws_s3_bucket_policy.ingress_access-log-bucket_policy"],
    });
  });

  it("serves HTTPS with a TLS 1.3 policy and redirects HTTP to it", () => {
    expect(resourceNamed(stack, "aws_lb_listener", "ingress_https-listener")).toMatchObject({
      load_balancer_arn: lb("arn"),
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
      certificate_arn: CERTIFICATE_ARN,
      default_action: [{ type: "forward", target_group_arn: tg("arn") }],
    });
    expect(resourceNamed(stack, "aws_lb_listener", "ingress_http-listener")).toMatchObject({
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
    });
  });

  it("uses the TLS 1.2+1.3 policy when the UI allows TLS 1.2", () => {
    const twelve = synthEnvironment(baseEnvironment({ tlsVersion: "TLSv1.2 TLSv1.3", ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
    expect(resourceNamed(twelve, "aws_lb_listener", "ingress_https-listener").ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
  });

  it("health-checks the UI on port 3000 over HTTPS, which CE 6's UI serves, with the template's timings", () => {
    expect(onlyResource(stack, "aws_lb_target_group")).toMatchObject({
      name: "ce-test-ui-https",
      port: 3000,
      protocol: "HTTPS",
      target_type: "ip",
      deregistration_delay: "30",
      health_check: { enabled: true, protocol: "HTTPS", path: "/", matcher: "200", interval: 30, timeout: 10, healthy_threshold: 2, unhealthy_threshold: 3 },
      lifecycle: { create_before_destroy: true },
    });
  });

  it("health-checks CE 5.0's plain-HTTP UI over HTTP, under the template's name", () => {
    const legacy = synthEnvironment(baseEnvironment({ release: "5.0", ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
    expect(onlyResource(legacy, "aws_lb_target_group")).toMatchObject({ name: "ce-test-ui", protocol: "HTTP", health_check: { protocol: "HTTP" } });
  });

  it("logs to a hardened bucket that logs to a second hardened bucket", () => {
    const buckets = Object.fromEntries(resourcesOf(stack, "aws_s3_bucket").map(([name, b]) => [name, b]));
    expect(buckets["ingress_access-log-bucket_bucket"]).toMatchObject({ bucket: "ce-test-alb-logs-210987654321-eu-west-1", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(buckets["ingress_server-access-log-bucket_bucket"]).toMatchObject({ bucket: "ce-test-access-logs-210987654321-eu-west-1", lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stack, "aws_s3_bucket_logging")).toMatchObject({
      bucket: ref("aws_s3_bucket", "ingress_access-log-bucket_bucket", "id"),
      target_bucket: ref("aws_s3_bucket", "ingress_server-access-log-bucket_bucket", "bucket"),
    });
    for (const type of ["aws_s3_bucket_public_access_block", "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_policy", "aws_s3_bucket_ownership_controls"]) {
      expect({ type, count: resourcesOf(stack, type).length }).toEqual({ type, count: 2 });
    }
    for (const [, sse] of resourcesOf(stack, "aws_s3_bucket_server_side_encryption_configuration")) {
      expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
    }
    for (const [, lifecycle] of resourcesOf(stack, "aws_s3_bucket_lifecycle_configuration")) {
      expect(lifecycle.rule).toContainEqual(expect.objectContaining({ id: "expire-current-objects", expiration: [{ days: 365 }] }));
    }
  });

  it("keeps the access logs at least as long as the environment's logs", () => {
    const longer = synthEnvironment(baseEnvironment({ logs: { retentionDays: 731 }, ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
    for (const [, lifecycle] of resourcesOf(longer, "aws_s3_bucket_lifecycle_configuration")) {
      expect(lifecycle.rule).toContainEqual(expect.objectContaining({ id: "expire-current-objects", expiration: [{ days: 731 }] }));
    }
    const { problems } = problemsOf({
      source: "t",
      input: baseEnvironment({ logs: { retentionDays: 731 }, ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN, accessLogRetentionDays: 365 } }),
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(["ingress.accessLogRetentionDays: must be at least logs.retentionDays (731); leave it out to use that (got 365)"]);
  });

  it("lets only Elastic Load Balancing write the access logs, only under its prefix", () => {
    const policy = policyOf(resourceNamed(stack, "aws_s3_bucket_policy", "ingress_access-log-bucket_policy").policy);
    const bucket = ref("aws_s3_bucket", "ingress_access-log-bucket_bucket", "arn");
    expect(policy.Statement.slice(1)).toEqual([
      { Sid: "ElbAccountDeliversAccessLogs", Effect: "Allow", Principal: { AWS: "arn:aws:iam::156460612806:root" }, Action: "s3:PutObject", Resource: `${bucket}/alb/AWSLogs/210987654321/*` },
      { Sid: "ElbServiceDeliversAccessLogs", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: `${bucket}/alb/AWSLogs/210987654321/*` },
    ]);
  });

  it("accepts no other account's load balancer logs: ELB writes each under its owner's account, outside the admitted prefix", () => {
    // Attacker: another account pointing its load balancer's access logs at this bucket (to fill it, or to forge entries).
    // aws:SourceAccount is not a documented condition of ALB log delivery; the key prefix with the account does the same.
    const statements = statementsOf(resourceNamed(stack, "aws_s3_bucket_policy", "ingress_access-log-bucket_policy").policy);
    const bucket = ref("aws_s3_bucket", "ingress_access-log-bucket_bucket", "arn");
    const deliver = (request: { service?: string; principal?: string }, account: string) =>
      // The ELB account's own policies let it write anywhere; the bucket policy is what decides.
      evaluateAccess({ identity: [{ Effect: "Allow", Action: "*", Resource: "*" }], resource: statements, resourceAccount: "210987654321" }, { ...request, action: "s3:PutObject", resource: `${bucket}/alb/AWSLogs/${account}/elasticloadbalancing/eu-west-1/x.log.gz`, context: { "aws:SecureTransport": "true" } });
    for (const request of [{ service: "logdelivery.elasticloadbalancing.amazonaws.com" }, { principal: "arn:aws:iam::156460612806:root" }]) {
      expect(deliver(request, "210987654321")).toBe("allowed");
      expect(deliver(request, "999999999999")).toBe("implicitly denied");
    }
  });

  it("drops deletion protection only when the environment allows destroying it", () => {
    const open = synthEnvironment(baseEnvironment({ protection: { allowDestroy: true } }));
    expect(onlyResource(open, "aws_lb").enable_deletion_protection).toBe(false);
    expect(resourcesOf(open, "aws_s3_bucket").every(([, b]) => b.lifecycle === undefined)).toBe(true);
  });
});

describe("load balancer without a certificate", () => {
  const stack = synthEnvironment(baseEnvironment({ network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] } }));

  it("serves plain HTTP on 80 only", () => {
    expect(resourcesOf(stack, "aws_lb_listener").map(([, l]) => [l.port, l.protocol, l.default_action[0].type])).toEqual([[80, "HTTP", "forward"]]);
  });
});

describe("without a new load balancer", () => {
  it.each<[string, EnvironmentInput["ingress"]]>([
    ["existing target group", { mode: "existing-target-group", targetGroupArn: TARGET_GROUP_ARN, sourceCidrs: ["172.16.1.0/24"] }],
    ["none", { mode: "none" }],
  ])("%s: creates no ALB, target group, listener or log bucket", (_label, ingress) => {
    const stack = synthEnvironment(baseEnvironment({ ingress }));
    for (const type of ["aws_lb", "aws_lb_target_group", "aws_lb_listener", "aws_s3_bucket"]) expect(stack.resource?.[type]).toBeUndefined();
  });
});
