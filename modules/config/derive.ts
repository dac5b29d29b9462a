/**
 * Values derived from a validated environment: the things several modules
 * need and that must be computed the same way everywhere.
 */
import { CloudExchangeRelease, IMAGE_NAMES, ImageName, releaseOf } from "../releases";
import { partitionOf } from "./patterns";
import { defaultSubnetCidrs, Environment, HA_NODE_COUNT, TLS_VERSIONS, taskSizeOf } from "./schema";

/** An image with the release default filled in. */
export interface ResolvedImage {
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string;
}

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
  /** The environment's Cloud Exchange release. */
  readonly release: CloudExchangeRelease;
  /** The four images: the environment's fields over the release's defaults. */
  readonly images: Readonly<Record<ImageName, ResolvedImage>>;
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
  const release = releaseOf(env.release);
  return {
    stackName: prefix,
    prefix,
    partition: partitionOf(env.region),
    task: taskSizeOf(env.size),
    release,
    images: resolveImages(env, release),
    vpcCidr,
    subnetCidrs,
    albAllowedCidrs: ingress.mode === "alb" ? (ingress.allowedCidrs ?? [vpcCidr]) : [],
    albSslPolicy:
      ingress.mode === "alb" && ingress.sslPolicy
        ? ingress.sslPolicy
        : env.tlsVersion === TLS_VERSIONS[0]
          ? "ELBSecurityPolicy-TLS13-1-3-2021-06"
          : "ELBSecurityPolicy-TLS13-1-2-2021-06",
    haNamespace: defaultHaNamespace(env),
    nodeCount: env.variant === "ha" ? HA_NODE_COUNT : 1,
  };
}

/**
 * The Cloud Map namespace of the nodes: the environment's, or `<name>.cloudexchange.internal`; a standby's
 * default is its primary's, since the replica's replica-set configuration and certificates name the nodes by it.
 */
export function defaultHaNamespace(env: Pick<Environment, "name" | "ha" | "standby">): string {
  return env.ha.namespace ?? `${env.standby?.primary ?? env.name}.cloudexchange.internal`;
}

/** The environment's images over its release's defaults (a tag given alone keeps the release's repository). */
export function resolveImages(env: Environment, release: CloudExchangeRelease = releaseOf(env.release)): Record<ImageName, ResolvedImage> {
  return Object.fromEntries(
    IMAGE_NAMES.map((name) => {
      const given = env.images[name];
      const fallback = release.images[name];
      return [name, { repository: given.repository ?? fallback.repository, tag: given.tag ?? fallback.tag, ...(given.digest ? { digest: given.digest } : {}) }];
    }),
  ) as Record<ImageName, ResolvedImage>;
}
