/**
 * Security groups of Cloud Exchange: the load balancer's, the tasks' and the
 * file system's (and the VPC endpoints' when a proxy is the only way out).
 * Every rule is its own resource with a description; groups have no rules but
 * these (Terraform removes AWS's default allow-all egress).
 *
 * Outbound, the tasks reach HTTPS anywhere (CE talks to Netskope tenants and
 * plugin endpoints), the EFS mount targets, their HA peers and the extra
 * rules the environment lists; plain HTTP only when the environment lists
 * it. With a proxy and VPC endpoints, HTTPS goes only to the endpoints and
 * S3's prefix list, and everything else through the proxy.
 */
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";

/** The port the UI container serves on; the only port users reach (through the ALB). */
export const UI_PORT = 3000;
/** NFS. */
export const NFS_PORT = 2049;

/** How the UI is reached, as far as security groups are concerned. */
export type UiAccess =
  /** A new ALB: clients reach it on these ports from these networks. */
  | { readonly kind: "alb"; readonly clientCidrs: readonly string[]; readonly listenerPorts: readonly number[] }
  /** An existing load balancer: the task accepts the UI port from its group or networks. */
  | { readonly kind: "external"; readonly sourceSecurityGroupId?: string; readonly sourceCidrs?: readonly string[] }
  /** No load balancer (ECS Exec port forwarding only): no inbound rule. */
  | { readonly kind: "none" };

/** A port (range) the tasks use among themselves (HA nodes; the logical backup task and a standalone node). */
export interface PeerPort {
  readonly from: number;
  readonly to: number;
  readonly description: string;
  /** Who connects, in the rules' descriptions. Default "other Cloud Exchange nodes". */
  readonly peers?: string;
}

/** Props of {@link SecurityGroups}. */
export interface SecurityGroupsProps {
  /** Prefix of group names, `ce-<env>`. */
  readonly prefix: string;
  /** The VPC. */
  readonly vpcId: string;
  /** How the UI is reached. */
  readonly uiAccess: UiAccess;
  /** Proxy: the tasks reach these ports at these networks. Default: no proxy. */
  readonly proxy?: { readonly ports: readonly number[]; readonly cidrs: readonly string[] };
  /**
   * How the tasks reach AWS APIs. Default `internet` (HTTPS to anywhere, which CE needs anyway without a proxy).
   * `vpc-endpoints`: HTTPS only to the interface endpoints (a group this construct creates, or the VPC's
   * network for endpoints that already exist) and to S3's prefix list.
   */
  readonly awsServices?:
    | { readonly via: "internet" }
    | { readonly via: "vpc-endpoints"; readonly createEndpointGroup: boolean; readonly vpcCidr: string; readonly s3PrefixListId: string };
  /** Ports the tasks open to each other (HA inter-node traffic). Default none. */
  readonly peerPorts?: readonly PeerPort[];
  /** Extra outbound rules (e.g. a SIEM on syslog ports). Default none. */
  readonly extraEgress?: readonly { readonly port: number; readonly cidr: string; readonly description: string }[];
}

/** The three security groups. */
export class SecurityGroups extends Construct {
  /** The tasks' group (each CE node). */
  readonly taskSecurityGroup: SecurityGroup;
  /** The EFS mount targets' group. */
  readonly fileSystemSecurityGroup: SecurityGroup;
  /** The new ALB's group, when there is one. */
  readonly loadBalancerSecurityGroup?: SecurityGroup;
  /** The VPC interface endpoints' group, when this construct creates it. */
  readonly endpointSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const group = (key: string, description: string) =>
      new SecurityGroup(this, key, {
        name: `${props.prefix}-${key}`,
        description,
        vpcId: props.vpcId,
        tags: { Name: `${props.prefix}-${key}` },
      });
    const ingress = (key: string, groupId: string, rule: Omit<ConstructorParameters<typeof VpcSecurityGroupIngressRule>[2], "securityGroupId">) =>
      new VpcSecurityGroupIngressRule(this, key, { securityGroupId: groupId, ...rule });
    const egress = (key: string, groupId: string, rule: Omit<ConstructorParameters<typeof VpcSecurityGroupEgressRule>[2], "securityGroupId">) =>
      new VpcSecurityGroupEgressRule(this, key, { securityGroupId: groupId, ...rule });

    this.taskSecurityGroup = group("tasks", "Cloud Exchange tasks");
    this.fileSystemSecurityGroup = group("file-system", "Cloud Exchange EFS mount targets");
    const tasks = this.taskSecurityGroup.id;
    const fileSystem = this.fileSystemSecurityGroup.id;

