/**
 * The README's resource table says what the stack creates for a new VPC in
 * two zones with an HTTPS load balancer: each row's counts are checked
 * against the synthesized stack of exactly that environment.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { baseEnvironment, CERTIFICATE_ARN } from "../support/fixtures";
import { resourcesOf, synthEnvironment } from "../support/synth";

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** The Terraform types each row of the table counts, in the row's order. */
const ROW_TYPES: Record<string, string[]> = {
  "VPC, internet gateway": ["aws_vpc", "aws_internet_gateway"],
  subnets: ["aws_subnet"],
  "Elastic IPs, NAT gateways": ["aws_eip", "aws_nat_gateway"],
  "route tables": ["aws_route_table"],
  "VPC endpoint": ["aws_vpc_endpoint"],
  "default NACL, private NACL, default security group": ["aws_default_network_acl", "aws_network_acl", "aws_default_security_group"],
  "VPC flow log": ["aws_flow_log"],
  "security groups": ["aws_security_group"],
  "KMS key": ["aws_kms_key"],
  "EFS file system, mount targets, access points": ["aws_efs_file_system", "aws_efs_mount_target", "aws_efs_access_point"],
  "Secrets Manager secrets": ["aws_secretsmanager_secret"],
  "IAM roles": ["aws_iam_role"],
  "ECS cluster, service, task definition": ["aws_ecs_cluster", "aws_ecs_service", "aws_ecs_task_definition"],
  "ALB, target group, listeners": ["aws_lb", "aws_lb_target_group", "aws_lb_listener"],
  "S3 buckets": ["aws_s3_bucket"],
  "CloudWatch log groups": ["aws_cloudwatch_log_group"],
  "SNS topic, CloudWatch alarms": ["aws_sns_topic", "aws_cloudwatch_metric_alarm"],
};

describe("README resource table", () => {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => l.startsWith("| resource | count | notes |"));
  const rows = lines
    .slice(start + 2)
    .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith("|")))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
  const count = (type: string) => resourcesOf(stack, type).length;

  it("has a row for every kind of resource it counts", () => {
    expect(rows.map(([resource]) => resource)).toEqual(Object.keys(ROW_TYPES));
  });

  it.each(Object.entries(ROW_TYPES))("counts %s as the synthesized stack has them", (label, types) => {
    const [, counts] = rows.find(([resource]) => resource === label)!;
    expect(counts.split(",").map((c) => Number(c.trim()))).toEqual(types.map(count));
  });

  it("counts the security group rules it mentions", () => {
    const [, , notes] = rows.find(([resource]) => resource === "security groups")!;
    const rules = Number(/(\d+) described rules/.exec(notes)?.[1]);
    expect(rules).toBe(count("aws_vpc_security_group_ingress_rule") + count("aws_vpc_security_group_egress_rule"));
  });
});
