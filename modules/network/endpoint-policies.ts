/**
 * Policies of the VPC endpoints a proxied environment uses instead of the
 * internet (with a proxy as the only way out, the endpoints are the other
 * way out): each lets requests reach this account's resources only, plus the
 * AWS-owned or listed ones the tasks need (ECR's layer bucket, the
 * environment's image repositories in other registries), and serves only
 * principals of this account. Data cannot leave through them to another
 * account's bucket, log group, secret or repository; it must pass the proxy.
 */
import { AwsLocation } from "../aws-location";
import { derive, Environment } from "../config";
import { policyDocument, PolicyStatement } from "../iam/policy";
import { IMAGE_NAMES } from "../releases";
import { ecrRepositoryArn, ImageSpec } from "../workload/images";

/** ECR image reads; pushes and repository changes are never allowed outside this account. */
export const ECR_PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] as const;

/** The bucket ECR serves image layers from in a region (AWS-owned). */
export function ecrLayerBucketArn(partition: string, region: string): string {
  return `arn:${partition}:s3:::prod-${region}-starport-layer-bucket`;
}

const anyone = "*" as const;
const thisAccountOnly = (accountId: string) => ({ StringEquals: { "aws:PrincipalAccount": accountId } });

/** The S3 gateway endpoint: this account's buckets, and reads of ECR's layer bucket (image layers). */
export function s3GatewayEndpointPolicy(where: AwsLocation): string {
  return policyDocument([
    {
      Sid: "ThisAccountsBucketsOnly",
      Effect: "Allow",
      Principal: anyone,
      Action: "s3:*",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": where.accountId, "aws:PrincipalAccount": where.accountId } },
    },
    {
      Sid: "ReadImageLayersFromEcr",
      Effect: "Allow",
      Principal: anyone,
      Action: "s3:GetObject",
      Resource: `${ecrLayerBucketArn(where.partition, where.region)}/*`,
      Condition: thisAccountOnly(where.accountId),
    },
  ]);
}

/** Props of {@link interfaceEndpointPolicy}. */
export interface InterfaceEndpointPolicyProps extends AwsLocation {
  /** Service of the endpoint, e.g. `ecr.dkr`, `logs`. */
  readonly service: string;
  /** Repositories of other accounts the environment pulls its images from (ECR endpoints). Default: none. */
  readonly pullRepositoryArns?: readonly string[];
}

/** An interface endpoint's policy: the service's resources in this account, for principals of this account. */
export function interfaceEndpointPolicy(props: InterfaceEndpointPolicyProps): string {
  const { accountId, region, partition } = props;
  const inThisAccount = (service: string, resource: string): PolicyStatement => ({
    Sid: "ThisAccountsResourcesOnly",
    Effect: "Allow",
    Principal: anyone,
    Action: `${service}:*`,
    Resource: `arn:${partition}:${service}:${region}:${accountId}:${resource}`,
    Condition: thisAccountOnly(accountId),
  });
  const statements: PolicyStatement[] = [];
  switch (props.service) {
    case "ecr.api":
    case "ecr.dkr":
      statements.push(
        // The token call has no resource; the token is only good for what the caller may pull.
        { Sid: "GetRegistryTokens", Effect: "Allow", Principal: anyone, Action: "ecr:GetAuthorizationToken", Resource: "*", Condition: thisAccountOnly(accountId) },
        inThisAccount("ecr", "repository/*"),
      );
      if ((props.pullRepositoryArns ?? []).length > 0) {
        statements.push({
          Sid: "PullTheEnvironmentsImages",
          Effect: "Allow",
          Principal: anyone,
          Action: [...ECR_PULL_ACTIONS],
          Resource: [...new Set(props.pullRepositoryArns)].sort(),
          Condition: thisAccountOnly(accountId),
        });
      }
      break;
    case "logs":
      statements.push(inThisAccount("logs", "*"));
      break;
    case "secretsmanager":
      statements.push(inThisAccount("secretsmanager", "secret:*"));
      break;
    case "ssmmessages":
      // ECS Exec's channels have no resource: only this account's principals (the tasks) may open them.
      statements.push({ Sid: "ThisAccountsSessionsOnly", Effect: "Allow", Principal: anyone, Action: "ssmmessages:*", Resource: "*", Condition: thisAccountOnly(accountId) });
      break;
    default:
      throw new Error(`no endpoint policy for service ${props.service}`);
  }
  return policyDocument(statements);
}

/**
 * The ECR repositories of other accounts an environment pulls from (CE 5.0's
 * Marketplace registry, images kept in a shared registry, the Defender
 * updater's): the only foreign repositories its ECR endpoints let it read.
 * Docker Hub images come through the environment's own pull-through cache.
 */
export function foreignEcrRepositories(env: Environment): string[] {
  const images: ImageSpec[] = [...IMAGE_NAMES.map((name) => derive(env).images[name]), ...(env.defender.enabled && env.defender.image ? [env.defender.image] : [])];
  return [...new Set(images.map((image) => ecrRepositoryArn(image)).filter((arn): arn is string => arn !== undefined && arn.split(":")[4] !== env.accountId))].sort();
}
