/**
 * The standalone workload: one Cloud Exchange task definition and one
 * service that may run its single task in any of the private subnets.
 */
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { volumeAccessPointKeys } from "../storage/data-layout";
import { FileSystem } from "../storage/file-system";
import { CloudExchangeTaskSpec } from "./container-definitions";
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
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  readonly clusterArn: string;
  /** Security groups of the tasks. */
  readonly securityGroupIds: readonly string[];
  readonly platformVersion: string;
  readonly enableExecuteCommand: boolean;
  /** Target group the UI registers with, if any. */
  readonly targetGroupArn?: string;
  /** Resources the services wait for (mount targets, listeners). */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** Access point IDs of a node's EFS volumes. */
export function accessPointIdsFor(fileSystem: FileSystem, node: number, ha: boolean): Record<string, string> {
  return Object.fromEntries(
    Object.entries(volumeAccessPointKeys(node, ha)).map(([volume, key]) => {
      const accessPoint = fileSystem.accessPoints.get(key);
      if (!accessPoint) throw new Error(`no access point ${key} for volume ${volume}`);
      return [volume, accessPoint.id];
    }),
  );
}

/** Props of {@link StandaloneWorkload}. */
export interface StandaloneWorkloadProps extends WorkloadProps {
  /** Private subnets the task may run in. */
  readonly subnetIds: readonly string[];
}

/** One task definition and one service. */
export class StandaloneWorkload extends Construct {
  readonly taskDefinition: CloudExchangeTaskDefinition;
  readonly service: CloudExchangeService;

  constructor(scope: Construct, id: string, props: StandaloneWorkloadProps) {
    super(scope, id);
    this.taskDefinition = new CloudExchangeTaskDefinition(this, "task", {
      family: props.prefix,
      spec: props.spec,
      volumes: { fileSystemId: props.fileSystem.fileSystemId, accessPointIds: accessPointIdsFor(props.fileSystem, 1, false) },
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: props.taskRoleArn,
    });
    this.service = new CloudExchangeService(this, "service", {
      name: props.prefix,
      clusterArn: props.clusterArn,
      taskDefinitionArn: this.taskDefinition.taskDefinition.arn,
      subnetIds: props.subnetIds,
      securityGroupIds: props.securityGroupIds,
      platformVersion: props.platformVersion,
      enableExecuteCommand: props.enableExecuteCommand,
      targetGroupArn: props.targetGroupArn,
      dependsOn: props.dependsOn,
    });
  }
}
