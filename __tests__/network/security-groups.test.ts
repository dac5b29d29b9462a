/** Security groups: the UI port only from the ALB, NFS only from the tasks, every rule described. */
import { problemsOf } from "../../modules/config";
import { baseEnvironment, CERTIFICATE_ARN, EXISTING_NETWORK, secretArn, TARGET_GROUP_ARN } from "../support/fixtures";
import { ref, resourcesOf, StackJson, synthEnvironment } from "../support/synth";

const sg = (name: string) => ref("aws_security_group", `security-groups_${name}`, "id");

/** Rules as [direction, group, port range, peer] tuples. */
function rules(stack: StackJson): string[] {
  const describe = (direction: string) => ([, r]: [string, any]) =>
    `${direction} ${r.security_group_id} ${r.from_port}-${r.to_port} ${r.cidr_ipv4 ?? r.referenced_security_group_id}`;
  return [
    ...resourcesOf(stack, "aws_vpc_security_group_ingress_rule").map(describe("in")),
    ...resourcesOf(stack, "aws_vpc_security_group_egress_rule").map(describe("out")),
  ].sort();
}

describe("security groups with a new ALB and a certificate", () => {
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN, allowedCidrs: ["10.1.0.0/16"] } }));

  it("open exactly the documented paths", () => {
    expect(rules(stack)).toEqual(
      [
        `in ${sg("load-balancer")} 443-443 10.1.0.0/16`,
        `in ${sg("load-balancer")} 80-80 10.1.0.0/16`,
        `out ${sg("load-balancer")} 3000-3000 ${sg("tasks")}`,
        `in ${sg("tasks")} 3000-3000 ${sg("load-balancer")}`,
        `out ${sg("tasks")} 443-443 0.0.0.0/0`,
        `out ${sg("tasks")} 2049-2049 ${sg("file-system")}`,
        `in ${sg("file-system")} 2049-2049 ${sg("tasks")}`,
        // The logical backup task (in the task group) reaches the standalone node's MongoDB.
        `in ${sg("tasks")} 27017-27017 ${sg("tasks")}`,
        `out ${sg("tasks")} 27017-27017 ${sg("tasks")}`,
      ].sort(),
    );
  });

  it("describe every rule and every group", () => {
    for (const type of ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_security_group"]) {
      for (const [name, rule] of resourcesOf(stack, type)) expect({ name, description: rule.description }).toEqual({ name, description: expect.stringMatching(/\w{3,}/) });
    }
  });

  it("keep the groups free of inline rules", () => {
    for (const [, group] of resourcesOf(stack, "aws_security_group")) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
  });
});

