/** A new VPC: subnets, NAT per zone, native NACL and default-SG hardening, flow logs, S3 endpoint. */
import fc from "fast-check";
import { problemsOf } from "../../modules/config";
import { NaclRule, privateNaclIngressRules } from "../../modules/network/network-acl-rules";
import { baseEnvironment, CERTIFICATE_ARN, EXISTING_NETWORK } from "../support/fixtures";
import { onlyResource, policyOf, ref, resourceNamed, resourcesOf, synthEnvironment } from "../support/synth";

const vpcRef = (attr: string) => ref("aws_vpc", "network_new-vpc_vpc", attr);

describe("new VPC", () => {
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN, allowedCidrs: ["172.16.0.0/16", "10.9.0.0/16"] } }));

  it("uses the template's CIDRs and DNS support", () => {
    expect(onlyResource(stack, "aws_vpc")).toMatchObject({ cidr_block: "172.16.0.0/16", enable_dns_hostnames: true, enable_dns_support: true });
  });

  it("has a private and a public subnet in each named zone, no public IPs on launch", () => {
    const subnets = resourcesOf(stack, "aws_subnet").map(([name, s]) => [name, s.availability_zone, s.cidr_block, s.map_public_ip_on_launch]);
    expect(subnets).toEqual([
      ["network_new-vpc_private-subnet_eu-west-1a", "eu-west-1a", "172.16.1.0/24", false],
      ["network_new-vpc_private-subnet_eu-west-1b", "eu-west-1b", "172.16.2.0/24", false],
      ["network_new-vpc_public-subnet_eu-west-1a", "eu-west-1a", "172.16.3.0/24", false],
      ["network_new-vpc_public-subnet_eu-west-1b", "eu-west-1b", "172.16.4.0/24", false],
    ]);
  });

  it("routes each zone's private subnet through its own NAT gateway", () => {
    for (const zone of ["eu-west-1a", "eu-west-1b"]) {
      const nat = resourceNamed(stack, "aws_nat_gateway", `network_new-vpc_nat-gateway_${zone}`);
      expect(nat.subnet_id).toBe(ref("aws_subnet", `network_new-vpc_public-subnet_${zone}`, "id"));
      expect(nat.allocation_id).toBe(ref("aws_eip", `network_new-vpc_nat-eip_${zone}`, "allocation_id"));
      expect(resourceNamed(stack, "aws_route", `network_new-vpc_private-default-route_${zone}`)).toMatchObject({
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: ref("aws_nat_gateway", `network_new-vpc_nat-gateway_${zone}`, "id"),
        route_table_id: ref("aws_route_table", `network_new-vpc_private-route-table_${zone}`, "id"),
      });
      expect(resourceNamed(stack, "aws_route_table_association", `network_new-vpc_private-route-table-association_${zone}`)).toMatchObject({
        subnet_id: ref("aws_subnet", `network_new-vpc_private-subnet_${zone}`, "id"),
      });
    }
    expect(resourcesOf(stack, "aws_eip").every(([, eip]) => eip.domain === "vpc")).toBe(true);
    expect(resourceNamed(stack, "aws_route", "network_new-vpc_public-default-route").gateway_id).toBe(
      ref("aws_internet_gateway", "network_new-vpc_internet-gateway", "id"),
    );
  });

  it("gives the private subnets their own network ACL: SSH/RDP denied, the VPC, client networks outside it on the listener ports, return traffic", () => {
    const nacl = resourceNamed(stack, "aws_network_acl", "network_new-vpc_private-network-acl");
    expect(nacl.vpc_id).toBe(vpcRef("id"));
    expect(nacl.subnet_ids).toEqual(["eu-west-1a", "eu-west-1b"].map((z) => ref("aws_subnet", `network_new-vpc_private-subnet_${z}`, "id")));
    const rules = nacl.ingress.map((r: any) => [r.rule_no, r.action, r.protocol, r.cidr_block, r.from_port, r.to_port]);
    expect(rules).toEqual([
      [100, "deny", "tcp", "0.0.0.0/0", 22, 22],
      [101, "deny", "tcp", "0.0.0.0/0", 3389, 3389],
      [110, "allow", "-1", "172.16.0.0/16", 0, 0],
      [120, "allow", "tcp", "10.9.0.0/16", 443, 443],
      [121, "allow", "tcp", "10.9.0.0/16", 80, 80],
      [190, "deny", "tcp", "0.0.0.0/0", 35672, 35682],
      [200, "allow", "tcp", "0.0.0.0/0", 32768, 65535],
    ]);
    expect(nacl.egress).toEqual([expect.objectContaining({ rule_no: 100, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 })]);
  });

  it("keeps the default NACL for the public subnets only (NAT gateways): SSH and RDP denied, NAT return traffic, the VPC", () => {
    const nacl = onlyResource(stack, "aws_default_network_acl");
    expect(nacl.default_network_acl_id).toBe(vpcRef("default_network_acl_id"));
    expect(nacl.subnet_ids).toEqual(["eu-west-1a", "eu-west-1b"].map((z) => ref("aws_subnet", `network_new-vpc_public-subnet_${z}`, "id")));
    const rules = nacl.ingress.map((r: any) => [r.rule_no, r.action, r.protocol, r.cidr_block, r.from_port, r.to_port]);
    expect(rules).toEqual([
      [100, "deny", "tcp", "0.0.0.0/0", 22, 22],
      [101, "deny", "tcp", "0.0.0.0/0", 3389, 3389],
      [105, "allow", "tcp", "0.0.0.0/0", 1024, 65535],
      [110, "allow", "-1", "172.16.0.0/16", 0, 0],
    ]);
    expect(nacl.depends_on).toEqual(["aws_network_acl.network_new-vpc_private-network-acl"]);
  });

  it("locks the default security group down with no rules and no Lambda", () => {
    const sg = onlyResource(stack, "aws_default_security_group");
    expect(sg.vpc_id).toBe(vpcRef("id"));
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(stack.resource?.aws_lambda_function).toBeUndefined();
  });

  it("writes flow logs to a KMS-encrypted log group through a role limited to it", () => {
    const flowLog = onlyResource(stack, "aws_flow_log");
    expect(flowLog).toMatchObject({
      vpc_id: vpcRef("id"),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref("aws_cloudwatch_log_group", "network_new-vpc_flow-log-group", "arn"),
      iam_role_arn: ref("aws_iam_role", "network_new-vpc_flow-log-role", "arn"),
    });
    expect(resourceNamed(stack, "aws_cloudwatch_log_group", "network_new-vpc_flow-log-group")).toMatchObject({
      kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
      retention_in_days: 365,
    });
    const trust = policyOf(resourceNamed(stack, "aws_iam_role", "network_new-vpc_flow-log-role").assume_role_policy);
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "210987654321" }, ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:210987654321:vpc-flow-log/*" } },
    });
    const policy = policyOf(resourceNamed(stack, "aws_iam_role_policy", "network_new-vpc_flow-log-role-policy").policy);
    expect(policy.Statement[0].Resource).toBe(`${ref("aws_cloudwatch_log_group", "network_new-vpc_flow-log-group", "arn")}:*`);
  });

  it("records accepted traffic too, and keeps it at least as long as the environment's logs", () => {
    const kept = synthEnvironment(baseEnvironment({ logs: { retentionDays: 731 } }));
    expect(onlyResource(kept, "aws_flow_log").traffic_type).toBe("ALL");
    expect(resourceNamed(kept, "aws_cloudwatch_log_group", "network_new-vpc_flow-log-group").retention_in_days).toBe(731);
    const { problems } = problemsOf({ source: "t", input: baseEnvironment({ logs: { retentionDays: 731 }, network: { mode: "new", flowLogs: { retentionDays: 365 } } }) });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(["network.flowLogs.retentionDays: must be at least logs.retentionDays (731); leave it out to use that (got 365)"]);
  });

  it("can turn flow logs off", () => {
    const off = synthEnvironment(baseEnvironment({ network: { mode: "new", flowLogs: { enabled: false } } }));
    expect(off.resource?.aws_flow_log).toBeUndefined();
  });

  it("adds an S3 gateway endpoint on the private route tables", () => {
    expect(onlyResource(stack, "aws_vpc_endpoint")).toMatchObject({
      service_name: "com.amazonaws.eu-west-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: [
        ref("aws_route_table", "network_new-vpc_private-route-table_eu-west-1a", "id"),
        ref("aws_route_table", "network_new-vpc_private-route-table_eu-west-1b", "id"),
      ],
    });
  });

  it("spans three zones with three NAT gateways when asked", () => {
    const three = synthEnvironment(baseEnvironment({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }));
    expect(resourcesOf(three, "aws_nat_gateway")).toHaveLength(3);
    expect(resourcesOf(three, "aws_subnet").map(([, s]) => s.cidr_block)).toEqual([
      "172.16.1.0/24",
      "172.16.2.0/24",
      "172.16.3.0/24",
      "172.16.4.0/24",
      "172.16.5.0/24",
      "172.16.6.0/24",
    ]);
  });
});

describe("existing VPC", () => {
  const stack = synthEnvironment(baseEnvironment({ network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] } }));

  it("creates no network resources", () => {
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_eip", "aws_internet_gateway", "aws_route_table", "aws_default_network_acl", "aws_default_security_group", "aws_flow_log", "aws_vpc_endpoint"]) {
      expect({ type, present: stack.resource?.[type] !== undefined }).toEqual({ type, present: false });
    }
  });

  it("places the groups, mount targets, ALB and service in the given VPC and subnets", () => {
    expect(resourcesOf(stack, "aws_security_group").every(([, g]) => g.vpc_id === EXISTING_NETWORK.vpcId)).toBe(true);
    expect(resourcesOf(stack, "aws_efs_mount_target").map(([, m]) => m.subnet_id)).toEqual(EXISTING_NETWORK.privateSubnetIds);
    expect(onlyResource(stack, "aws_lb").subnets).toEqual(EXISTING_NETWORK.privateSubnetIds);
    expect(onlyResource(stack, "aws_ecs_service").network_configuration.subnets).toEqual(EXISTING_NETWORK.privateSubnetIds);
  });
});

/** The first matching rule's action for a TCP packet from an address to a port, as a network ACL decides. */
function naclDecides(rules: readonly NaclRule[], source: string, port: number): "allow" | "deny" {
  const ip = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const covers = (cidr: string) => {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ip(source) / size) === Math.floor(ip(base) / size);
  };
  const first = [...rules]
    .sort((a, b) => a.ruleNo - b.ruleNo)
    .find((r) => covers(r.cidrBlock) && (r.protocol === "-1" || (r.protocol === "tcp" && r.fromPort <= port && port <= r.toPort)));
  return first?.action ?? "deny";
}

