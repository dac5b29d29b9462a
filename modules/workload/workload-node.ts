/**
 * One Cloud Exchange node: its task definition and its service. The
 * standalone workload is one node; the HA cluster is three. Both variants
 * build their nodes here, so a node is the same thing in either.
 */
import { ITerraformDependable } from "cdktf";
import { CloudExchangeRelease } from "../releases";
import { Construct } from "constructs";
import { volumeAccessPointKeys } from "../storage/data-layout";
import { FileSystem } from "../storage/file-system";
import { CloudExchangeTaskSpec, HaNodeSpec } from "./container-definitions";
import { CloudExchangeService } from "./service";
import { CloudExchangeTaskDefinition } from "./task-definition";

/** What both variants' workloads are built from. */
export interface WorkloadProps {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** What the containers are built from. */
  readonly spec: CloudExchangeTaskSpec;
  /** The file system and its access points. */
  readonly fileSystem: FileSystem;
  /** Role ECS uses to pull images, read the secrets and write logs. */
  readonly executionRoleArn: string;
  /** Role of the containers (EFS client, ECS Exec channels). */
  readonly taskRoleArn: string;
  /** Cluster the services run in. */
  readonly clusterArn: string;
  /** Security groups of the tasks. */
  readonly securityGroupIds: readonly string[];
  /** Fargate platform version of the services. */
  readonly platformVersion: string;
  /** Whether ECS Exec is enabled on the services. */
  readonly enableExecuteCommand: boolean;
  /** Target group the UI registers with. Default: none. */
  readonly targetGroupArn?: string;
  /** Resources the services wait for (mount targets, listeners). */
  readonly dependsOn: readonly ITerraformDependable[];
  /** Tasks each node's service runs. Default 1; 0 for a standby held until its promotion. */
  readonly desiredCount?: number;
}

/** Access point IDs of a node's EFS volumes. */
export function accessPointIdsFor(fileSystem: FileSystem, node: number, ha: boolean, release: CloudExchangeRelease): Record<string, string> {
  return Object.fromEntries(
    Object.entries(volumeAccessPointKeys(node, ha, release)).map(([volume, key]) => {
      const accessPoint = fileSystem.accessPoints.get(key);
      if (!accessPoint) throw new Error(`no access point ${key} for volume ${volume}`);
      return [volume, accessPoint.id];
    }),
  );
}

/** What distinguishes one node from another. */
export interface WorkloadNodeOptions {
  /** Task definition family and service name. */
  readonly name: string;
  /** Node number, selecting the node's access points (1 for standalone). */
  readonly number: number;
  /** HA identity of the node. Default: none (standalone). */
  readonly haNode?: HaNodeSpec;
  /** Private subnets the node's task may run in. */
  readonly subnetIds: readonly string[];
  /** Cloud Map service of the node. Default: none. */
  readonly serviceRegistryArn?: string;
  /** Resources the node's service waits for, besides the workload's own. Default: none. */
  readonly after?: readonly ITerraformDependable[];
}

/** A node's task definition and service. */
export interface WorkloadNode {
  /** The node's task definition. */
  readonly taskDefinition: CloudExchangeTaskDefinition;
  /** The node's service. */
  readonly service: CloudExchangeService;
}

/** Adds a node's task definition (`task`) and service (`service`) under `scope`. */
export function addWorkloadNode(scope: Construct, props: WorkloadProps, options: WorkloadNodeOptions): WorkloadNode {
  const taskDefinition = new CloudExchangeTaskDefinition(scope, "task", {
    family: options.name,
    spec: options.haNode ? { ...props.spec, node: options.haNode } : props.spec,
    volumes: {
      fileSystemId: props.fileSystem.fileSystemId,
      accessPointIds: accessPointIdsFor(props.fileSystem, options.number, options.haNode !== undefined, props.spec.release),
    },
    executionRoleArn: props.executionRoleArn,
    taskRoleArn: props.taskRoleArn,
  });
  const service = new CloudExchangeService(scope, "service", {
    name: options.name,
    clusterArn: props.clusterArn,
    taskDefinitionArn: taskDefinition.taskDefinition.arn,
    subnetIds: options.subnetIds,
    securityGroupIds: props.securityGroupIds,
    platformVersion: props.platformVersion,
    enableExecuteCommand: props.enableExecuteCommand,
    targetGroupArn: props.targetGroupArn,
    serviceRegistryArn: options.serviceRegistryArn,
    desiredCount: props.desiredCount,
    waitForSteadyState: true,
    rollbackOnFailure: props.spec.dataUpgrade === undefined,
    dependsOn: [...props.dependsOn, ...(options.after ?? [])],
  });
  return { taskDefinition, service };
}