describe("security groups in other ingress modes", () => {
  it("open only port 80 to clients without a certificate", () => {
    const stack = synthEnvironment(baseEnvironment());
    const albIn = rules(stack).filter((r) => r.startsWith(`in ${sg("load-balancer")}`));
    expect(albIn).toEqual([`in ${sg("load-balancer")} 80-80 172.16.0.0/16`]);
  });

  it("accept the UI port from an existing load balancer's group or networks only", () => {
    const stack = synthEnvironment(
      baseEnvironment({
        ingress: { mode: "existing-target-group", targetGroupArn: TARGET_GROUP_ARN, sourceSecurityGroupId: "sg-0123456789abcdef0", sourceCidrs: ["172.16.9.0/24"] },
      }),
    );
    expect(rules(stack).filter((r) => r.startsWith(`in ${sg("tasks")}`) && !r.includes(" 27017-27017 "))).toEqual([
      `in ${sg("tasks")} 3000-3000 172.16.9.0/24`,
      `in ${sg("tasks")} 3000-3000 sg-0123456789abcdef0`,
    ]);
    expect(stack.resource?.aws_security_group?.["security-groups_load-balancer"]).toBeUndefined();
  });

  it("accept nothing inbound without a load balancer but the logical backup task's MongoDB connections from the task group itself", () => {
    const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "none" } }));
    expect(rules(stack).filter((r) => r.startsWith(`in ${sg("tasks")}`))).toEqual([`in ${sg("tasks")} 27017-27017 ${sg("tasks")}`]);
  });

  it("reach plain HTTP nowhere unless the environment lists it", () => {
    const plain = rules(synthEnvironment(baseEnvironment())).filter((r) => r.startsWith(`out ${sg("tasks")}`));
    expect(plain.filter((r) => / 80-80 /.test(r))).toEqual([]);
    const asked = synthEnvironment(baseEnvironment({ egressRules: [{ port: 80, cidr: "0.0.0.0/0", description: "HTTP threat feeds" }] }));
    expect(rules(asked)).toContain(`out ${sg("tasks")} 80-80 0.0.0.0/0`);
  });

  const cache = { pullThroughCache: { credentialsSecretArn: secretArn("ecr-pullthroughcache/docker-hub") } };

  it("with a proxy, reach only the proxy, the VPC endpoints and S3's prefix list: nothing on the internet directly", () => {
    const stack = synthEnvironment(
      baseEnvironment({ images: cache, proxy: { httpUrl: "http://proxy.corp:3128", httpsUrl: "http://proxy.corp:3128", egressCidrs: ["10.50.0.0/24"] } }),
    );
    const out = resourcesOf(stack, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.security_group_id === sg("tasks"));
    expect(out.map(([, r]) => `${r.from_port} ${r.cidr_ipv4 ?? r.referenced_security_group_id ?? r.prefix_list_id}`).sort()).toEqual(
      [
        "3128 10.50.0.0/24",
        `443 ${sg("vpc-endpoints")}`,
        `443 ${ref("aws_vpc_endpoint", "network_new-vpc_s3-gateway-endpoint", "prefix_list_id")}`,
        `2049 ${sg("file-system")}`,
        `27017 ${sg("tasks")}`,
      ].sort(),
    );
    expect(out.some(([, r]) => r.cidr_ipv4 === "0.0.0.0/0")).toBe(false);
    const endpoints = resourcesOf(stack, "aws_vpc_endpoint").filter(([, e]) => e.vpc_endpoint_type === "Interface");
    expect(endpoints.map(([, e]) => e.service_name).sort()).toEqual(
      ["ecr.api", "ecr.dkr", "logs", "secretsmanager"].map((x) => `com.amazonaws.eu-west-1.${x}`),
    );
    for (const [, e] of endpoints) expect(e).toMatchObject({ private_dns_enabled: true, security_group_ids: [sg("vpc-endpoints")] });
    expect(rules(stack)).toContain(`in ${sg("vpc-endpoints")} 443-443 ${sg("tasks")}`);
  });

  it("with a proxy in an existing VPC, reach HTTPS only inside the VPC (its endpoints) and the given S3 prefix list", () => {
    const stack = synthEnvironment(
      baseEnvironment({
        images: cache,
        network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] },
        proxy: { httpsUrl: "http://proxy.corp:3128", s3PrefixListId: "pl-6ea54007" },
      }),
    );
    const out = resourcesOf(stack, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.security_group_id === sg("tasks") && r.from_port === 443);
    expect(out.map(([, r]) => r.cidr_ipv4 ?? r.prefix_list_id).sort()).toEqual([EXISTING_NETWORK.vpcCidr, "pl-6ea54007"]);
    expect(stack.resource?.aws_vpc_endpoint).toBeUndefined();
  });

  it("keep HTTPS to anywhere beside the proxy only when the environment chooses direct AWS access", () => {
    const stack = synthEnvironment(baseEnvironment({ proxy: { httpsUrl: "http://proxy.corp:3128", awsServiceAccess: "direct" } }));
    expect(rules(stack)).toContain(`out ${sg("tasks")} 443-443 0.0.0.0/0`);
  });

  it("refuse images the tasks could not pull when the proxy is the only way out, naming the fix", () => {
    const { problems } = problemsOf({ source: "t", input: baseEnvironment({ proxy: { httpsUrl: "http://proxy.corp:3128" } }) });
    expect(problems.map((p) => p.path)).toEqual(["images.core.repository", "images.ui.repository", "images.mongodb.repository", "images.rabbitmq.repository"]);
    expect(problems[0].message).toMatch(/^must be an ECR repository in eu-west-1, or a Docker Hub image with images.pullThroughCache set, when a proxy is the only way out/);
    const existing = problemsOf({
      source: "t",
      input: baseEnvironment({ images: cache, network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] }, proxy: { httpsUrl: "http://p:3128" } }),
    });
    expect(existing.problems.map((p) => p.path)).toEqual(["proxy.s3PrefixListId"]);
  });

  it("take proxy ports from the environment when the URLs are secret", () => {
    const stack = synthEnvironment(baseEnvironment({ images: cache, proxy: { urlsSecretArn: secretArn("proxy"), ports: [8080] } }));
    expect(rules(stack)).toContain(`out ${sg("tasks")} 8080-8080 172.16.0.0/16`);
  });

  it("add the environment's extra outbound rules with their descriptions", () => {
    const stack = synthEnvironment(baseEnvironment({ egressRules: [{ port: 6514, cidr: "10.7.0.0/24", description: "Syslog TLS to the SIEM" }] }));
    const [[, rule]] = resourcesOf(stack, "aws_vpc_security_group_egress_rule").filter(([name]) => name.includes("extra"));
    expect(rule).toMatchObject({ from_port: 6514, to_port: 6514, cidr_ipv4: "10.7.0.0/24", description: "Syslog TLS to the SIEM", security_group_id: sg("tasks") });
  });
});
