/**
 * What a pipeline role of one stack may touch, read from the stack's
 * synthesized Terraform JSON: the exact names of its roles, secrets, buckets,
 * log groups, ECS cluster and services, topics, alarms, schedules and key
 * aliases, and which service each role is handed to (iam:PassRole). Reading
 * them from the synthesis, not from a second list, keeps the policies exact
 * whatever the environment turns on.
 */

/** The synthesized JSON of a stack, as far as the pipeline policies read it. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, any>>>>>;
}

/** The named resources of a stack. */
export interface StackNames {
  /** IAM role names the stack creates. */
  readonly roles: readonly string[];
  /** Roles the apply hands to a service, by role ARN or `${aws_iam_role.<id>.arn}` reference, with the service. */
  readonly passedRoles: readonly { readonly role: string; readonly service: string }[];
  /** Secrets Manager secret names. */
  readonly secrets: readonly string[];
  /** S3 bucket names. */
  readonly buckets: readonly string[];
  /** CloudWatch Logs log group names. */
  readonly logGroups: readonly string[];
  /** ECS cluster names the stack creates. */
  readonly clusters: readonly string[];
  /** ECS services as `<cluster name>/<service name>`. */
  readonly services: readonly string[];
  /** SNS topic names. */
  readonly topics: readonly string[];
  /** CloudWatch alarm names. */
  readonly alarms: readonly string[];
  /** EventBridge Scheduler schedule names (default group). */
  readonly schedules: readonly string[];
  /** KMS alias names (`alias/...`). */
  readonly aliases: readonly string[];
  /** AWS Backup vault names. */
  readonly vaults: readonly string[];
  /** Vaults in another region or account the stack's backup plans copy recovery points into, by ARN. */
  readonly copyVaults: readonly string[];
  /** Managed policies the stack attaches to its roles, by policy ARN, with the role's `${aws_iam_role.<id>.name}` reference or name. */
  readonly attachedPolicies: readonly { readonly role: string; readonly policyArn: string }[];
  /** Regions and keys (by ARN or alias ARN) the stack's secrets are replicated to and under. */
  readonly secretReplicas: readonly { readonly region: string; readonly kmsKeyId: string }[];
}

/** Which service each resource type hands the role it names to. */
const ROLE_TAKERS: Readonly<Record<string, { readonly attributes: readonly string[]; readonly service: string }>> = {
  aws_ecs_task_definition: { attributes: ["execution_role_arn", "task_role_arn"], service: "ecs-tasks.amazonaws.com" },
  aws_flow_log: { attributes: ["iam_role_arn"], service: "vpc-flow-logs.amazonaws.com" },
  aws_scheduler_schedule: { attributes: ["target.role_arn"], service: "scheduler.amazonaws.com" },
  aws_backup_selection: { attributes: ["iam_role_arn"], service: "backup.amazonaws.com" },
};

const REFERENCE = /^\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/;

function literal(value: unknown, what: string): string {
  if (typeof value !== "string" || value.includes("${")) throw new Error(`${what} is not a literal name in the synthesized stack (${JSON.stringify(value)})`);
  return value;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

function attribute(config: Record<string, any>, path: string): unknown {
  return path.split(".").reduce<unknown>((at, key) => (at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), config);
}

/** The named resources of a synthesized stack. */
export function stackNames(stack: SynthesizedStack): StackNames {
  const of = (type: string) => Object.entries(stack.resource?.[type] ?? {});
  const names = (type: string, field: string) => of(type).map(([id, config]) => literal(config[field], `${type}.${id}.${field}`));
  const clusterNameOf = (value: unknown): string => {
    const text = String(value);
    const ref = REFERENCE.exec(text);
    if (ref && ref[1] === "aws_ecs_cluster") return literal(stack.resource!.aws_ecs_cluster[ref[2]].name, `aws_ecs_cluster.${ref[2]}.name`);
    const arn = /:cluster\/(.+)$/.exec(text);
    if (arn) return arn[1];
    throw new Error(`cannot tell the cluster of ${text}`);
  };
  const passedRoles = Object.entries(ROLE_TAKERS).flatMap(([type, taker]) =>
    of(type).flatMap(([, config]) =>
      taker.attributes.map((path) => attribute(config, path)).filter((value): value is string => typeof value === "string").map((role) => ({ role, service: taker.service })),
    ),
  );
  return {
    roles: sorted(names("aws_iam_role", "name")),
    passedRoles: [...new Map(passedRoles.map((p) => [`${p.role} ${p.service}`, p])).values()].sort((a, b) => `${a.role}${a.service}`.localeCompare(`${b.role}${b.service}`)),
    secrets: sorted(names("aws_secretsmanager_secret", "name")),
    buckets: sorted(names("aws_s3_bucket", "bucket")),
    logGroups: sorted(names("aws_cloudwatch_log_group", "name")),
    clusters: sorted(names("aws_ecs_cluster", "name")),
    services: sorted(of("aws_ecs_service").map(([id, config]) => `${clusterNameOf(config.cluster)}/${literal(config.name, `aws_ecs_service.${id}.name`)}`)),
    topics: sorted(names("aws_sns_topic", "name")),
    alarms: sorted(names("aws_cloudwatch_metric_alarm", "alarm_name")),
    schedules: sorted(names("aws_scheduler_schedule", "name")),
    aliases: sorted(names("aws_kms_alias", "name")),
    vaults: sorted(names("aws_backup_vault", "name")),
    copyVaults: sorted(
      of("aws_backup_plan").flatMap(([, config]) =>
        ([] as Record<string, any>[]).concat(config.rule ?? []).flatMap((rule) => ([] as Record<string, any>[]).concat(rule.copy_action ?? []).map((copy) => String(copy.destination_vault_arn))),
      ),
    ),
    attachedPolicies: [...new Map(of("aws_iam_role_policy_attachment").map(([id, config]) => [`${config.role} ${config.policy_arn}`, { role: String(config.role), policyArn: literal(config.policy_arn, `aws_iam_role_policy_attachment.${id}.policy_arn`) }])).values()].sort(
      (a, b) => `${a.role}${a.policyArn}`.localeCompare(`${b.role}${b.policyArn}`),
    ),
    secretReplicas: [
      ...new Map(
        of("aws_secretsmanager_secret").flatMap(([, config]) =>
          ([] as Record<string, any>[]).concat(config.replica ?? []).map((replica) => [`${replica.region} ${replica.kms_key_id}`, { region: String(replica.region), kmsKeyId: String(replica.kms_key_id) }] as const),
        ),
      ).values(),
    ],
  };
}

/** The role name a `${aws_iam_role.<id>.arn}` (or `.name`) reference, a role ARN or a role name stands for. */
export function roleNameOf(stack: SynthesizedStack, role: string): string {
  const ref = REFERENCE.exec(role);
  if (ref && ref[1] === "aws_iam_role") return literal(stack.resource!.aws_iam_role[ref[2]].name, `aws_iam_role.${ref[2]}.name`);
  if (/^[\w+=,.@-]+$/.test(role)) return role;
  const arn = /:role\/(?:.*\/)?([^/]+)$/.exec(role);
  if (arn) return arn[1];
  throw new Error(`cannot tell the role of ${role}`);
}
