/**
 * Stable DNS names of Cloud Exchange nodes, from a Cloud Map private
 * namespace: task IPs change on every restart. The HA variant names its
 * three nodes (modules/ha); the standalone variant names its one node
 * `node-1` in the same namespace, at the same Terraform addresses, so the
 * logical backup task can reach its MongoDB by a name the node's certificate
 * holds, and a move to HA keeps the namespace and node 1's name.
 */
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { Construct } from "constructs";

/** The DNS name of node `n` in a namespace. */
export function nodeHostname(namespace: string, n: number): string {
  return `node-${n}.${namespace}`;
}

/** The private DNS namespace of the nodes. */
export function nodeNamespace(scope: Construct, props: { readonly name: string; readonly vpcId: string; readonly prefix: string }): ServiceDiscoveryPrivateDnsNamespace {
  return new ServiceDiscoveryPrivateDnsNamespace(scope, "namespace", {
    name: props.name,
    vpc: props.vpcId,
    description: `Stable DNS names of the ${props.prefix} Cloud Exchange nodes`,
  });
}

/** The Cloud Map service of node `n` (an A record per running task), under `scope`. */
export function nodeDiscoveryService(scope: Construct, n: number, namespaceId: string): ServiceDiscoveryService {
  return new ServiceDiscoveryService(scope, "discovery", {
    name: `node-${n}`,
    description: `Cloud Exchange node ${n}`,
    dnsConfig: { namespaceId, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] },
    healthCheckCustomConfig: { failureThreshold: 1 },
  });
}

/** Props of {@link StandaloneNodeName}. */
export interface StandaloneNodeNameProps {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** The namespace, e.g. `dev.cloudexchange.internal`. */
  readonly namespace: string;
  /** VPC of the namespace. */
  readonly vpcId: string;
}

/** The standalone node's name: built with the id `ha`, so its resources have the HA variant's node-1 addresses. */
export class StandaloneNodeName extends Construct {
  /** The node's DNS name, `node-1.<namespace>`. */
  readonly hostname: string;
  /** The Cloud Map service the node's ECS service registers in. */
  readonly discovery: ServiceDiscoveryService;

  constructor(scope: Construct, id: string, props: StandaloneNodeNameProps) {
    super(scope, id);
    const namespace = nodeNamespace(this, { name: props.namespace, vpcId: props.vpcId, prefix: props.prefix });
    this.discovery = nodeDiscoveryService(new Construct(this, "node-1"), 1, namespace.id);
    this.hostname = nodeHostname(props.namespace, 1);
  }
}
