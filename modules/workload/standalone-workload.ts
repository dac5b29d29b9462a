/**
 * The standalone workload: one Cloud Exchange node whose single task may run
 * in any of the private subnets.
 */
import { Construct } from "constructs";
import { CloudExchangeService } from "./service";
import { CloudExchangeTaskDefinition } from "./task-definition";
import { addWorkloadNode, WorkloadProps } from "./workload-node";

/** Props of {@link StandaloneWorkload}. */
export interface StandaloneWorkloadProps extends WorkloadProps {
  /** Private subnets the task may run in. */
  readonly subnetIds: readonly string[];
  /** Cloud Map service of the node (its stable name). Default: none. */
  readonly serviceRegistryArn?: string;
}

/** One task definition and one service. */
export class StandaloneWorkload extends Construct {
  /** The task definition. */
  readonly taskDefinition: CloudExchangeTaskDefinition;
  /** The service. */
  readonly service: CloudExchangeService;

  constructor(scope: Construct, id: string, props: StandaloneWorkloadProps) {
    super(scope, id);
    const node = addWorkloadNode(this, props, { name: props.prefix, number: 1, subnetIds: props.subnetIds, serviceRegistryArn: props.serviceRegistryArn });
    this.taskDefinition = node.taskDefinition;
    this.service = node.service;
  }
}
