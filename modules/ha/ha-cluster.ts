/**
 * The three-node HA variant on Fargate. Each node is its own ECS service
 * (one task, pinned to one zone's private subnet) running the full CE task,
 * with a stable DNS name from a Cloud Map private namespace, because task IPs
 * change on every restart. MongoDB forms the replica set `mongo_replica_set`
 * across the nodes (keyfile auth, members addressed by DNS name), RabbitMQ a
 * cluster (shared Erlang cookie, node names rabbit@<node DNS name>), exactly
 * as CE's own HA setup does on VMs (see docs/ha.md).
 *
 * The services are chained with depends_on and wait for a steady state, so
 * Terraform creates and upgrades them one after another: an image change
 * never takes more than one member down at once.
 */
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { Construct } from "constructs";
import { HA_NODE_COUNT } from "../config/schema";
import { shippedScript } from "../shipped-script";
import { PrivateSubnet } from "../network/network";
import { PeerPort } from "../network/security-groups";
import { CloudExchangeRelease } from "../releases";
import { ConnectionTopology } from "../secrets/cloud-exchange-secrets";
import { HaNodeSpec, PORTS } from "../workload/container-definitions";
import { CloudExchangeService } from "../workload/service";
import { CloudExchangeTaskDefinition } from "../workload/task-definition";
import { addWorkloadNode, WorkloadProps } from "../workload/workload-node";
import { nodeDiscoveryService, nodeHostname, nodeNamespace } from "../workload/node-names";

/** CE's replica-set name (ta_cloud_exchange `replica_set`, `setup`). */
export const REPLICA_SET_NAME = "mongo_replica_set";
/** Number of nodes (the environment model's, which validates one zone per node). */
export const NODE_COUNT = HA_NODE_COUNT;
/** RabbitMQ ports between nodes besides AMQP and management: epmd, distribution, CLI tools. */
export const RABBITMQ_CLUSTER_PORTS = [4369, 25672, 35672] as const;
/** Where replica-set-init mounts the shared HA directory. */
export const HA_SHARED_PATH = "/opt/cloud-exchange/ha-shared";

/**
 * The ports CE's HA nodes use among themselves (ta_cloud_exchange `setup`,
 * check_for_ha_ports), with the release's AMQP and management ports (TLS in
 * CE 6.x) and the whole CLI tools range.
 */
export function haPeerPorts(release: CloudExchangeRelease): PeerPort[] {
  const { amqpPort, managementPort } = release.rabbitmq;
  const tls = release.rabbitmq.scheme === "amqps";
  return [
    { from: PORTS.mongodb, to: PORTS.mongodb, description: `MongoDB replica set${release.tls ? " (TLS)" : ""}` },
    { from: 4369, to: 4369, description: "RabbitMQ epmd" },
    { from: amqpPort, to: amqpPort, description: `RabbitMQ AMQP${tls ? " over TLS" : ""}` },
    { from: managementPort, to: managementPort, description: `RabbitMQ management${tls ? " over TLS" : ""}` },
    { from: 25672, to: 25672, description: `RabbitMQ inter-node distribution${release.rabbitmq.interNodeTls ? " (TLS)" : ""}` },
    { from: 35672, to: 35682, description: "RabbitMQ CLI tools" },
    // CE's core checks every peer's UI and API at <UI_PROTOCOL>://<node>:<UI_PORT> (/login, /api/healthcheck).
    { from: PORTS.ui, to: PORTS.ui, description: `CE UI and API of the peers (${release.ui.protocol})` },
  ];
}

/** DNS names of the nodes and the connection strings' hosts. */
export function haTopology(namespace: string): { hostnames: string[]; connections: ConnectionTopology } {
  const hostnames = Array.from({ length: NODE_COUNT }, (_, i) => nodeHostname(namespace, i + 1));
  return {
    hostnames,
    connections: {
      mongoHosts: hostnames.map((h) => `${h}:${PORTS.mongodb}`),
      replicaSet: REPLICA_SET_NAME,
      rabbitmqHosts: hostnames,
    },
  };
}

/** The replica-set-init script run by every node. */
export function replicaSetInitScript(): string {
  return shippedScript(__dirname, "replica-set-init.sh");
}

/** The RabbitMQ cluster-membership functions every node's RabbitMQ entrypoint starts with. */
export function rabbitmqClusterScript(): string {
  return shippedScript(__dirname, "rabbitmq-cluster.sh");
}

/** Props of {@link HaCluster}. */
export interface HaClusterProps extends WorkloadProps {
  /** Cloud Map private DNS namespace, e.g. `prod.cloudexchange.internal`. */
  readonly namespace: string;
  /** VPC of the namespace. */
  readonly vpcId: string;
  /** Private subnets, one per zone; node N runs in subnet N. */
  readonly subnets: readonly PrivateSubnet[];
}

/** The HA nodes. */
export class HaCluster extends Construct {
  /** The Cloud Map namespace. */
  readonly namespace: ServiceDiscoveryPrivateDnsNamespace;
  /** Node DNS names, in node order. */
  readonly hostnames: readonly string[];
  /** Node services, in node order (each depends on the previous one). */
  readonly services: readonly CloudExchangeService[];
  /** Node task definitions, in node order. */
  readonly taskDefinitions: readonly CloudExchangeTaskDefinition[];

  constructor(scope: Construct, id: string, props: HaClusterProps) {
    super(scope, id);
    if (props.subnets.length !== NODE_COUNT) throw new Error(`the HA variant needs ${NODE_COUNT} subnets, got ${props.subnets.length}`);
    const topology = haTopology(props.namespace);
    this.hostnames = topology.hostnames;
    this.namespace = nodeNamespace(this, { name: props.namespace, vpcId: props.vpcId, prefix: props.prefix });
    const script = replicaSetInitScript();
    const clusterScript = rabbitmqClusterScript();
    const services: CloudExchangeService[] = [];
    const taskDefinitions: CloudExchangeTaskDefinition[] = [];
    for (let n = 1; n <= NODE_COUNT; n++) {
      const node = new Construct(this, `node-${n}`);
      const discovery = nodeDiscoveryService(node, n, this.namespace.id);
      const nodeSpec: HaNodeSpec = {
        hostname: topology.hostnames[n - 1],
        nodeHostnames: topology.hostnames,
        seedHostname: topology.hostnames[0],
        replicaSetName: REPLICA_SET_NAME,
        sharedPath: HA_SHARED_PATH,
        rabbitmqClusterPorts: RABBITMQ_CLUSTER_PORTS,
        replicaSetInitScript: script,
        rabbitmqClusterScript: clusterScript,
      };
      const previous = services[services.length - 1];
      const { taskDefinition, service } = addWorkloadNode(node, props, {
        name: `${props.prefix}-node-${n}`,
        number: n,
        haNode: nodeSpec,
        subnetIds: [props.subnets[n - 1].subnetId],
        serviceRegistryArn: discovery.arn,
        after: previous ? [previous.service] : [],
      });
      taskDefinitions.push(taskDefinition);
      services.push(service);
    }
    this.services = services;
    this.taskDefinitions = taskDefinitions;
  }
}
