/**
 * Controls whose property only shows after Terraform evaluates the
 * configuration: checked on the planned values of the offline plans.
 */
import { PlanJson } from "../plan/harness";
import { StackJson } from "../support/synth";
import { containers } from "./controls";

export type Change = NonNullable<PlanJson["resource_changes"]>[number] & { change: { after_unknown?: Record<string, unknown> } };

export interface PlanControl {
  readonly id: string;
  readonly title: string;
  /** Findings on the planned changes; `stack` is the synthesized configuration the plan was made from. */
  check(changes: Change[], stack: StackJson): { resource: string; message: string }[];
}

const of = (changes: Change[], type: string) => changes.filter((c) => c.type === type && c.change.after);
/**
 * A value Terraform leaves unknown until apply (container definitions naming
 * a secret created in the same run) is read from the configuration it will
 * be evaluated from: the synthesized string, its interpolations (the only
 * unknown parts: references to resources not yet created) replaced by a
 * placeholder. Variable names and literal values are as planned.
 */
function configuredValue(stack: StackJson, change: Change, attribute: string): string | undefined {
  const configured = (stack.resource?.[change.type] as Record<string, Record<string, unknown>> | undefined)?.[change.name]?.[attribute];
  return typeof configured === "string" ? configured.replace(/(?<!\$)\$\{[^{}]*\}/g, "unknown-until-apply") : undefined;
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|COOKIE|CONNECTION_STRING|PRIVATE_KEY|REPLICA_KEY|CREDENTIAL/i;

export const PLAN_CONTROLS: PlanControl[] = [
  {
    id: "ECS.2",
    title: "planned services assign no public IP",
    check: (changes) =>
      of(changes, "aws_ecs_service")
        .filter((c) => (c.change.after!.network_configuration as any[])[0]?.assign_public_ip !== false)
        .map((c) => ({ resource: c.address, message: "assign_public_ip is not false" })),
  },
  {
    id: "ECS.8",
    title: "planned container definitions carry no secret variable",
    check: (changes, stack) =>
      of(changes, "aws_ecs_task_definition").flatMap((c) => {
        const planned = c.change.after!.container_definitions;
        const definitions = typeof planned === "string" ? planned : c.change.after_unknown?.container_definitions === true ? configuredValue(stack, c, "container_definitions") : undefined;
        if (definitions === undefined) return [{ resource: c.address, message: "container definitions neither planned nor configured" }];
        return containers({ container_definitions: definitions }).flatMap((k) =>
          (k.environment ?? [])
            .filter((e: { name: string }) => SECRET_NAME.test(e.name))
            .map((e: { name: string }) => ({ resource: `${c.address}[${k.name}]`, message: `variable ${e.name} carries a secret` })),
        );
      }),
  },
  {
    id: "EFS.1",
    title: "planned file systems are encrypted with a KMS key",
    check: (changes) =>
      of(changes, "aws_efs_file_system")
        .filter((c) => c.change.after!.encrypted !== true || !(c.change.after!.kms_key_id || c.change.after_unknown?.kms_key_id))
        .map((c) => ({ resource: c.address, message: "not KMS-encrypted" })),
  },
  {
    id: "S3.1/S3.8",
    title: "planned public access blocks block everything",
    check: (changes) =>
      of(changes, "aws_s3_bucket_public_access_block")
        .filter((c) => !["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((k) => c.change.after![k] === true))
        .map((c) => ({ resource: c.address, message: "not fully blocked" })),
  },
  {
    id: "ELB.4",
    title: "planned load balancers drop invalid header fields",
    check: (changes) =>
      of(changes, "aws_lb")
        .filter((c) => c.change.after!.drop_invalid_header_fields !== true)
        .map((c) => ({ resource: c.address, message: "drop_invalid_header_fields is not true" })),
  },
  {
    id: "ELB.6",
    title: "planned load balancers have deletion protection",
    check: (changes) =>
      of(changes, "aws_lb")
        .filter((c) => c.change.after!.enable_deletion_protection !== true)
        .map((c) => ({ resource: c.address, message: "deletion protection off" })),
  },
  {
    id: "EC2.21",
    title: "planned network ACLs deny SSH and RDP from anywhere first",
    check: (changes) =>
      of(changes, "aws_default_network_acl").flatMap((c) => {
        const rules = [...(c.change.after!.ingress as any[])].sort((a, b) => a.rule_no - b.rule_no);
        return [22, 3389]
          .filter((port) => rules.find((r) => r.cidr_block === "0.0.0.0/0" && (r.protocol === "-1" || (r.from_port <= port && port <= r.to_port)))?.action !== "deny")
          .map((port) => ({ resource: c.address, message: `port ${port} reachable from 0.0.0.0/0` }));
      }),
  },
  {
    id: "SNS.1",
    title: "planned topics are encrypted with KMS",
    check: (changes) =>
      of(changes, "aws_sns_topic")
        .filter((c) => !(c.change.after!.kms_master_key_id || c.change.after_unknown?.kms_master_key_id))
        .map((c) => ({ resource: c.address, message: "no KMS key" })),
  },
];
