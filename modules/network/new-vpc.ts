/**
 * A new VPC for Cloud Exchange: public and private subnets in each zone, an
 * internet gateway, one NAT gateway per zone, network ACLs and
 * default-security-group lockdown as native resources (no Lambda), VPC flow
 * logs to a KMS-encrypted log group, and an S3 gateway endpoint.
 *
 * Two network ACLs: the private subnets (tasks, EFS, the internal ALB) get
 * their own, which admits from outside the VPC only the load balancer's
 * listener ports from the client networks and return traffic on the Linux
 * ephemeral ports (32768-65535, where Fargate tasks' outbound connections
 * come from), with RabbitMQ's CLI distribution ports (the only application
 * ports in that range) denied first: no application port (NFS, UI, MongoDB,
 * AMQP, management, Erlang distribution) is reachable from outside the VPC
 * even where a security group would allow it. The public subnets (NAT
 * gateways only) keep the default ACL with the template's rules.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { NaclClientRule, privateNaclIngressRules, publicNaclIngressRules } from "./network-acl-rules";
import { policyDocument, serviceTrustPolicy } from "../iam/policy";
import { s3GatewayEndpointPolicy } from "./endpoint-policies";

/** Props of {@link NewVpc}. */
export interface NewVpcProps extends AwsLocation {
  /** Prefix of resource names, `ce-<env>`. */
  readonly prefix: string;
  /** Zones, one public and one private subnet each. */
  readonly availabilityZones: readonly string[];
  /** VPC CIDR. */
  readonly vpcCidr: string;
  /** Private subnet CIDRs, one per zone. */
  readonly privateSubnetCidrs: readonly string[];
  /** Public subnet CIDRs, one per zone. */
  readonly publicSubnetCidrs: readonly string[];
  /** Client networks and ports the NACL allows besides the template's rules. Default none. */
  readonly clientRules?: readonly NaclClientRule[];
  /** Flow logs: undefined turns them off. */
  readonly flowLogs?: { readonly trafficType: string; readonly retentionDays: number; readonly kmsKeyArn: string };
  /** Add an S3 gateway endpoint on the private route tables. */
  readonly s3GatewayEndpoint: boolean;
  /**
   * Give the S3 gateway endpoint a policy that reaches this account's buckets (and ECR's layer bucket) only:
   * for a proxy as the only way out, where the endpoint must not be a way around it. Default false (without a
   * proxy the tasks reach every bucket through NAT anyway, and a plugin may write to another account's).
   */
  readonly confineS3GatewayEndpoint?: boolean;
}

/** A zone's network resources. */
export interface ZoneNetwork {
  readonly zone: string;
  readonly privateSubnet: Subnet;
  readonly publicSubnet: Subnet;
  readonly natGateway: NatGateway;
  readonly privateRouteTable: RouteTable;
}

