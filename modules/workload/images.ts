/**
 * Container image references: the URI ECS pulls, and the ECR repository ARN
 * the execution role needs for it (none for other registries).
 */

/** An image as the environment describes it. */
export interface ImageSpec {
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string;
}

/** The reference ECS pulls: pinned by digest when one is given, else by tag. */
export function imageUri(image: ImageSpec): string {
  return image.digest ? `${image.repository}@${image.digest}` : `${image.repository}:${image.tag}`;
}

const ECR_REPOSITORY = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/;

/** ARN of the ECR repository an image lives in, or undefined for other registries. */
export function ecrRepositoryArn(image: ImageSpec): string | undefined {
  const match = ECR_REPOSITORY.exec(image.repository);
  if (!match) return undefined;
  const [, account, region, name] = match;
  const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${name}`;
}
