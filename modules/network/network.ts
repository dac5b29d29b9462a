/**
 * The network Cloud Exchange runs in: a new VPC, or an existing VPC and its
 * private subnets passed through unchanged (nothing is created then).
 */
import { Construct } from "constructs";
import { NewVpc, NewVpcProps } from "./new-vpc";

/** A private subnet and its zone. */
export interface PrivateSubnet {
  /** Availability zone of the subnet. */
  readonly zone: string;
  /** Subnet ID. */
  readonly subnetId: string;
}

/** Props of {@link Network}. */
export type NetworkProps =
  | ({
      /** Create a VPC: everything {@link NewVpcProps} describes. */
      readonly mode: "new";
    } & NewVpcProps)
  | {
      /** Use a VPC and private subnets that already exist; nothing is created. */
      readonly mode: "existing";
      /** Zones of the private subnets, in the same order. */
      readonly availabilityZones: readonly string[];
      /** ID of the existing VPC. */
      readonly vpcId: string;
      /** CIDR of the existing VPC (security group and NO_PROXY rules). */
      readonly vpcCidr: string;
      /** Private subnet IDs, one per zone. */
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
