/**
 * Interface VPC endpoints for the AWS APIs a Fargate task's own plumbing
 * calls (ECR for images, CloudWatch Logs, Secrets Manager, and SSM messages
 * for ECS Exec), with private DNS, so tasks whose only other way out is a
 * proxy still start. Image layers come from S3 through the VPC's gateway
 * endpoint. Each endpoint's policy keeps requests to this account's
 * resources (modules/network/endpoint-policies.ts).
 */
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { interfaceEndpointPolicy } from "./endpoint-policies";

/** The services every task needs through endpoints; `ssmmessages` is added for ECS Exec. */
export const TASK_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"] as const;

/** Props of {@link AwsServiceEndpoints}. */
export interface AwsServiceEndpointsProps extends AwsLocation {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** The VPC. */
  readonly vpcId: string;
  /** Private subnets, one endpoint network interface each. */
  readonly subnetIds: readonly string[];
  /** Security group of the endpoints (443 from the tasks). */
  readonly securityGroupId: string;
  /** Add the SSM messages endpoint ECS Exec needs. Default false. */
  readonly executeCommand?: boolean;
  /** Image repositories of other accounts the environment pulls from (the ECR endpoints let only these be read). Default: none. */
  readonly pullRepositoryArns?: readonly string[];
}

/** The interface endpoints. */
export class AwsServiceEndpoints extends Construct {
  /** The endpoints by service name. */
  readonly endpoints: ReadonlyMap<string, VpcEndpoint>;

  constructor(scope: Construct, id: string, props: AwsServiceEndpointsProps) {
    super(scope, id);
    const services = [...TASK_ENDPOINT_SERVICES, ...(props.executeCommand ? ["ssmmessages"] : [])];
    this.endpoints = new Map(
      services.map((service) => [
        service,
        new VpcEndpoint(this, service.replace(/\./g, "-"), {
          vpcId: props.vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: [...props.subnetIds],
          securityGroupIds: [props.securityGroupId],
          policy: interfaceEndpointPolicy({ ...props, service }),
          tags: { Name: `${props.prefix}-${service}` },
        }),
      ]),
    );
  }
}