/** A new VPC. */
export class NewVpc extends Construct {
  /** The VPC. */
  readonly vpc: Vpc;
  /** VPC ID. */
  readonly vpcId: string;
  /** Private subnet IDs, in zone order. */
  readonly privateSubnetIds: string[];
  /** Public subnet IDs, in zone order. */
  readonly publicSubnetIds: string[];
  /** Per-zone resources, in zone order. */
  readonly zones: ZoneNetwork[];
  /** The flow log group, when flow logs are on. */
  readonly flowLogGroup?: CloudwatchLogGroup;
  /** The private subnets' network ACL. */
  readonly privateNetworkAcl: NetworkAcl;
  /** The S3 gateway endpoint, when there is one. */
  readonly s3GatewayEndpoint?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: NewVpcProps) {
    super(scope, id);
    const name = (suffix: string) => ({ Name: `${props.prefix}-${suffix}` });
    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: name("vpc"),
    });
    this.vpcId = this.vpc.id;
    const internetGateway = new InternetGateway(this, "internet-gateway", { vpcId: this.vpcId, tags: name("igw") });

    const publicRouteTable = new RouteTable(this, "public-route-table", { vpcId: this.vpcId, tags: name("public") });
    new Route(this, "public-default-route", {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: internetGateway.id,
    });

    this.zones = props.availabilityZones.map((zone, i) => {
      const publicSubnet = new Subnet(this, `public-subnet_${zone}`, {
        vpcId: this.vpcId,
        availabilityZone: zone,
        cidrBlock: props.publicSubnetCidrs[i],
        mapPublicIpOnLaunch: false,
        tags: { ...name(`public-${zone}`), Tier: "public" },
      });
      const privateSubnet = new Subnet(this, `private-subnet_${zone}`, {
        vpcId: this.vpcId,
        availabilityZone: zone,
        cidrBlock: props.privateSubnetCidrs[i],
        mapPublicIpOnLaunch: false,
        tags: { ...name(`private-${zone}`), Tier: "private" },
      });
      new RouteTableAssociation(this, `public-route-table-association_${zone}`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRouteTable.id,
      });
      const eip = new Eip(this, `nat-eip_${zone}`, { domain: "vpc", tags: name(`nat-${zone}`) });
      const natGateway = new NatGateway(this, `nat-gateway_${zone}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnet.id,
        tags: name(`nat-${zone}`),
        dependsOn: [internetGateway],
      });
      const privateRouteTable = new RouteTable(this, `private-route-table_${zone}`, {
        vpcId: this.vpcId,
        tags: name(`private-${zone}`),
      });
      new Route(this, `private-default-route_${zone}`, {
        routeTableId: privateRouteTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: natGateway.id,
      });
      new RouteTableAssociation(this, `private-route-table-association_${zone}`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRouteTable.id,
      });
      return { zone, privateSubnet, publicSubnet, natGateway, privateRouteTable };
    });
    this.privateSubnetIds = this.zones.map((z) => z.privateSubnet.id);
    this.publicSubnetIds = this.zones.map((z) => z.publicSubnet.id);

    const allowAllOut = [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }];
    // The private subnets' own ACL (see the module comment). Creating it moves their association off the default ACL.
    this.privateNetworkAcl = new NetworkAcl(this, "private-network-acl", {
      vpcId: this.vpcId,
      subnetIds: this.privateSubnetIds,
      ingress: privateNaclIngressRules(props.vpcCidr, props.clientRules ?? []),
      egress: allowAllOut,
      tags: name("private-nacl"),
    });
    // The default ACL, managed natively, for the public subnets (NAT gateways). Removing a subnet from
    // its list is a no-op in the provider; the private subnets' association is replaced by the ACL above.
    new DefaultNetworkAcl(this, "default-network-acl", {
      defaultNetworkAclId: this.vpc.defaultNetworkAclId,
      subnetIds: this.publicSubnetIds,
      ingress: publicNaclIngressRules(props.vpcCidr),
      egress: allowAllOut,
      tags: name("default-nacl"),
      dependsOn: [this.privateNetworkAcl],
    });
    // The default security group with no rules at all (Security Hub EC2.2).
    new DefaultSecurityGroup(this, "default-security-group", { vpcId: this.vpcId, tags: name("default-sg-locked") });

    if (props.s3GatewayEndpoint) {
      this.s3GatewayEndpoint = new VpcEndpoint(this, "s3-gateway-endpoint", {
        vpcId: this.vpcId,
        serviceName: `com.amazonaws.${props.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: this.zones.map((z) => z.privateRouteTable.id),
        ...(props.confineS3GatewayEndpoint ? { policy: s3GatewayEndpointPolicy(props) } : {}),
        tags: name("s3"),
      });
    }

    if (props.flowLogs) {
      this.flowLogGroup = new CloudwatchLogGroup(this, "flow-log-group", {
        name: `/aws/vpc/flow-logs/${props.prefix}`,
        retentionInDays: props.flowLogs.retentionDays,
        kmsKeyId: props.flowLogs.kmsKeyArn,
      });
      const role = new IamRole(this, "flow-log-role", {
        name: `${props.prefix}-vpc-flow-logs`,
        description: `Lets VPC flow logs of ${props.prefix} write to their log group`,
        assumeRolePolicy: serviceTrustPolicy(
          "vpc-flow-logs.amazonaws.com",
          props.accountId,
          `arn:${props.partition}:ec2:${props.region}:${props.accountId}:vpc-flow-log/*`,
        ),
      });
      new IamRolePolicy(this, "flow-log-role-policy", {
        role: role.id,
        name: "write-flow-logs",
        policy: policyDocument([
          {
            Sid: "WriteToTheFlowLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: `${this.flowLogGroup.arn}:*`,
          },
          {
            Sid: "FindTheLogGroup",
            Effect: "Allow",
            Action: "logs:DescribeLogGroups",
            Resource: `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:*`,
          },
        ]),
      });
      new FlowLog(this, "flow-log", {
        vpcId: this.vpcId,
        trafficType: props.flowLogs.trafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: this.flowLogGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: name("flow-log"),
      });
    }
  }
}
