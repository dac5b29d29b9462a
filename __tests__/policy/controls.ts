/**
 * The security controls the policy suite applies to every synthesized stack,
 * by the id of the framework they come from: AWS Foundational Security Best
 * Practices (ECS.2, EFS.1, ...), CIS, or Checkov where Security Hub has no
 * control (CKV_AWS_*). Each control returns findings (resource and reason);
 * `breaks` names a stack and a mutation that removes the property the
 * control checks, so the suite proves every control can fail; the stacks it
 * names are fixtures', so the proof holds whatever the environment files are.
 */
import { StackJson } from "../support/synth";

/** One violation. */
export interface Finding {
  /** `type.name`, with `[container]` for a container of a task definition. */
  readonly resource: string;
  readonly message: string;
}

/** A control. */
export interface Control {
  /** Framework id, e.g. `ECS.8`. */
  readonly id: string;
  /** What the control demands; the test is named `<id> <title>`. */
  readonly title: string;
  /** Findings in one stack. */
  check(stack: StackJson): Finding[];
  /** A stack of the corpus and a mutation of it that the control must catch. */
  readonly breaks: { readonly stack: string; mutate(stack: StackJson): void };
}

type Config = Record<string, any>;

/** Resources of a type as [address, config]. */
export function each(stack: StackJson, type: string): [string, Config][] {
  return Object.entries(stack.resource?.[type] ?? {}).map(([name, config]) => [`${type}.${name}`, config]);
}

/** The resource a `${type.name.attr}` reference points at, as [address, config]. */
export function target(stack: StackJson, value: unknown): [string, Config] | undefined {
  const match = typeof value === "string" ? /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(value) : null;
  if (!match) return undefined;
  const config = stack.resource?.[match[1]]?.[match[2]];
  return config ? [`${match[1]}.${match[2]}`, config] : undefined;
}

/** Addresses of resources of `type` whose `attribute` references `address`. */
function referencing(stack: StackJson, type: string, attribute: string, address: string): Config[] {
  return each(stack, type)
    .map(([, c]) => c)
    .filter((c) => typeof c[attribute] === "string" && c[attribute].startsWith(`\${${address}.`));
}

