/**
 * The restore helper as a one-off Fargate task (scripts/restore-helper.sh):
 * its task definition, registered from the operator's shell with the file
 * system only known there, and the shell lines that register it, run it in
 * the environment's cluster, wait for it and check its exit code. The
 * environment's MongoDB image runs it (bash, find, mv, and for a load mongod,
 * mongosh and mongorestore); the environment's execution role starts it; it
 * mounts the file system's root with TLS and without IAM, so it works on a
 * file system that has no file system policy (a restored one, or one whose
 * policy the rollback removed).
 */
import { Environment, resolveImages } from "../config";
import { partitionOf } from "../config/patterns";
import { shippedScript } from "../shipped-script";
import { imageUri } from "../workload/images";

/** The placeholder the shell replaces with the file system's ID before registering the task definition. */
export const FILE_SYSTEM_PLACEHOLDER = "@@FILE_SYSTEM_ID@@";

/** What the helper does: move a restore directory's data to the root (as root), or load a logical dump (as the database user). */
export type RestoreHelperMode = "move" | "load";

/** The helper script. */
export function restoreHelperScript(): string {
  return shippedScript(__dirname, "restore-helper.sh");
}

/** The environment's task execution role (the one the stack creates, or the environment's own). */
export function executionRoleArnOf(env: Environment): string {
  return env.iam.executionRoleArn ?? `arn:${partitionOf(env.region)}:iam::${env.accountId}:role/ce-${env.name}-task-execution`;
}

/** The environment's MongoDB image as ECS pulls it (through the pull-through cache when there is one). */
export function mongodbImageOf(env: Environment): string {
  const cache = env.images.pullThroughCache
    ? { accountId: env.accountId, region: env.region, partition: partitionOf(env.region), repositoryPrefix: env.images.pullThroughCache.repositoryPrefix ?? `ce-${env.name}-docker-hub` }
    : undefined;
  return imageUri(resolveImages(env).mongodb, cache);
}

/** The task definition (register-task-definition's input), with {@link FILE_SYSTEM_PLACEHOLDER} for the file system. */
export function restoreHelperTaskDefinition(env: Environment, mode: RestoreHelperMode): object {
  return {
    family: `ce-${env.name}-restore-${mode}`,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "1024",
    memory: "4096",
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    executionRoleArn: executionRoleArnOf(env),
    containerDefinitions: [
      {
        name: "restore-helper",
        image: mongodbImageOf(env),
        essential: true,
        user: mode === "move" ? "0" : "1001:1001",
        entryPoint: ["/bin/bash", "-c", restoreHelperScript(), "restore-helper"],
        command: [mode],
        environment: [
          { name: "CE_RESTORE_ROOT", value: "/efs" },
          ...(mode === "load" ? [{ name: "CE_RESTORE_HA", value: String(env.variant === "ha") }] : []),
        ],
        mountPoints: [{ sourceVolume: "file-system", containerPath: "/efs", readOnly: false }],
        logConfiguration: {
          logDriver: "awslogs",
          options: { "awslogs-group": `/ecs/cloud-exchange/${env.name}`, "awslogs-region": env.region, "awslogs-stream-prefix": `restore-${mode}` },
        },
        ...(env.images.registryCredentialsSecretArn ? { repositoryCredentials: { credentialsParameter: env.images.registryCredentialsSecretArn } } : {}),
      },
    ],
    volumes: [{ name: "file-system", efsVolumeConfiguration: { fileSystemId: FILE_SYSTEM_PLACEHOLDER, rootDirectory: "/", transitEncryption: "ENABLED" } }],
  };
}

/** Files the shell lines read: the file system's ID, and the cluster, subnets and task security group to run in. */
export interface HelperRunFiles {
  readonly fileSystemId: string;
  readonly cluster: string;
  readonly subnets: string;
  readonly securityGroup: string;
  /** Where the task definition JSON is written. */
  readonly taskDefinition: string;
}

/**
 * Shell lines that register the helper for the file system in `files.fileSystemId`, run it once and
 * return 1 (after a STOP line) unless it exits 0. Meant for the body of a step's function.
 */
export function runRestoreHelper(env: Environment, mode: RestoreHelperMode, files: HelperRunFiles): string[] {
  const json = JSON.stringify(restoreHelperTaskDefinition(env, mode));
  // One line, in a quoted here-document: the shell expands nothing in it.
  if (json.includes("\n")) throw new Error("the helper's task definition must be one line");
  return [
    `sed "s/${FILE_SYSTEM_PLACEHOLDER}/$(cat ${files.fileSystemId})/" > ${files.taskDefinition} <<'JSON'`,
    json,
    "JSON",
    `helper=$(aws ecs register-task-definition --cli-input-json file://${files.taskDefinition} --query taskDefinition.taskDefinitionArn --output text) || { echo "STOP: cannot register the restore helper's task definition"; return 1; }`,
    `task=$(aws ecs run-task --cluster "$(cat ${files.cluster})" --task-definition "$helper" --launch-type FARGATE --platform-version 1.4.0 --network-configuration "awsvpcConfiguration={subnets=[$(tr ' ' ',' < ${files.subnets})],securityGroups=[$(cat ${files.securityGroup})],assignPublicIp=DISABLED}" --query 'tasks[0].taskArn' --output text) || { echo "STOP: cannot run the restore helper"; return 1; }`,
    `echo "restore helper (${mode}): $task"`,
    `aws ecs wait tasks-stopped --cluster "$(cat ${files.cluster})" --tasks "$task"`,
    `code=$(aws ecs describe-tasks --cluster "$(cat ${files.cluster})" --tasks "$task" --query 'tasks[0].containers[0].exitCode' --output text)`,
    `[ "$code" = 0 ] || { echo "STOP: the restore helper (${mode}) ended with exit code $code; read why: aws logs tail /ecs/cloud-exchange/${env.name} --log-stream-name-prefix restore-${mode} --since 1h"; return 1; }`,
  ];
}
