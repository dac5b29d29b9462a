/**
 * An ECR pull-through cache rule for Docker Hub: the tasks pull CE's images
 * (and, for upgrades, the official MongoDB images) from ECR in the
 * environment's account and region, which fetches them from Docker Hub once
 * with the operator's Docker Hub credentials. No Docker Hub rate limits at
 * task start, and the images are kept in ECR (and scanned where the
 * account's registry scanning is on: that setting is the account's, not an
 * environment's). The repositories the cache creates take their settings
 * from a repository creation template of the same prefix: tags immutable, so
 * once an image is cached under a tag, a later push under that tag upstream
 * cannot replace what the tasks pull.
 */
import { EcrPullThroughCacheRule } from "@cdktf/provider-aws/lib/ecr-pull-through-cache-rule";
import { EcrRepositoryCreationTemplate } from "@cdktf/provider-aws/lib/ecr-repository-creation-template";
import { Construct } from "constructs";
import { DockerHubCache } from "../workload/images";

/** Props of {@link DockerHubPullThroughCache}. */
export interface DockerHubPullThroughCacheProps extends Omit<DockerHubCache, "repositoryPrefix"> {
  /** ECR repository prefix of the rule, unique in the account and region (e.g. `ce-prod-docker-hub`). */
  readonly repositoryPrefix: string;
  /** Secrets Manager secret (name `ecr-pullthroughcache/...`) with `username` and `accessToken` of a Docker Hub account. */
  readonly credentialsSecretArn: string;
}

/** The cache rule; `cache` is what image URIs and IAM policies are built from. */
export class DockerHubPullThroughCache extends Construct {
  /** The rule. */
  readonly rule: EcrPullThroughCacheRule;
  /** The settings of the repositories the rule creates (immutable tags). */
  readonly repositoryTemplate: EcrRepositoryCreationTemplate;
  /** Where the cached images are. */
  readonly cache: DockerHubCache;

  constructor(scope: Construct, id: string, props: DockerHubPullThroughCacheProps) {
    super(scope, id);
    this.rule = new EcrPullThroughCacheRule(this, "rule", {
      ecrRepositoryPrefix: props.repositoryPrefix,
      upstreamRegistryUrl: "registry-1.docker.io",
      credentialArn: props.credentialsSecretArn,
    });
    this.repositoryTemplate = new EcrRepositoryCreationTemplate(this, "repository-template", {
      prefix: props.repositoryPrefix,
      appliedFor: ["PULL_THROUGH_CACHE"],
      imageTagMutability: "IMMUTABLE",
      description: "Docker Hub images cached for Cloud Exchange: a cached tag is never replaced",
    });
    this.cache = { accountId: props.accountId, region: props.region, partition: props.partition, repositoryPrefix: props.repositoryPrefix };
  }
}
