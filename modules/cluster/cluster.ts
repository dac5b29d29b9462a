/**
 * The ECS cluster: a new Fargate cluster with Container Insights and audited,
 * KMS-encrypted ECS Exec sessions, or an existing cluster by name.
 */
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";

/** Props of {@link Cluster}. */
export type ClusterProps =
  | {
      /** Create a cluster. */
      readonly mode: "new";
      /** Cluster name. */
      readonly name: string;
      /** ECS Exec sessions: encryption key and audit log group. Undefined when ECS Exec is off. */
      readonly executeCommand?: { readonly kmsKeyArn: string; readonly logGroupName: string };
    }
  | ({
      /** Use a cluster that already exists. */
      readonly mode: "existing";
      /** Name of the existing cluster. */
      readonly name: string;
    } & AwsLocation);

/** The cluster the services run in. */
export class Cluster extends Construct {
  /** Cluster name. */
  readonly clusterName: string;
  /** Cluster ARN (the services' `cluster`). */
  readonly clusterArn: string;
  /** The created cluster, if any. */
  readonly cluster?: EcsCluster;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    if (props.mode === "existing") {
      this.clusterName = props.name;
      this.clusterArn = `arn:${props.partition}:ecs:${props.region}:${props.accountId}:cluster/${props.name}`;
      return;
    }
    this.cluster = new EcsCluster(this, "cluster", {
      name: props.name,
      setting: [{ name: "containerInsights", value: "enabled" }],
      ...(props.executeCommand
        ? {
            configuration: {
              executeCommandConfiguration: {
                kmsKeyId: props.executeCommand.kmsKeyArn,
                logging: "OVERRIDE",
                logConfiguration: {
                  cloudWatchLogGroupName: props.executeCommand.logGroupName,
                  cloudWatchEncryptionEnabled: true,
                },
              },
            },
          }
        : {}),
    });
    new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
  }
}
