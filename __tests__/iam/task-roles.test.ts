/** The task roles: exactly the permissions Cloud Exchange needs, or existing roles. */
import { baseEnvironment, withExistingSecrets } from "../support/fixtures";
import { evaluate, statementsOf } from "../support/iam-simulator";
import { diffStacks, onlyResource, policyOf, ref, resourceNamed, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const secretRef = (name: string) => ref("aws_secretsmanager_secret", `secrets_${name}`, "arn");

describe("task roles", () => {
  const stack = synthEnvironment(baseEnvironment());

  it("trust only ECS tasks of this account and region", () => {
    for (const role of ["iam_execution-role", "iam_task-role"]) {
      expect(policyOf(resourceNamed(stack, "aws_iam_role", role).assume_role_policy).Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "210987654321" },
            ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:210987654321:*" },
          },
        },
      ]);
    }
  });

  it("let the execution role pull the images from ECR when they are there (CE 5.0's Marketplace images)", () => {
    const legacy = synthEnvironment(baseEnvironment({ release: "5.0" }));
    const statements = policyOf(resourceNamed(legacy, "aws_iam_role_policy", "iam_execution-role-policy").policy).Statement;
    expect(statements.slice(0, 2)).toEqual([
      { Sid: "GetEcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "PullImages",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: ["core5", "mongodb", "rabbitmq", "ui5"].map((r) => `arn:aws:ecr:us-east-1:709825985650:repository/netskope/${r}`),
      },
    ]);
  });

  it("let the execution role pull through the Docker Hub cache, fill it, and nothing more", () => {
    const cached = synthEnvironment(baseEnvironment({ images: { pullThroughCache: { credentialsSecretArn: "arn:aws:secretsmanager:eu-west-1:210987654321:secret:ecr-pullthroughcache/docker-hub-AbCdEf" } } }));
    const statements = policyOf(resourceNamed(cached, "aws_iam_role_policy", "iam_execution-role-policy").policy).Statement;
    const repository = "arn:aws:ecr:eu-west-1:210987654321:repository/ce-test-docker-hub/netskopetechnicalalliances/cloudexchange";
    expect(statements.find((s) => s.Sid === "PullImages")!.Resource).toEqual([repository]);
    expect(statements.find((s) => s.Sid === "FillThePullThroughCache")).toEqual({
      Sid: "FillThePullThroughCache",
      Effect: "Allow",
      Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
      Resource: [repository],
    });
  });

  it("let the execution role write logs and read exactly these secrets, and pull nothing from ECR for Docker Hub images", () => {
    const statements = policyOf(resourceNamed(stack, "aws_iam_role_policy", "iam_execution-role-policy").policy).Statement;
    expect(statements).toEqual([
      {
        Sid: "WriteContainerLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${ref("aws_cloudwatch_log_group", "logs_containers", "arn")}:log-stream:*`,
      },
      { Sid: "ReadTaskSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [secretRef("jwt-secret"), secretRef("maintenance"), secretRef("cluster"), ref("aws_secretsmanager_secret", "backup-secret_secret", "arn")] },
      {
        Sid: "DecryptTaskSecretsThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: [ref("aws_kms_key", "encryption-key_key", "arn")],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
      },
    ]);
    const key = ref("aws_kms_key", "encryption-key_key", "arn");
    const decrypt = (context: Record<string, string>) => evaluate(statements, { action: "kms:Decrypt", resource: key, context });
    expect(decrypt({ "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" })).toBe("allowed");
    expect(decrypt({})).toBe("implicitly denied");
  });

  const exec = synthEnvironment(baseEnvironment({ workload: { enableExecuteCommand: true } }));
  const auditGroup = ref("aws_cloudwatch_log_group", "logs_execute-command", "arn");

  it("let the task role use this file system and, with ECS Exec on, the exec channels, nothing else", () => {
    const statements = policyOf(resourceNamed(exec, "aws_iam_role_policy", "iam_task-role-policy").policy).Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      "MountAndWriteTheFileSystem",
      "OpenEcsExecChannels",
      "FindTheExecAuditLogGroup",
      "AppendExecAuditLogs",
      "NeverAlterTheExecAuditTrail",
      "DecryptExecSessions",
    ]);
    expect(statements[0]).toMatchObject({ Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], Resource: ref("aws_efs_file_system", "storage_file-system", "arn") });
    expect(statements[3].Resource).toBe(`${auditGroup}:*`);
  });

  it("let the audited containers append to the exec audit log but never delete, shorten, re-key or redirect it", () => {
    const statements = statementsOf(resourceNamed(exec, "aws_iam_role_policy", "iam_task-role-policy").policy);
    const request = (action: string, resource = `${auditGroup}:log-stream:ecs-execute-command-1`) => evaluate(statements, { action, resource });
    expect(request("logs:PutLogEvents")).toBe("allowed");
    for (const action of ["logs:DeleteLogStream", "logs:PutRetentionPolicy", "logs:DeleteLogGroup", "logs:DisassociateKmsKey", "logs:PutSubscriptionFilter"]) {
      expect({ action, decision: request(action, auditGroup) }).toEqual({ action, decision: "explicitly denied" });
    }
  });

  it("leave ECS Exec off by default, with no exec permissions or channels", () => {
    const statements = policyOf(resourceNamed(stack, "aws_iam_role_policy", "iam_task-role-policy").policy).Statement;
    expect(statements.map((s) => s.Sid)).toEqual(["MountAndWriteTheFileSystem"]);
    expect(onlyResource(stack, "aws_ecs_service").enable_execute_command).toBe(false);
    expect(resourceNamed(stack, "aws_ecs_cluster", "cluster_cluster").configuration).toBeUndefined();
  });

  it("keep the exec audit log group, protected from destruction, when ECS Exec is turned off again", () => {
    // Attacker: whoever turns Exec off after a session (the runbook's last step) to erase what the session did.
    const off = diffStacks(exec, stack);
    expect(off.removed.filter((address) => address.startsWith("aws_cloudwatch_log_group."))).toEqual([]);
    for (const json of [exec, stack]) {
      expect(resourceNamed(json, "aws_cloudwatch_log_group", "logs_execute-command")).toMatchObject({
        name: "/ecs/cloud-exchange/test/exec",
        lifecycle: { prevent_destroy: true },
      });
    }
    const destroyable = synthEnvironment(baseEnvironment({ protection: { allowDestroy: true } }));
    expect(resourceNamed(destroyable, "aws_cloudwatch_log_group", "logs_execute-command").lifecycle).toBeUndefined();
  });

  it("let the audited task role decrypt with the environment's key only ECS Exec session data, never a secret, file or log", () => {
    // Attacker: code in a container of an environment with ECS Exec on, holding the task role's credentials.
    const statements = statementsOf(resourceNamed(exec, "aws_iam_role_policy", "iam_task-role-policy").policy);
    const key = ref("aws_kms_key", "encryption-key_key", "arn");
    const decrypt = (contextKeys: string[]) => evaluate(statements, { action: "kms:Decrypt", resource: key, context: { "kms:EncryptionContextKeys": contextKeys } });
    expect(decrypt(["aws:ssm:SessionId", "aws:ssm:TargetId"])).toBe("allowed");
    expect(decrypt(["SecretARN", "SecretVersionId"])).toBe("implicitly denied");
    expect(decrypt(["aws:elasticfilesystem:filesystem:id"])).toBe("implicitly denied");
    expect(decrypt(["aws:logs:arn"])).toBe("implicitly denied");
    expect(decrypt([])).toBe("implicitly denied");
  });

  it("read the proxy, CA and registry secrets when configured, and decrypt with an existing secrets key", () => {
    const arn = (n: string) => `arn:aws:secretsmanager:eu-west-1:210987654321:secret:${n}-AbCdEf`;
    const kms = "arn:aws:kms:eu-west-1:210987654321:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    const input = withExistingSecrets(
      baseEnvironment({
        proxy: { urlsSecretArn: arn("proxy"), ports: [3128], awsServiceAccess: "direct" },
        caCertificateSecretArn: arn("ca"),
        images: { registryCredentialsSecretArn: arn("dockerhub"), core: { repository: "netskopetechnicalalliances/cloudexchange", tag: "core5-5.0.1" } },
      }),
    );
    (input.secrets as Record<string, unknown>).kmsKeyArn = kms;
    const statements = policyOf(resourceNamed(synthEnvironment(input), "aws_iam_role_policy", "iam_execution-role-policy").policy).Statement;
    const secrets = statements.find((s) => s.Sid === "ReadTaskSecrets")!.Resource;
    expect(secrets).toEqual(expect.arrayContaining([arn("proxy"), arn("ca"), arn("dockerhub")]));
    expect(statements.find((s) => s.Sid === "DecryptTaskSecretsThroughSecretsManager")!.Resource).toEqual([kms]);
    expect(statements.find((s) => s.Sid === "PullImages")).toBeUndefined();
  });

  it("are not created when existing roles are given, and the task uses those", () => {
    const execution = "arn:aws:iam::210987654321:role/ce-exec";
    const task = "arn:aws:iam::210987654321:role/ce-task";
    const existing = synthEnvironment(baseEnvironment({ iam: { executionRoleArn: execution, taskRoleArn: task } }));
    expect(Object.keys(existing.resource?.aws_iam_role ?? {}).filter((n) => n.startsWith("iam_"))).toEqual([]);
    expect(workloadTaskDefinition(existing)).toMatchObject({ execution_role_arn: execution, task_role_arn: task });
  });
});
