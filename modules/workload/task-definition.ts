/**
 * The Cloud Exchange task definition: Fargate, awsvpc, x86-64 Linux, the
 * containers of container-definitions.ts, EFS volumes through access points
 * with transit encryption and IAM authorization, and task-local volumes for
 * what the init container writes.
 */
import { EcsTaskDefinition, EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { cloudExchangeContainers, CloudExchangeTaskSpec, ContainerDefinition } from "./container-definitions";

/** Which EFS access point backs each EFS volume of the task. */
export interface TaskVolumes {
  /** The EFS file system of every EFS volume. */
  readonly fileSystemId: string;
  /** Access point ID per EFS volume name (mongo-data, rabbitmq-data, custom_plugins, repos, ssl_certs, ha-shared). */
  readonly accessPointIds: Readonly<Record<string, string>>;
}

/** Props of {@link CloudExchangeTaskDefinition}. */
export interface CloudExchangeTaskDefinitionProps {
  /** Task definition family. */
  readonly family: string;
  /** What the containers are built from. */
  readonly spec: CloudExchangeTaskSpec;
  /** EFS volumes. */
  readonly volumes: TaskVolumes;
  /** Task execution role. */
  readonly executionRoleArn: string;
  /** Task role. */
  readonly taskRoleArn: string;
}

/**
 * Escapes Terraform template sequences (`${`, `%{`) in literal strings, so
 * shell scripts and user values reach ECS verbatim; strings carrying cdktf
 * tokens (resource references) are left for cdktf to render.
 */
export function escapeTemplateSequences<T>(value: T): T {
  if (typeof value === "string") {
    if (Token.isUnresolved(value)) return value;
    return value.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{") as T;
  }
  if (Array.isArray(value)) return value.map(escapeTemplateSequences) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTemplateSequences(v)])) as T;
  }
  return value;
}

/** Volume blocks for the volumes the containers mount: EFS where an access point is given, task-local otherwise. */
export function taskVolumes(containers: readonly ContainerDefinition[], volumes: TaskVolumes): EcsTaskDefinitionVolume[] {
  const names = [...new Set(containers.flatMap((c) => c.mountPoints.map((m) => m.sourceVolume)))].sort();
  return names.map((name) => {
    const accessPointId = volumes.accessPointIds[name];
    if (!accessPointId) return { name };
    return {
      name,
      efsVolumeConfiguration: {
        fileSystemId: volumes.fileSystemId,
        transitEncryption: "ENABLED",
        authorizationConfig: { accessPointId, iam: "ENABLED" },
      },
    };
  });
}

/** The task definition. */
export class CloudExchangeTaskDefinition extends Construct {
  /** The task definition. */
  readonly taskDefinition: EcsTaskDefinition;
  /** The containers, as serialized into the task definition. */
  readonly containers: readonly ContainerDefinition[];

  constructor(scope: Construct, id: string, props: CloudExchangeTaskDefinitionProps) {
    super(scope, id);
    this.containers = cloudExchangeContainers(props.spec);
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: props.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.spec.task.cpu),
      memory: String(props.spec.task.memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: props.taskRoleArn,
      containerDefinitions: JSON.stringify(escapeTemplateSequences(this.containers)),
      volume: taskVolumes(this.containers, props.volumes),
      // Keep old revisions registered so the deployment circuit breaker can roll back to them.
      skipDestroy: true,
    });
  }
}
