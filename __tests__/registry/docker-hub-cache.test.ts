/** The optional ECR pull-through cache of Docker Hub: the rule, and every Docker Hub image pulled through it. */
import { dockerHubPath, ecrRepositoryArn, imageUri } from "../../modules/workload/images";
import { baseEnvironment, secretArn } from "../support/fixtures";
import { containersOf, onlyResource, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const credentials = secretArn("ecr-pullthroughcache/docker-hub");
const ECR = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";

describe("Docker Hub pull-through cache", () => {
  const stack = synthEnvironment(baseEnvironment({ images: { pullThroughCache: { credentialsSecretArn: credentials } } }));

  it("creates a cache rule for Docker Hub with the operator's credentials", () => {
    expect(onlyResource(stack, "aws_ecr_pull_through_cache_rule")).toMatchObject({
      ecr_repository_prefix: "ce-test-docker-hub",
      upstream_registry_url: "registry-1.docker.io",
      credential_arn: credentials,
    });
  });

  it("creates its repositories with immutable tags: an image cached under a tag stays what the tasks pull, whatever is pushed upstream later", () => {
    const rule = onlyResource(stack, "aws_ecr_pull_through_cache_rule");
    expect(onlyResource(stack, "aws_ecr_repository_creation_template")).toMatchObject({
      prefix: rule.ecr_repository_prefix,
      applied_for: ["PULL_THROUGH_CACHE"],
      image_tag_mutability: "IMMUTABLE",
    });
    expect(onlyResource(stack, "aws_ecs_service").depends_on).toContain("aws_ecr_repository_creation_template.docker-hub-cache_repository-template");
  });

  it("pulls every CE image through it, and starts the service only once the rule exists", () => {
    const images = containersOf(workloadTaskDefinition(stack)).map((c) => c.image);
    expect(new Set(images)).toEqual(
      new Set(["core6-6.1.0", "ui6-6.1.0", "mongo6-6.1.0-8.0.18", "rabbitmq6-6.1.0-4.2.2"].map((tag) => `${ECR}/ce-test-docker-hub/netskopetechnicalalliances/cloudexchange:${tag}`)),
    );
    expect(onlyResource(stack, "aws_ecs_service").depends_on).toContain("aws_ecr_pull_through_cache_rule.docker-hub-cache_rule");
    // Core still checks for updates against the upstream names.
    const core = containersOf(workloadTaskDefinition(stack)).find((c) => c.name === "core");
    expect(core.environment).toContainEqual({ name: "CORE_TAG", value: "netskopetechnicalalliances/cloudexchange:core6-6.1.0" });
  });

  it("takes a prefix of the operator's choosing", () => {
    const named = synthEnvironment(baseEnvironment({ images: { pullThroughCache: { credentialsSecretArn: credentials, repositoryPrefix: "docker-hub" } } }));
    expect(onlyResource(named, "aws_ecr_pull_through_cache_rule").ecr_repository_prefix).toBe("docker-hub");
  });

  it("maps Docker Hub references to the cache's repositories and leaves other registries alone", () => {
    const cache = { accountId: "210987654321", region: "eu-west-1", partition: "aws", repositoryPrefix: "hub" };
    expect(dockerHubPath("mongo")).toBe("library/mongo");
    expect(dockerHubPath("docker.io/library/mongo")).toBe("library/mongo");
    expect(dockerHubPath("netskopetechnicalalliances/cloudexchange")).toBe("netskopetechnicalalliances/cloudexchange");
    expect(dockerHubPath("registry.example.com/ce/core")).toBeUndefined();
    expect(imageUri({ repository: "mongo", tag: "7.0" }, cache)).toBe(`${ECR}/hub/library/mongo:7.0`);
    expect(imageUri({ repository: "registry.example.com/ce/core", tag: "1" }, cache)).toBe("registry.example.com/ce/core:1");
    expect(imageUri({ repository: "mongo", tag: "7.0", digest: `sha256:${"d".repeat(64)}` }, cache)).toBe(`${ECR}/hub/library/mongo@sha256:${"d".repeat(64)}`);
    expect(ecrRepositoryArn({ repository: "mongo", tag: "7.0" }, cache)).toBe("arn:aws:ecr:eu-west-1:210987654321:repository/hub/library/mongo");
    expect(ecrRepositoryArn({ repository: "mongo", tag: "7.0" })).toBeUndefined();
  });

  it("is not there unless asked for", () => {
    expect(synthEnvironment(baseEnvironment()).resource?.aws_ecr_pull_through_cache_rule).toBeUndefined();
  });
});