    const access = props.uiAccess;
    if (access.kind === "alb") {
      this.loadBalancerSecurityGroup = group("load-balancer", "Cloud Exchange internal load balancer");
      const alb = this.loadBalancerSecurityGroup.id;
      access.clientCidrs.forEach((cidr, i) => {
        for (const port of access.listenerPorts) {
          ingress(`load-balancer-ingress_${port}_${i + 1}`, alb, {
            description: `Clients in ${cidr} reach the UI on ${port}`,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: cidr,
          });
        }
      });
      egress("load-balancer-egress-to-tasks", alb, {
        description: `Forward to the UI containers on ${UI_PORT}`,
        ipProtocol: "tcp",
        fromPort: UI_PORT,
        toPort: UI_PORT,
        referencedSecurityGroupId: tasks,
      });
      ingress("tasks-ingress-from-load-balancer", tasks, {
        description: `The load balancer reaches the UI on ${UI_PORT}`,
        ipProtocol: "tcp",
        fromPort: UI_PORT,
        toPort: UI_PORT,
        referencedSecurityGroupId: alb,
      });
    } else if (access.kind === "external") {
      if (access.sourceSecurityGroupId) {
        ingress("tasks-ingress-from-external-load-balancer", tasks, {
          description: `The existing load balancer reaches the UI on ${UI_PORT}`,
          ipProtocol: "tcp",
          fromPort: UI_PORT,
          toPort: UI_PORT,
          referencedSecurityGroupId: access.sourceSecurityGroupId,
        });
      }
      (access.sourceCidrs ?? []).forEach((cidr, i) =>
        ingress(`tasks-ingress-from-load-balancer-network_${i + 1}`, tasks, {
          description: `The existing load balancer in ${cidr} reaches the UI on ${UI_PORT}`,
          ipProtocol: "tcp",
          fromPort: UI_PORT,
          toPort: UI_PORT,
          cidrIpv4: cidr,
        }),
      );
    }

    const aws = props.awsServices ?? { via: "internet" };
    if (aws.via === "internet") {
      egress("tasks-egress-https", tasks, {
        description: props.proxy
          ? "HTTPS to AWS APIs (images, logs, secrets); everything else goes through the proxy"
          : "HTTPS to AWS APIs (images, logs, secrets) and to Netskope and plugin endpoints",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      });
    } else {
      if (aws.createEndpointGroup) {
        this.endpointSecurityGroup = group("vpc-endpoints", "VPC interface endpoints of the Cloud Exchange tasks");
        ingress("vpc-endpoints-ingress-https", this.endpointSecurityGroup.id, {
          description: "The tasks call AWS APIs through the endpoints on 443",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          referencedSecurityGroupId: tasks,
        });
        egress("tasks-egress-endpoints", tasks, {
          description: "HTTPS to the VPC interface endpoints (ECR, logs, secrets, ECS Exec)",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          referencedSecurityGroupId: this.endpointSecurityGroup.id,
        });
      } else {
        egress("tasks-egress-endpoints", tasks, {
          description: `HTTPS to the VPC's interface endpoints in ${aws.vpcCidr} (ECR, logs, secrets, ECS Exec)`,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: aws.vpcCidr,
        });
      }
      egress("tasks-egress-s3", tasks, {
        description: "HTTPS to S3 through the gateway endpoint (image layers)",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        prefixListId: aws.s3PrefixListId,
      });
    }
    if (props.proxy) {
      props.proxy.cidrs.forEach((cidr, i) => {
        for (const port of props.proxy!.ports) {
          egress(`tasks-egress-proxy_${port}_${i + 1}`, tasks, {
            description: `Outbound proxy in ${cidr} on ${port}`,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: cidr,
          });
        }
      });
    }
    egress("tasks-egress-nfs", tasks, {
      description: `NFS to the EFS mount targets on ${NFS_PORT}`,
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      referencedSecurityGroupId: fileSystem,
    });
    ingress("file-system-ingress-nfs", fileSystem, {
      description: `The tasks mount EFS on ${NFS_PORT}`,
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      referencedSecurityGroupId: tasks,
    });

    for (const port of props.peerPorts ?? []) {
      const key = port.from === port.to ? `${port.from}` : `${port.from}-${port.to}`;
      ingress(`tasks-ingress-peers_${key}`, tasks, {
        description: `From ${port.peers ?? "other Cloud Exchange nodes"}: ${port.description}`,
        ipProtocol: "tcp",
        fromPort: port.from,
        toPort: port.to,
        referencedSecurityGroupId: tasks,
      });
      egress(`tasks-egress-peers_${key}`, tasks, {
        description: `To ${port.peers ?? "other Cloud Exchange nodes"}: ${port.description}`,
        ipProtocol: "tcp",
        fromPort: port.from,
        toPort: port.to,
        referencedSecurityGroupId: tasks,
      });
    }
    (props.extraEgress ?? []).forEach((rule, i) =>
      egress(`tasks-egress-extra_${i + 1}`, tasks, {
        description: rule.description,
        ipProtocol: "tcp",
        fromPort: rule.port,
        toPort: rule.port,
        cidrIpv4: rule.cidr,
      }),
    );
  }
}
