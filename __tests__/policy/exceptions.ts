/**
 * The only accepted policy findings, each with its control, where it applies
 * and why. The suite fails when a finding has no exception, and when an
 * exception no longer matches any finding (so no list can rot).
 *
 * Two sources: the project's own exceptions below (the images' and tools'
 * limits that hold for every stack, and the test fixtures'), and what each
 * environment file declares for its own stack in `policyExceptions` (a
 * throw-away environment's short log retention, say): an environment's
 * reasoned exception lives with the environment, not in a test file.
 *
 * `stack` is a stack name or "*"; `resource` is a resource address where `*`
 * matches any run of characters; `message`, when given, must appear in the
 * finding (to pin an exception to specific actions).
 */
import { environmentSources } from "../../environments";
import { derive, EnvironmentSource, parseEnvironments } from "../../modules/config";

export interface PolicyException {
  readonly control: string;
  readonly stack: string;
  readonly resource: string;
  readonly message?: string;
  readonly reason: string;
  /** The environment file that declares it; absent for the project's own, listed in this file. */
  readonly declaredIn?: string;
}

/** The project's own exceptions: what holds for every stack, and the test fixtures'. */
export const PROJECT_EXCEPTIONS: readonly PolicyException[] = [
  ...["mongodb", "rabbitmq", "core", "ui"].map((container) => ({
    control: "ECS.5",
    stack: "*",
    resource: `aws_ecs_task_definition.*[${container}]`,
    reason:
      "The CE images write to their own file system (mongod's entrypoint creates files under /tmp and /data/configdb, " +
      "RabbitMQ writes its cookie and runtime files under /var/lib/rabbitmq, core installs plugin dependencies and updates " +
      "CA certificates, the UI writes its TLS configuration). Only the helpers (init, core-init, replica-set-init) and the " +
      "defender updater run read-only.",
  })),
  {
    control: "ECS.5",
    stack: "*",
    resource: "aws_ecs_task_definition.*[mongodb-fcv-*]",
    reason:
      "The data upgrade's MongoDB steps run mongod and mongosh, which write their socket, logs and shell state under /tmp and $HOME; " +
      "they run once, before CE's own containers start, only in an environment upgrading its data (upgrade.fromRelease).",
  },
  {
    control: "ECS.8",
    stack: "*",
    resource: "aws_ecs_task_definition.defender_task-definition[fargate-updater]",
    message: "PCC_SECRET",
    reason: "PCC_SECRET holds the secret's name, not its value (the updater's documented interface); the updater reads the credentials from Secrets Manager itself.",
  },
  {
    control: "ECS.8",
    stack: "*",
    resource: "aws_ecs_task_definition.defender_task-definition[fargate-updater]",
    message: "CREDENTIAL_ID",
    reason: "CREDENTIAL_ID is the ID under which a credential is stored in the Prisma Cloud console (the updater's documented interface), not the credential.",
  },
  ...["ce-newhttp", "ce-legacy"].map((stack) => ({
    control: "ELB.1",
    stack,
    resource: "aws_lb.ingress_load-balancer",
    reason:
      "Test fixtures of the no-certificate mode (the official template's default, for a first look from a private network), kept so the suite " +
      "covers it; synthesis warns for every environment in that mode. Every shipped environment has a certificate and redirects HTTP to HTTPS.",
  })),
  {
    control: "S3.9",
    stack: "*",
    resource: "aws_s3_bucket.*access-log*bucket*",
    message: "it receives other buckets' logs",
    reason:
      "The buckets that receive S3 server access logs do not log their own accesses: a bucket logging to itself loops (AWS advises against it) " +
      "and a third bucket would only move the gap. They accept writes from the S3 logging service only (bucket policy), are versioned, " +
      "TLS-only and send their object events to EventBridge (S3.11), which is where an alteration shows.",
  },
  {
    control: "SecretsManager.1/SecretsManager.4",
    stack: "*",
    resource: "aws_secretsmanager_secret.secrets_jwt-secret",
    reason:
      "CE verifies sessions with one JWT secret and has no second key to accept during a change, so rotating it signs every user out: " +
      "it is rotated by hand at a planned moment (docs/runbooks.md, Rotating secrets), not by a Lambda on a timer.",
  },
  {
    control: "SecretsManager.1/SecretsManager.4",
    stack: "*",
    resource: "aws_secretsmanager_secret.secrets_maintenance",
    reason:
      "MongoDB's cteadmin and RabbitMQ's user keep the password they were created with and CE reads it only at start; a rotation that " +
      "changes the secret without changing both users locks CE out of its data. Changing it is a maintenance-window runbook (docs/runbooks.md).",
  },
  {
    control: "SecretsManager.1/SecretsManager.4",
    stack: "*",
    resource: "aws_secretsmanager_secret.secrets_cluster",
    reason:
      "The Erlang cookie and the replica-set keyfile must change on every HA node at the same moment (all nodes stopped), and MongoDB's " +
      "root password must change in MongoDB first: both are runbook steps with a backup (docs/runbooks.md), never an unattended rotation.",
  },
  {
    control: "SecretsManager.1/SecretsManager.4",
    stack: "*",
    resource: "aws_secretsmanager_secret.backup-secret_secret",
    reason:
      "MongoDB's backup user takes its password from the secret when the mongodb container starts (mongodb-entrypoint.sh updates it), so a new " +
      "value takes effect only with new tasks, and a dump between the change and the restart would fail: a planned change (docs/runbooks.md), not a timer.",
  },
  {
    control: "CE-1",
    stack: "*",
    resource: "aws_iam_role_policy.iam_task-role-policy",
    message: "DecryptExecSessions",
    reason:
      "With ECS Exec on, the SSM agent inside the container decrypts the session's data channel with KMS itself, not through another " +
      "service, so kms:ViaService cannot apply; the statement names the environment's one key, and ECS Exec is off unless an environment turns it on.",
  },
  {
    control: "CKV_AWS_355",
    stack: "*",
    resource: "aws_iam_role_policy.*",
    message: 'Resource "*" for ecr:GetAuthorizationToken',
    reason: "ecr:GetAuthorizationToken has no resource-level permissions; the pulls themselves are limited to the image repositories.",
  },
  {
    control: "CKV_AWS_355",
    stack: "*",
    resource: "aws_iam_role_policy.iam_task-role-policy",
    message: 'Resource "*" for ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel',
    reason: "The SSM message channels ECS Exec needs have no resource-level permissions; sessions are KMS-encrypted and logged.",
  },
  {
    control: "CKV_AWS_355",
    stack: "*",
    resource: "aws_iam_role_policy.backup_break-glass-role_policy",
    message: 'Resource "*" for backup:DescribeRestoreJob',
    reason: "A restore job has no resource-level permission in AWS Backup; the break-glass role follows the job it started, and restores only from its vault's recovery points.",
  },
  {
    control: "CKV_AWS_355",
    stack: "*",
    resource: "aws_iam_role_policy.defender_master-role-policy",
    message: 'Resource "*" for organizations:DescribeOrganization, organizations:ListAccounts, organizations:ListAccountsForParent',
    reason: "Listing an organization's accounts has no resource-level permission without the organization ID; organization mode only.",
  },
  {
    control: "CKV_AWS_355",
    stack: "*",
    resource: "aws_iam_role_policy.*member-role_policy",
    message: 'Resource "*" for ecs:ListClusters, ecs:ListServices, ecs:DescribeServices, ecs:DescribeTaskDefinition, ecs:RegisterTaskDefinition, ec2:DescribeRegions',
    reason:
      "The updater lists clusters and services and registers task definitions, which have no resource-level permissions; " +
      "ecs:UpdateService and iam:PassRole are limited to the member account.",
  },
];

/** The exceptions environment files declare in `policyExceptions`, each for its own stack. */
export function environmentExceptions(sources: readonly EnvironmentSource[] = environmentSources()): PolicyException[] {
  return parseEnvironments(sources).flatMap((env, i) =>
    env.policyExceptions.map((e) => ({
      control: e.control,
      stack: derive(env).stackName,
      resource: e.resource,
      ...(e.message !== undefined ? { message: e.message } : {}),
      reason: e.reason,
      declaredIn: sources[i].source,
    })),
  );
}

/** Every accepted finding: the project's own and those the environment files declare. */
export const EXCEPTIONS: readonly PolicyException[] = [...PROJECT_EXCEPTIONS, ...environmentExceptions()];

/** Whether a glob (with `*`) matches a text. */
export function globMatches(glob: string, text: string): boolean {
  const pattern = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${pattern}$`).test(text);
}

/** Whether an exception covers a finding of a control in a stack. */
export function excepted(control: string, stack: string, finding: { resource: string; message: string }, exception: PolicyException): boolean {
  return (
    exception.control === control &&
    (exception.stack === "*" || exception.stack === stack) &&
    globMatches(exception.resource, finding.resource) &&
    (exception.message === undefined || finding.message.includes(exception.message))
  );
}