/** Every port Cloud Exchange listens on, in either variant and release. */
const APPLICATION_PORTS = [2049, 3000, 4369, 5671, 5672, 8000, 15671, 15672, 25672, 27017, ...Array.from({ length: 11 }, (_, i) => 35672 + i)];

describe("private network ACL, evaluated", () => {
  const vpc = "172.16.0.0/16";
  const clients = [{ cidr: "10.9.0.0/16", ports: [443, 80] }];
  const rules = privateNaclIngressRules(vpc, clients);
  const outsideAddress = fc
    .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
    .filter(([a, b]) => !(a === 172 && b === 16))
    .map((octets) => octets.join("."));

  it("admits no application port from outside the VPC, client networks included", () => {
    fc.assert(
      fc.property(outsideAddress, fc.constantFrom(...APPLICATION_PORTS), (source, port) => {
        expect({ source, port, decision: naclDecides(rules, source, port) }).toEqual({ source, port, decision: "deny" });
      }),
    );
    for (const port of APPLICATION_PORTS) expect(naclDecides(rules, "10.9.4.4", port)).toBe("deny");
  });

  it("admits every application port from inside the VPC (ALB to UI, tasks to EFS, HA peers)", () => {
    for (const port of APPLICATION_PORTS) expect(naclDecides(rules, "172.16.1.20", port)).toBe("allow");
  });

  it("admits the listener ports from the client networks only, and replies to the tasks' own connections from anywhere", () => {
    expect(naclDecides(rules, "10.9.4.4", 443)).toBe("allow");
    expect(naclDecides(rules, "10.9.4.4", 80)).toBe("allow");
    expect(naclDecides(rules, "8.8.8.8", 443)).toBe("deny");
    fc.assert(
      fc.property(outsideAddress, fc.integer({ min: 32768, max: 60999 }).filter((p) => p < 35672 || p > 35682), (source, port) => {
        expect(naclDecides(rules, source, port)).toBe("allow");
      }),
    );
  });

  it("denies SSH and RDP from anywhere whatever the client networks, and stays within AWS's 20 rules for what the schema accepts", () => {
    const cidr = fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 8, max: 28 })).map(([a, b, p]) => `${a}.${b}.0.0/${p}`);
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 7 }), (cidrs) => {
        const generated = privateNaclIngressRules(vpc, cidrs.map((c) => ({ cidr: c, ports: [443, 80] })));
        for (const port of [22, 3389]) expect(naclDecides(generated, "8.8.8.8", port)).toBe("deny");
        expect(new Set(generated.map((r) => r.ruleNo)).size).toBe(generated.length);
        expect(generated.length).toBeLessThanOrEqual(20);
      }),
    );
  });

  it("refuses more client networks than the ACL has room for, naming the field", () => {
    const cidrs = Array.from({ length: 8 }, (_, i) => `10.${i}.0.0/16`);
    const { problems } = problemsOf({ source: "t", input: baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN, allowedCidrs: cidrs } }) });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "ingress.allowedCidrs: needs 16 network ACL rules for the networks outside the VPC (2 each); the private subnets' ACL has room for 15 beside its 5 fixed rules (AWS allows 20): merge networks into larger blocks",
    ]);
  });

  it("admits an existing load balancer outside the new VPC on the UI port from its subnets only, and requires them", () => {
    const tg = `arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/existing-ui/0123456789abcdef`;
    const withTg = synthEnvironment(baseEnvironment({ ingress: { mode: "existing-target-group", targetGroupArn: tg, sourceCidrs: ["10.50.1.0/24"] } }));
    const acl = resourceNamed(withTg, "aws_network_acl", "network_new-vpc_private-network-acl");
    expect(acl.ingress.filter((r: any) => r.rule_no >= 120 && r.rule_no < 190)).toEqual([
      expect.objectContaining({ rule_no: 120, action: "allow", protocol: "tcp", cidr_block: "10.50.1.0/24", from_port: 3000, to_port: 3000 }),
    ]);
    const { problems } = problemsOf({ source: "t", input: baseEnvironment({ ingress: { mode: "existing-target-group", targetGroupArn: tg, sourceSecurityGroupId: "sg-0123456789abcdef0" } }) });
    expect(problems.map((p) => p.path)).toEqual(["ingress.sourceCidrs"]);
  });
});
