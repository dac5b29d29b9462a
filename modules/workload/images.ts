/**
 * Container image references: the URI ECS pulls (directly, or through an
 * ECR pull-through cache of Docker Hub), and the ECR repository ARN the
 * execution role needs for it (none for other registries).
 */

/** An image as the environment describes it. */
export interface ImageSpec {
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string;
}

/** An ECR pull-through cache of Docker Hub in the environment's account and region. */
export interface DockerHubCache {
  /** Account of the cache. */
  readonly accountId: string;
  /** Region of the cache. */
  readonly region: string;
  /** Partition of the region. */
  readonly partition: string;
  /** ECR repository prefix of the cache rule. */
  readonly repositoryPrefix: string;
}

/** Docker Hub's names for itself in an image reference. */
const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * The Docker Hub path of an image repository (`library/` added for official
 * images), or undefined when the repository names another registry.
 */
export function dockerHubPath(repository: string): string | undefined {
  const parts = repository.split("/");
  const first = parts[0];
  const hasHost = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasHost && !DOCKER_HUB_HOSTS.has(first)) return undefined;
  const path = hasHost ? parts.slice(1) : parts;
  return path.length === 1 ? `library/${path[0]}` : path.join("/");
}

function ecrHost(cache: DockerHubCache): string {
  return `${cache.accountId}.dkr.ecr.${cache.region}.amazonaws.com${cache.partition === "aws-cn" ? ".cn" : ""}`;
}

/**
 * The reference ECS pulls: pinned by digest when one is given, else by tag;
 * a Docker Hub image goes through the pull-through cache when there is one.
 */
export function imageUri(image: ImageSpec, cache?: DockerHubCache): string {
  const hub = cache ? dockerHubPath(image.repository) : undefined;
  const repository = cache && hub ? `${ecrHost(cache)}/${cache.repositoryPrefix}/${hub}` : image.repository;
  return image.digest ? `${repository}@${image.digest}` : `${repository}:${image.tag}`;
}

const ECR_REPOSITORY = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/;

/** ARN of the ECR repository an image lives in (its cache repository when cached), or undefined for other registries. */
export function ecrRepositoryArn(image: ImageSpec, cache?: DockerHubCache): string | undefined {
  const uri = imageUri({ repository: image.repository, tag: "x" }, cache);
  const match = ECR_REPOSITORY.exec(uri.slice(0, uri.lastIndexOf(":")));
  if (!match) return undefined;
  const [, account, region, name] = match;
  const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${name}`;
}
