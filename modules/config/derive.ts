/**
 * Values derived from a validated environment: the things several modules
 * need and that must be computed the same way everywhere.
 */
import { partitionOf } from "./patterns";
import { defaultSubnetCidrs, Environment, HA_NODE_COUNT, TLS_VERSIONS, taskSizeOf } from "./schema";
import { SIZE_PRESETS } from "./sizing";

/** Derived settings of an environment. */
export interface Derived {
  /** Stack name, `ce-<name>`. */
  readonly stackName: string;
  /** Prefix of resource names, `ce-<name>`. */
  readonly prefix: string;
  /** AWS partition of the region. */
  readonly partition: "aws" | "aws-us-gov" | "aws-cn";
  /** Task size (preset with overrides applied). */
  readonly task: { readonly cpu: number; readonly memory: number };
  /** RABBITMQ_AVAILABLE_STORAGE in bytes, from the preset. */
  readonly rabbitmqAvailableStorageBytes: number;
  /** CIDR of the VPC (new or existing). */
  readonly vpcCidr: string;
  /** Subnet CIDRs of a new VPC, one per zone; undefined for an existing VPC. */
  readonly subnetCidrs?: { readonly private: readonly string[]; readonly public: readonly string[] };
  /** Networks allowed to reach the ALB (default: the VPC CIDR). */
  readonly albAllowedCidrs: readonly string[];
  /** TLS policy of the HTTPS listener. */
  readonly albSslPolicy: string;
  /** Cloud Map namespace of the HA nodes. */
  readonly haNamespace: string;
  /** Number of Cloud Exchange nodes (1 standalone, 3 HA). */
  readonly nodeCount: number;
}

/** Computes the derived settings of a validated environment. */
export function derive(env: Environment): Derived {
  const prefix = `ce-${env.name}`;
  const network = env.network;
  const vpcCidr = network.vpcCidr;
  let subnetCidrs: Derived["subnetCidrs"];
  if (network.mode === "new") {
    const layout = defaultSubnetCidrs(vpcCidr, env.availabilityZones.length);
    subnetCidrs = {
      private: network.privateSubnetCidrs ?? layout?.private ?? [],
      public: network.publicSubnetCidrs ?? layout?.public ?? [],
    };
  }
  const ingress = env.ingress;
  return {
    stackName: prefix,
    prefix,
    partition: partitionOf(env.region),
    task: taskSizeOf(env.size),
    rabbitmqAvailableStorageBytes: SIZE_PRESETS[env.size.preset].rabbitmqAvailableStorageBytes,
    vpcCidr,
    subnetCidrs,
    albAllowedCidrs: ingress.mode === "alb" ? (ingress.allowedCidrs ?? [vpcCidr]) : [],
    albSslPolicy:
      ingress.mode === "alb" && ingress.sslPolicy
        ? ingress.sslPolicy
        : env.tlsVersion === TLS_VERSIONS[0]
          ? "ELBSecurityPolicy-TLS13-1-3-2021-06"
          : "ELBSecurityPolicy-TLS13-1-2-2021-06",
    haNamespace: env.ha.namespace ?? `${env.name}.cloudexchange.internal`,
    nodeCount: env.variant === "ha" ? HA_NODE_COUNT : 1,
  };
}