/** Container definitions of a task definition (undoing Terraform's `$${` escapes). */
export function containers(taskDefinition: Config): Config[] {
  return JSON.parse(String(taskDefinition.container_definitions).replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{"));
}

function setContainers(taskDefinition: Config, list: Config[]): void {
  taskDefinition.container_definitions = JSON.stringify(list);
}

/** Statements of every IAM policy document in the stack, with the policy's address and kind. */
export function policyStatements(stack: StackJson): { resource: string; kind: "identity" | "resource" | "trust"; statement: Config }[] {
  const found: { resource: string; kind: "identity" | "resource" | "trust"; statement: Config }[] = [];
  const add = (resource: string, kind: "identity" | "resource" | "trust", text: unknown) => {
    if (typeof text !== "string") return;
    for (const statement of JSON.parse(text).Statement as Config[]) found.push({ resource, kind, statement });
  };
  for (const [address, c] of each(stack, "aws_iam_role_policy")) add(address, "identity", c.policy);
  for (const [address, c] of each(stack, "aws_iam_policy")) add(address, "identity", c.policy);
  for (const [address, c] of each(stack, "aws_iam_role")) add(address, "trust", c.assume_role_policy);
  for (const type of ["aws_s3_bucket_policy", "aws_sns_topic_policy", "aws_efs_file_system_policy", "aws_kms_key"]) {
    for (const [address, c] of each(stack, type)) add(address, "resource", c.policy);
  }
  return found;
}

/** Findings for each container of each task definition that fails a predicate. */
function containerFindings(stack: StackJson, fails: (container: Config) => boolean, message: string): Finding[] {
  return each(stack, "aws_ecs_task_definition").flatMap(([resource, c]) =>
    containers(c)
      .filter(fails)
      .map((k) => ({ resource: `${resource}[${k.name}]`, message })),
  );
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const first = <T>(v: T | T[] | undefined): T | undefined => (Array.isArray(v) ? v[0] : v);

/** Variable names that hold secrets (CE's and common ones). */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|COOKIE|CONNECTION_STRING|PRIVATE_KEY|REPLICA_KEY|CREDENTIAL/i;

/** Buckets that receive server access logs of other buckets (they cannot log to themselves). */
function serverAccessLogTargets(stack: StackJson): Set<string> {
  return new Set(each(stack, "aws_s3_bucket_logging").map(([, c]) => target(stack, c.target_bucket)?.[0]).filter((a): a is string => !!a));
}

/** For each bucket, its companion resources of a type (by the `bucket` reference). */
function companion(stack: StackJson, bucketAddress: string, type: string): Config | undefined {
  return referencing(stack, type, "bucket", bucketAddress)[0];
}

/** Whether a NACL's ingress rules deny a port from anywhere before allowing it. */
function deniesFromAnywhere(rules: Config[], port: number): boolean {
  const ordered = [...rules].sort((a, b) => a.rule_no - b.rule_no);
  for (const rule of ordered) {
    const protocol = String(rule.protocol);
    const covers = protocol === "-1" || protocol === "all" || ((protocol === "tcp" || protocol === "6") && rule.from_port <= port && port <= rule.to_port);
    const fromAnywhere = rule.cidr_block === "0.0.0.0/0";
    if (covers && fromAnywhere) return rule.action === "deny";
  }
  return true;
}

/** TLS policies Security Hub ELB.17 accepts. */
const RECOMMENDED_TLS = new Set([
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
]);

export const CONTROLS: Control[] = [
  {
    id: "ECS.2",
    title: "ECS services do not assign public IPs",
    check: (s) =>
      each(s, "aws_ecs_service")
        .filter(([, c]) => first(c.network_configuration)?.assign_public_ip !== false)
        .map(([resource]) => ({ resource, message: "assign_public_ip is not false" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_ecs_service)[0].network_configuration.assign_public_ip = true) },
  },
  {
    id: "ECS.4",
    title: "ECS containers run without privileges",
    check: (s) => containerFindings(s, (k) => k.privileged === true, "privileged container"),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const task = s.resource!.aws_ecs_task_definition["workload_task_task-definition"];
        setContainers(task, containers(task).map((k) => (k.name === "core" ? { ...k, privileged: true } : k)));
      },
    },
  },
  {
    id: "ECS.5",
    title: "ECS containers have read-only root file systems",
    check: (s) => containerFindings(s, (k) => k.readonlyRootFilesystem !== true, "readonlyRootFilesystem is not true"),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const task = s.resource!.aws_ecs_task_definition["workload_task_task-definition"];
        setContainers(task, containers(task).map((k) => (k.name === "init" ? { ...k, readonlyRootFilesystem: false } : k)));
      },
    },
  },
  {
    id: "ECS.8",
    title: "secrets are not passed as container environment variables",
    check: (s) =>
      each(s, "aws_ecs_task_definition").flatMap(([resource, c]) =>
        containers(c).flatMap((k) =>
          asList(k.environment)
            .map((e) => e as Config)
            .filter((e) => SECRET_NAME.test(e.name) || /random_password|secretsmanager_secret_version|urlencode\(/.test(String(e.value)))
            .map((e) => ({ resource: `${resource}[${k.name}]`, message: `variable ${e.name} carries a secret` })),
        ),
      ),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const task = Object.values(s.resource!.aws_ecs_task_definition).find((t: Config) => String(t.family).endsWith("newhttps"))!;
        setContainers(task, containers(task).map((k) => (k.name === "core" ? { ...k, environment: [...k.environment, { name: "JWT_SECRET", value: "x" }] } : k)));
      },
    },
  },
  {
    id: "ECS.9",
    title: "ECS containers have a logging configuration",
    check: (s) => containerFindings(s, (k) => !k.logConfiguration?.logDriver, "no logConfiguration"),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const task = s.resource!.aws_ecs_task_definition["workload_task_task-definition"];
        setContainers(task, containers(task).map(({ logConfiguration: _drop, ...k }) => k));
      },
    },
  },
  {
    id: "ECS.12",
    title: "ECS clusters use Container Insights",
    check: (s) =>
      each(s, "aws_ecs_cluster")
        .filter(([, c]) => !asList(c.setting).some((x: any) => x.name === "containerInsights" && ["enabled", "enhanced"].includes(x.value)))
        .map(([resource]) => ({ resource, message: "containerInsights not enabled" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_ecs_cluster)[0].setting = [{ name: "containerInsights", value: "disabled" }]) },
  },
  {
    id: "ECS.16",
    title: "ECS task sets and scheduled tasks do not assign public IPs",
    check: (s) => [
      ...each(s, "aws_ecs_task_set")
        .filter(([, c]) => first(c.network_configuration)?.assign_public_ip !== false)
        .map(([resource]) => ({ resource, message: "task set assigns a public IP" })),
      ...each(s, "aws_scheduler_schedule")
        .filter(([, c]) => first(c.target?.ecs_parameters)?.network_configuration?.assign_public_ip !== false)
        .map(([resource]) => ({ resource, message: "scheduled task assigns a public IP" })),
    ],
    breaks: {
      stack: "ce-exnone",
      mutate: (s) => (Object.values(s.resource!.aws_scheduler_schedule)[0].target.ecs_parameters.network_configuration.assign_public_ip = true),
    },
  },
  {
    id: "EFS.1",
    title: "EFS file systems are encrypted with a KMS key",
    check: (s) =>
      each(s, "aws_efs_file_system")
        .filter(([, c]) => c.encrypted !== true || !c.kms_key_id)
        .map(([resource]) => ({ resource, message: "not encrypted with a KMS key" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete Object.values(s.resource!.aws_efs_file_system)[0].kms_key_id },
  },
  {
    id: "EFS.2",
    title: "EFS file systems are in a backup plan",
    // The environment's own plan (aws_backup_selection of the file system); the default vault's automatic backup stays off.
    check: (s) =>
      each(s, "aws_efs_file_system")
        .filter(([address]) => !each(s, "aws_backup_selection").some(([, c]) => asList(c.resources).includes(`\${${address}.arn}`) && target(s, c.plan_id)?.[0].startsWith("aws_backup_plan.")))
        .map(([resource]) => ({ resource, message: "in no backup plan (aws_backup_selection)" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete s.resource!.aws_backup_selection },
  },
  {
    id: "EFS.3",
    title: "EFS access points enforce a root directory",
    check: (s) =>
      each(s, "aws_efs_access_point")
        .filter(([, c]) => !c.root_directory?.path || c.root_directory.path === "/")
        .map(([resource]) => ({ resource, message: "no root directory" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_efs_access_point)[0].root_directory.path = "/") },
  },
  {
    id: "EFS.4",
    title: "EFS access points enforce a user identity",
    check: (s) =>
      each(s, "aws_efs_access_point")
        .filter(([, c]) => c.posix_user?.uid === undefined || c.posix_user?.gid === undefined)
        .map(([resource]) => ({ resource, message: "no POSIX user" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete Object.values(s.resource!.aws_efs_access_point)[0].posix_user },
  },
  {
    id: "EFS.6",
    title: "EFS mount targets are not in public subnets",
    check: (s) =>
      each(s, "aws_efs_mount_target").flatMap(([resource, c]) => {
        const subnet = target(s, c.subnet_id);
        if (!subnet) return [];
        const [address, config] = subnet;
        const associations = referencing(s, "aws_route_table_association", "subnet_id", address);
        const publicRoute = associations.some((a) => {
          const table = target(s, a.route_table_id);
          return !!table && referencing(s, "aws_route", "route_table_id", table[0]).some((r) => typeof r.gateway_id === "string" && r.gateway_id.includes("aws_internet_gateway"));
        });
        return config.map_public_ip_on_launch === true || publicRoute ? [{ resource, message: `mount target in public subnet ${address}` }] : [];
      }),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const publicSubnet = Object.keys(s.resource!.aws_subnet).find((n) => n.includes("public"))!;
        Object.values(s.resource!.aws_efs_mount_target)[0].subnet_id = `\${aws_subnet.${publicSubnet}.id}`;
      },
    },
  },
  {
    id: "ELB.1",
    title: "HTTP listeners redirect to HTTPS",
    check: (s) =>
      each(s, "aws_lb").flatMap(([address]) => {
        const listeners = referencing(s, "aws_lb_listener", "load_balancer_arn", address);
        return listeners
          .filter((l) => l.protocol === "HTTP")
          .filter((l) => !asList(l.default_action).every((a: any) => a.type === "redirect" && first(a.redirect)?.protocol === "HTTPS"))
          .map(() => ({ resource: address, message: "an HTTP listener does not redirect to HTTPS" }));
      }),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const http = Object.values(s.resource!.aws_lb_listener).find((l: Config) => l.protocol === "HTTP")!;
        http.default_action = [{ type: "forward", target_group_arn: "x" }];
      },
    },
  },
  {
    id: "ELB.4",
    title: "load balancers drop invalid HTTP header fields",
    check: (s) =>
      each(s, "aws_lb")
        .filter(([, c]) => c.drop_invalid_header_fields !== true)
        .map(([resource]) => ({ resource, message: "drop_invalid_header_fields is not true" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_lb)[0].drop_invalid_header_fields = false) },
  },
  {
    id: "ELB.5",
    title: "load balancers write access logs",
    check: (s) =>
      each(s, "aws_lb")
        .filter(([, c]) => first(c.access_logs)?.enabled !== true || !first(c.access_logs)?.bucket)
        .map(([resource]) => ({ resource, message: "access logs disabled" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_lb)[0].access_logs.enabled = false) },
  },
  {
    id: "ELB.6",
    title: "load balancers have deletion protection",
    check: (s) =>
      each(s, "aws_lb")
        .filter(([, c]) => c.enable_deletion_protection !== true)
        .map(([resource]) => ({ resource, message: "deletion protection off" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_lb)[0].enable_deletion_protection = false) },
  },
  {
    id: "ELB.12",
    title: "load balancers mitigate HTTP desync (defensive or strictest)",
    check: (s) =>
      each(s, "aws_lb")
        .filter(([, c]) => !["defensive", "strictest"].includes(c.desync_mitigation_mode))
        .map(([resource, c]) => ({ resource, message: `desync_mitigation_mode ${c.desync_mitigation_mode}` })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_lb)[0].desync_mitigation_mode = "monitor") },
  },
  {
    id: "ELB.17",
    title: "HTTPS listeners use a recommended TLS 1.3 policy",
    check: (s) =>
      each(s, "aws_lb_listener")
        .filter(([, c]) => c.protocol === "HTTPS" && !RECOMMENDED_TLS.has(c.ssl_policy))
        .map(([resource, c]) => ({ resource, message: `policy ${c.ssl_policy}` })),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => (Object.values(s.resource!.aws_lb_listener).find((l: Config) => l.protocol === "HTTPS")!.ssl_policy = "ELBSecurityPolicy-2016-08"),
    },
  },
  {
    id: "S3.1/S3.8",
    title: "S3 buckets block all public access",
    check: (s) =>
      each(s, "aws_s3_bucket")
        .filter(([address]) => {
          const block = companion(s, address, "aws_s3_bucket_public_access_block");
          return !block || !["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((k) => block[k] === true);
        })
        .map(([resource]) => ({ resource, message: "public access not fully blocked" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_s3_bucket_public_access_block)[0].restrict_public_buckets = false) },
  },
  {
    id: "S3.4",
    title: "S3 buckets have default encryption",
    check: (s) =>
      each(s, "aws_s3_bucket")
        .filter(([address]) => !first(companion(s, address, "aws_s3_bucket_server_side_encryption_configuration")?.rule)?.apply_server_side_encryption_by_default)
        .map(([resource]) => ({ resource, message: "no default encryption" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete s.resource!.aws_s3_bucket_server_side_encryption_configuration },
  },
  {
    id: "S3.5",
    title: "S3 buckets accept only TLS requests",
    check: (s) =>
      each(s, "aws_s3_bucket")
        .filter(([address]) => {
          const policy = companion(s, address, "aws_s3_bucket_policy");
          const statements: Config[] = policy ? JSON.parse(policy.policy).Statement : [];
          return !statements.some((st) => st.Effect === "Deny" && st.Condition?.Bool?.["aws:SecureTransport"] === "false" && (st.Action === "s3:*" || st.Action === "*"));
        })
        .map(([resource]) => ({ resource, message: "no TLS-only deny statement" })),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const policy = Object.values(s.resource!.aws_s3_bucket_policy)[0];
        const doc = JSON.parse(policy.policy);
        doc.Statement = doc.Statement.filter((st: Config) => st.Sid !== "DenyInsecureTransport");
        policy.policy = JSON.stringify(doc);
      },
    },
  },
  {
    id: "S3.9",
    title: "S3 buckets write server access logs",
    check: (s) => {
      const logTargets = serverAccessLogTargets(s);
      return each(s, "aws_s3_bucket")
        .filter(([address]) => !companion(s, address, "aws_s3_bucket_logging"))
        .map(([resource]) => ({ resource, message: logTargets.has(resource) ? "no server access logging (it receives other buckets' logs)" : "no server access logging" }));
    },
    breaks: { stack: "ce-newhttps", mutate: (s) => delete s.resource!.aws_s3_bucket_logging },
  },
  {
    id: "S3.11",
    title: "S3 buckets send event notifications",
    check: (s) =>
      each(s, "aws_s3_bucket")
        .filter(([address]) => companion(s, address, "aws_s3_bucket_notification")?.eventbridge !== true)
        .map(([resource]) => ({ resource, message: "no event notifications" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete s.resource!.aws_s3_bucket_notification },
  },
  {
    id: "S3.13",
    title: "S3 buckets have lifecycle rules",
    check: (s) =>
      each(s, "aws_s3_bucket")
        .filter(([address]) => !asList(companion(s, address, "aws_s3_bucket_lifecycle_configuration")?.rule).some((r: any) => r.status === "Enabled"))
        .map(([resource]) => ({ resource, message: "no enabled lifecycle rule" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete s.resource!.aws_s3_bucket_lifecycle_configuration },
  },
  {
    id: "S3.14",
    title: "S3 buckets are versioned",
    check: (s) =>
      each(s, "aws_s3_bucket")
        .filter(([address]) => companion(s, address, "aws_s3_bucket_versioning")?.versioning_configuration?.status !== "Enabled")
        .map(([resource]) => ({ resource, message: "versioning not enabled" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_s3_bucket_versioning)[0].versioning_configuration.status = "Suspended") },
  },
  {
    id: "EC2.2",
    title: "default security groups of new VPCs have no rules",
    check: (s) =>
      each(s, "aws_vpc").flatMap(([address]) => {
        const defaults = referencing(s, "aws_default_security_group", "vpc_id", address);
        if (defaults.length === 0) return [{ resource: address, message: "default security group not managed" }];
        return defaults.filter((g) => asList(g.ingress).length > 0 || asList(g.egress).length > 0).map(() => ({ resource: address, message: "default security group has rules" }));
      }),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => (Object.values(s.resource!.aws_default_security_group)[0].egress = [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }]),
    },
  },
  {
    id: "EC2.6",
    title: "new VPCs have flow logs",
    check: (s) =>
      each(s, "aws_vpc")
        .filter(([address]) => referencing(s, "aws_flow_log", "vpc_id", address).length === 0)
        .map(([resource]) => ({ resource, message: "no flow log" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete s.resource!.aws_flow_log },
  },
  {
    id: "EC2.21",
    title: "network ACLs deny SSH (22) and RDP (3389) from anywhere",
    check: (s) =>
      [...each(s, "aws_default_network_acl"), ...each(s, "aws_network_acl")].flatMap(([resource, c]) =>
        [22, 3389].filter((port) => !deniesFromAnywhere(asList(c.ingress) as Config[], port)).map((port) => ({ resource, message: `port ${port} reachable from 0.0.0.0/0` })),
      ),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const nacl = Object.values(s.resource!.aws_default_network_acl)[0];
        nacl.ingress = nacl.ingress.filter((r: Config) => r.action !== "deny");
        nacl.ingress.push({ rule_no: 50, action: "allow", protocol: "tcp", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 65535 });
      },
    },
  },
  {
    id: "CloudWatch.16",
    title: "log groups keep logs for at least a year",
    check: (s) =>
      each(s, "aws_cloudwatch_log_group")
        .filter(([, c]) => !(Number(c.retention_in_days) >= 365))
        .map(([resource, c]) => ({ resource, message: `retention ${c.retention_in_days ?? "never expires"}` })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (s.resource!.aws_cloudwatch_log_group["logs_containers"].retention_in_days = 30) },
  },
  {
    id: "CKV_AWS_158",
    title: "log groups are encrypted with KMS",
    check: (s) =>
      each(s, "aws_cloudwatch_log_group")
        .filter(([, c]) => !c.kms_key_id)
        .map(([resource]) => ({ resource, message: "no KMS key" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete s.resource!.aws_cloudwatch_log_group["logs_containers"].kms_key_id },
  },
  {
    id: "SNS.1",
    title: "SNS topics are encrypted with KMS",
    check: (s) =>
      each(s, "aws_sns_topic")
        .filter(([, c]) => !c.kms_master_key_id)
        .map(([resource]) => ({ resource, message: "no KMS key" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete Object.values(s.resource!.aws_sns_topic)[0].kms_master_key_id },
  },
  {
    id: "KMS.4",
    title: "KMS keys rotate",
    check: (s) =>
      each(s, "aws_kms_key")
        .filter(([, c]) => c.enable_key_rotation !== true)
        .map(([resource]) => ({ resource, message: "rotation off" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => (Object.values(s.resource!.aws_kms_key)[0].enable_key_rotation = false) },
  },
  {
    id: "CKV_AWS_149",
    title: "Secrets Manager secrets use a customer managed KMS key",
    check: (s) =>
      each(s, "aws_secretsmanager_secret")
        .filter(([, c]) => !c.kms_key_id)
        .map(([resource]) => ({ resource, message: "no customer managed key" })),
    breaks: { stack: "ce-newhttps", mutate: (s) => delete Object.values(s.resource!.aws_secretsmanager_secret)[0].kms_key_id },
  },
  {
    id: "SecretsManager.1/SecretsManager.4",
    title: "Secrets Manager secrets rotate automatically (within 90 days)",
    check: (s) =>
      each(s, "aws_secretsmanager_secret")
        .filter(([address]) => {
          const rotation = referencing(s, "aws_secretsmanager_secret_rotation", "secret_id", address)[0];
          return !rotation || !(Number(first(rotation.rotation_rules)?.automatically_after_days) <= 90);
        })
        .map(([resource]) => ({ resource, message: "no automatic rotation within 90 days" })),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => (s.resource!.aws_secretsmanager_secret["another-secret"] = { name: "ce/dev/another", kms_key_id: "k" }),
    },
  },
  {
    id: "CE-1",
    title: "identity policies use KMS keys only through a named AWS service (kms:ViaService)",
    check: (s) =>
      policyStatements(s)
        .filter(({ kind, statement }) => kind === "identity" && statement.Effect === "Allow")
        .filter(({ statement }) => asList(statement.Action).some((a) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/i.test(String(a)) || a === "kms:*"))
        .filter(({ statement }) => !statement.Condition?.StringEquals?.["kms:ViaService"])
        .map(({ resource, statement }) => ({ resource, message: `${statement.Sid ?? "a statement"} uses KMS without kms:ViaService` })),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const policy = s.resource!.aws_iam_role_policy["iam_execution-role-policy"];
        const doc = JSON.parse(policy.policy);
        for (const statement of doc.Statement) delete statement.Condition;
        policy.policy = JSON.stringify(doc);
      },
    },
  },
  {
    id: "IAM.1",
    title: "no IAM policy allows every action (*:*)",
    check: (s) =>
      policyStatements(s)
        .filter(({ statement }) => statement.Effect === "Allow" && asList(statement.Action).includes("*"))
        .map(({ resource }) => ({ resource, message: 'allows Action "*"' })),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const policy = s.resource!.aws_iam_role_policy["iam_task-role-policy"];
        const doc = JSON.parse(policy.policy);
        doc.Statement.push({ Effect: "Allow", Action: "*", Resource: "*" });
        policy.policy = JSON.stringify(doc);
      },
    },
  },
  {
    id: "CKV_AWS_355",
    title: 'IAM policies name resources instead of "*" where the actions allow it',
    check: (s) =>
      policyStatements(s)
        .filter(({ kind, statement }) => kind === "identity" && statement.Effect === "Allow" && asList(statement.Resource).includes("*"))
        .map(({ resource, statement }) => ({ resource, message: `Resource "*" for ${asList(statement.Action).join(", ")}` })),
    breaks: {
      stack: "ce-newhttps",
      mutate: (s) => {
        const policy = s.resource!.aws_iam_role_policy["iam_task-role-policy"];
        const doc = JSON.parse(policy.policy);
        doc.Statement[0].Resource = "*";
        policy.policy = JSON.stringify(doc);
      },
    },
  },
];
