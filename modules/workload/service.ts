/**
 * A Cloud Exchange ECS service: one task, in private subnets without a public
 * IP, deployed so that one mongod never runs twice on the same data (minimum
 * 0 %, maximum 100 %), with a rolling-back circuit breaker, ECS Exec, and
 * Terraform waiting for the deployment to settle.
 */
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PORTS } from "./container-definitions";

/** Props of {@link CloudExchangeService}. */
export interface CloudExchangeServiceProps {
  /** Service name. */
  readonly name: string;
  /** Cluster ARN. */
  readonly clusterArn: string;
  /** Task definition ARN. */
  readonly taskDefinitionArn: string;
  /** Private subnets the task may run in (one for an HA node, all zones for standalone). */
  readonly subnetIds: readonly string[];
  /** Security groups of the task. */
  readonly securityGroupIds: readonly string[];
  /** Fargate platform version. */
  readonly platformVersion: string;
  /** ECS Exec. */
  readonly enableExecuteCommand: boolean;
  /** Target group the UI registers with. Default: none. */
  readonly targetGroupArn?: string;
  /** Cloud Map service of this node (HA). Default: none. */
  readonly serviceRegistryArn?: string;
  /** Resources that must exist first (EFS mount targets, listeners, the previous HA node). Default: none. */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Tasks the service runs. Default 1; 0 for a standby held until its promotion. */
  readonly desiredCount?: number;
  /** Wait for a steady state on apply. Default true. */
  readonly waitForSteadyState?: boolean;
  /**
   * Roll a failed deployment back to the previous task definition. Default true. Off while a data upgrade
   * runs: the previous release cannot open data a step has already moved on.
   */
  readonly rollbackOnFailure?: boolean;
}

/** Seconds the scheduler ignores load balancer health checks after a task starts (first start initializes MongoDB). */
export const HEALTH_CHECK_GRACE_SECONDS = 600;

/** The service. */
export class CloudExchangeService extends Construct {
  /** The service. */
  readonly service: EcsService;

  constructor(scope: Construct, id: string, props: CloudExchangeServiceProps) {
    super(scope, id);
    this.service = new EcsService(this, "service", {
      name: props.name,
      cluster: props.clusterArn,
      taskDefinition: props.taskDefinitionArn,
      desiredCount: props.desiredCount ?? 1,
      launchType: "FARGATE",
      platformVersion: props.platformVersion,
      schedulingStrategy: "REPLICA",
      deploymentMinimumHealthyPercent: 0,
      deploymentMaximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: props.rollbackOnFailure ?? true },
      enableExecuteCommand: props.enableExecuteCommand,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [...props.securityGroupIds],
        assignPublicIp: false,
      },
      ...(props.targetGroupArn
        ? {
            loadBalancer: [{ targetGroupArn: props.targetGroupArn, containerName: "ui", containerPort: PORTS.ui }],
            healthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_SECONDS,
          }
        : {}),
      ...(props.serviceRegistryArn ? { serviceRegistries: { registryArn: props.serviceRegistryArn } } : {}),
      waitForSteadyState: props.waitForSteadyState ?? true,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
