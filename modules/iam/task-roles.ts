/**
 * The two roles of the Cloud Exchange tasks, least privilege:
 * - the execution role (used by ECS to start the task): pull the images,
 *   write the container logs, read exactly these secrets and decrypt them;
 * - the task role (used by the containers): mount and write this EFS file
 *   system, and open ECS Exec channels with audited, encrypted sessions.
 * Or existing roles, for accounts where the deployer may not create roles.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { ecrPullStatements, policyDocument, PolicyStatement, serviceTrustPolicy } from "./policy";

/** Props of {@link TaskRoles}. */
export interface TaskRolesProps extends AwsLocation {
  /** Prefix of role names, `ce-<env>`. */
  readonly prefix: string;
  /** Existing execution role; none is created when set. */
  readonly existingExecutionRoleArn?: string;
  /** Existing task role; none is created when set. */
  readonly existingTaskRoleArn?: string;
  /** What the execution role needs. */
  readonly execution: {
    /** ECR repositories the images come from (empty for other registries). */
    readonly ecrRepositoryArns: readonly string[];
    /** Repositories of a Docker Hub pull-through cache (pattern `repository/<prefix>/*`): ECR creates them on the first pull. Default: none. */
    readonly pullThroughCacheRepositoryArns?: readonly string[];
    /** The container log group. */
    readonly logGroupArn: string;
    /** Secrets the containers receive, including private-registry credentials. */
    readonly secretArns: readonly string[];
    /** KMS keys of those secrets. */
    readonly kmsKeyArns: readonly string[];
  };
  /** What the task role needs. */
  readonly task: {
    /** The EFS file system. */
    readonly fileSystemArn: string;
    /** ECS Exec: session encryption key and audit log group; undefined when ECS Exec is off. */
    readonly execute?: { readonly kmsKeyArn: string; readonly logGroupArn: string };
  };
}

/** The execution role's policy statements. */
export function executionStatements(needs: TaskRolesProps["execution"], region: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [...ecrPullStatements(needs.ecrRepositoryArns, "PullImages")];
  if (needs.pullThroughCacheRepositoryArns && needs.pullThroughCacheRepositoryArns.length > 0) {
    statements.push({
      // The first pull of an image through the cache creates its repository and imports the image.
      Sid: "FillThePullThroughCache",
      Effect: "Allow",
      Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
      Resource: [...needs.pullThroughCacheRepositoryArns],
    });
  }
  statements.push({
    Sid: "WriteContainerLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${needs.logGroupArn}:log-stream:*`,
  });
  if (needs.secretArns.length > 0) {
    statements.push({ Sid: "ReadTaskSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...needs.secretArns] });
  }
  if (needs.kmsKeyArns.length > 0) {
    statements.push({
      Sid: "DecryptTaskSecretsThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: [...needs.kmsKeyArns],
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    });
  }
  return statements;
}

/** The task role's policy statements. */
export function taskStatements(needs: TaskRolesProps["task"], partition: string, region: string, accountId: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: "MountAndWriteTheFileSystem",
      Effect: "Allow",
      Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      Resource: needs.fileSystemArn,
    },
  ];
  if (needs.execute) {
    statements.push(
      {
        // The SSM message channels have no resource-level permissions.
        Sid: "OpenEcsExecChannels",
        Effect: "Allow",
        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        Resource: "*",
      },
      {
        Sid: "FindTheExecAuditLogGroup",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        Resource: `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
      },
      {
        // Append only: CloudWatch Logs has no call that changes or removes an event through these actions.
        Sid: "AppendExecAuditLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: `${needs.execute.logGroupArn}:*`,
      },
      {
        // The audited containers may never remove, shorten, re-key or redirect their own audit trail,
        // whatever else is attached to the role later.
        Sid: "NeverAlterTheExecAuditTrail",
        Effect: "Deny",
        Action: [...AUDIT_TRAIL_ALTERING_ACTIONS],
        Resource: [needs.execute.logGroupArn, `${needs.execute.logGroupArn}:*`],
      },
      {
        // The SSM agent in the container decrypts the session's data key with KMS itself, not through another
        // service, so no kms:ViaService condition can apply. Session Manager binds that key to the session
        // (encryption context aws:ssm:SessionId and aws:ssm:TargetId): the role may decrypt nothing else with the
        // environment's key (a secret's, a file system's or a log group's data keys carry other contexts, and KMS
        // decrypts only with the exact context the data was encrypted with).
        Sid: "DecryptExecSessions",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: needs.execute.kmsKeyArn,
        Condition: { "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": EXEC_SESSION_CONTEXT_KEY } },
      },
    );
  }
  return statements;
}

/** The encryption-context key Session Manager binds every session's data key to. */
export const EXEC_SESSION_CONTEXT_KEY = "aws:ssm:SessionId";

/** CloudWatch Logs actions that remove, shorten, re-key or redirect a log group's events. */
export const AUDIT_TRAIL_ALTERING_ACTIONS = [
  "logs:DeleteLogGroup",
  "logs:DeleteLogStream",
  "logs:PutRetentionPolicy",
  "logs:DeleteRetentionPolicy",
  "logs:DisassociateKmsKey",
  "logs:AssociateKmsKey",
  "logs:PutSubscriptionFilter",
  "logs:DeleteSubscriptionFilter",
  "logs:PutDataProtectionPolicy",
  "logs:DeleteDataProtectionPolicy",
] as const;

/** The task execution role and the task role. */
export class TaskRoles extends Construct {
  /** ARN of the execution role. */
  readonly executionRoleArn: string;
  /** ARN of the task role. */
  readonly taskRoleArn: string;
  /** The created execution role, if any. */
  readonly executionRole?: IamRole;
  /** The created task role, if any. */
  readonly taskRole?: IamRole;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    const trust = serviceTrustPolicy(
      "ecs-tasks.amazonaws.com",
      props.accountId,
      `arn:${props.partition}:ecs:${props.region}:${props.accountId}:*`,
    );
    if (props.existingExecutionRoleArn) {
      this.executionRoleArn = props.existingExecutionRoleArn;
    } else {
      this.executionRole = new IamRole(this, "execution-role", {
        name: `${props.prefix}-task-execution`,
        description: `ECS starts the ${props.prefix} Cloud Exchange tasks with this role`,
        assumeRolePolicy: trust,
      });
      new IamRolePolicy(this, "execution-role-policy", {
        role: this.executionRole.id,
        name: "start-cloud-exchange-tasks",
        policy: policyDocument(executionStatements(props.execution, props.region)),
      });
      this.executionRoleArn = this.executionRole.arn;
    }
    if (props.existingTaskRoleArn) {
      this.taskRoleArn = props.existingTaskRoleArn;
    } else {
      this.taskRole = new IamRole(this, "task-role", {
        name: `${props.prefix}-task`,
        description: `The ${props.prefix} Cloud Exchange containers run with this role`,
        assumeRolePolicy: trust,
      });
      new IamRolePolicy(this, "task-role-policy", {
        role: this.taskRole.id,
        name: "cloud-exchange-containers",
        policy: policyDocument(taskStatements(props.task, props.partition, props.region, props.accountId)),
      });
      this.taskRoleArn = this.taskRole.arn;
    }
  }
}
