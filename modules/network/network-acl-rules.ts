/**
 * The inbound rules of the new VPC's network ACLs, as plain data (the schema
 * counts them before anything is built; modules/network/new-vpc.ts applies
 * them). See new-vpc.ts for what each ACL is for.
 */
import { cidrContains, parseCidr } from "../config/cidr";

/** One inbound rule. */
export interface NaclRule {
  readonly ruleNo: number;
  readonly action: "allow" | "deny";
  readonly protocol: string;
  readonly cidrBlock: string;
  readonly fromPort: number;
  readonly toPort: number;
}

/** Where clients of the load balancer come from, for the NACL allow rules. */
export interface NaclClientRule {
  /** Client network. */
  readonly cidr: string;
  /** Ports clients use (80, 443; 3000 for an existing load balancer elsewhere). */
  readonly ports: readonly number[];
}

/** The ports Linux (and so a Fargate task) picks for its outbound connections: replies come back to them. */
export const RETURN_TRAFFIC_PORTS = { from: 32768, to: 65535 } as const;
/** Application ports inside {@link RETURN_TRAFFIC_PORTS}: RabbitMQ's CLI tools' Erlang distribution (CE's 35672-35682). */
export const APPLICATION_PORTS_AMONG_RETURN_PORTS = { from: 35672, to: 35682 } as const;
/** Rules of the private ACL besides the client rules: SSH, RDP, the VPC, the application ports, return traffic. */
export const PRIVATE_NACL_FIXED_RULES = 5;
/** AWS's default quota of inbound rules per network ACL. */
export const NACL_RULE_QUOTA = 20;

/** SSH and RDP denied from anywhere before any allow rule (CIS, Security Hub EC2.21). */
function denySshAndRdp(): NaclRule[] {
  return [
    { ruleNo: 100, action: "deny", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 22, toPort: 22 },
    { ruleNo: 101, action: "deny", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 3389, toPort: 3389 },
  ];
}

/** Whether a CIDR lies inside another (a malformed one counts as outside). */
function inside(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  return !!a && !!b && cidrContains(b, a);
}

/** The client rules the private ACL needs: each client network outside the VPC, on each of its ports. */
export function naclClientRules(vpcCidr: string, clients: readonly NaclClientRule[]): { cidr: string; port: number }[] {
  return clients.filter((c) => !inside(c.cidr, vpcCidr)).flatMap((c) => c.ports.map((port) => ({ cidr: c.cidr, port })));
}

/**
 * Inbound rules of the private subnets' ACL, in order: SSH/RDP denied, the
 * VPC allowed, the clients' listener ports, the application ports among the
 * return ports denied, then return traffic.
 */
export function privateNaclIngressRules(vpcCidr: string, clients: readonly NaclClientRule[]): NaclRule[] {
  const rules: NaclRule[] = [
    ...denySshAndRdp(),
    { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: vpcCidr, fromPort: 0, toPort: 0 },
  ];
  naclClientRules(vpcCidr, clients).forEach((client, i) =>
    rules.push({ ruleNo: 120 + i, action: "allow", protocol: "tcp", cidrBlock: client.cidr, fromPort: client.port, toPort: client.port }),
  );
  rules.push(
    { ruleNo: 190, action: "deny", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: APPLICATION_PORTS_AMONG_RETURN_PORTS.from, toPort: APPLICATION_PORTS_AMONG_RETURN_PORTS.to },
    { ruleNo: 200, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: RETURN_TRAFFIC_PORTS.from, toPort: RETURN_TRAFFIC_PORTS.to },
  );
  return rules;
}

/**
 * Inbound rules of the public subnets (the default ACL): SSH/RDP denied, return
 * traffic of the NAT gateways (which use ports 1024-65535), and anything from
 * the VPC (the tasks' outbound connections through NAT, on whatever port their
 * security group allows).
 */
export function publicNaclIngressRules(vpcCidr: string): NaclRule[] {
  return [
    ...denySshAndRdp(),
    { ruleNo: 105, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 65535 },
    { ruleNo: 110, action: "allow", protocol: "-1", cidrBlock: vpcCidr, fromPort: 0, toPort: 0 },
  ];
}

