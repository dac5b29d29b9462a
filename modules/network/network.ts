/**
 * The network Cloud Exchange runs in: a new VPC, or an existing VPC and its
 * private subnets passed through unchanged (nothing is created then).
 */
import { Construct } from "constructs";
import { NaclClientRule, NewVpc } from "./new-vpc";

/** A private subnet and its zone. */
export interface PrivateSubnet {
  readonly zone: string;
  readonly subnetId: string;
}

/** Props of {@link Network}. */
export type NetworkProps =
  | {
      readonly mode: "new";
      readonly prefix: string;
      readonly availabilityZones: readonly string[];
      readonly vpcCidr: string;
      readonly privateSubnetCidrs: readonly string[];
      readonly publicSubnetCidrs: readonly string[];
      readonly clientRules: readonly NaclClientRule[];
      readonly flowLogs?: { readonly trafficType: string; readonly retentionDays: number; readonly kmsKeyArn: string };
      readonly s3GatewayEndpoint: boolean;
      readonly accountId: string;
      readonly region: string;
      readonly partition: string;
    }
  | {
      readonly mode: "existing";
      readonly availabilityZones: readonly string[];
      readonly vpcId: string;
      readonly vpcCidr: string;
      readonly privateSubnetIds: readonly string[];
    };

/** The network. */
export class Network extends Construct {
  /** VPC ID. */
  readonly vpcId: string;
  /** VPC CIDR. */
  readonly vpcCidr: string;
  /** Private subnets in zone order. */
  readonly privateSubnets: readonly PrivateSubnet[];
  /** IDs of the private subnets, in zone order. */
  readonly privateSubnetIds: readonly string[];
  /** The new VPC, when one was created. */
  readonly newVpc?: NewVpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpcCidr = props.vpcCidr;
    if (props.mode === "new") {
      const { mode: _mode, ...vpcProps } = props;
      this.newVpc = new NewVpc(this, "new-vpc", vpcProps);
      this.vpcId = this.newVpc.vpcId;
      this.privateSubnets = props.availabilityZones.map((zone, i) => ({ zone, subnetId: this.newVpc!.privateSubnetIds[i] }));
    } else {
      this.vpcId = props.vpcId;
      this.privateSubnets = props.availabilityZones.map((zone, i) => ({ zone, subnetId: props.privateSubnetIds[i] }));
    }
    this.privateSubnetIds = this.privateSubnets.map((subnet) => subnet.subnetId);
  }
}
