/**
 * The MongoDB images of the data upgrade's steps: CE's own setup's versions
 * by default, overridable per step (a mirror, a digest), and held to the
 * environment's image rules like every other image: images.requireDigests,
 * the ECR-or-cache rule of a proxy-only network, and the execution role's
 * pull permissions.
 */
import { EnvironmentInput, problemsOf } from "../../modules/config";
import { FCV_WALK_IMAGES, FCV_WALK_VERSIONS } from "../../modules/upgrade/data-upgrade";
import { baseEnvironment } from "../support/fixtures";
import { containerNamed, policyOf, resourceNamed, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const MIRROR = "210987654321.dkr.ecr.eu-west-1.amazonaws.com/mirror/mongo";
const upgrading = (extra: Partial<EnvironmentInput> = {}, upgrade: Record<string, unknown> = {}): EnvironmentInput =>
  baseEnvironment({ release: "6.1", size: { preset: "medium" }, upgrade: { fromRelease: "5.0", ...upgrade }, ...extra } as Partial<EnvironmentInput>);
const problemsAt = (input: EnvironmentInput) => problemsOf({ source: "t", input }).problems.map((p) => `${p.path}: ${p.message}`);
const stepImage = (input: EnvironmentInput, version: string) => containerNamed(workloadTaskDefinition(synthEnvironment(input)), `mongodb-fcv-${version.replace(".", "-")}`).image;

describe("the data upgrade's MongoDB images", () => {
  it("are CE's own setup's versions by default, the walk starting with MongoDB 5.0 right after init", () => {
    const task = workloadTaskDefinition(synthEnvironment(upgrading()));
    for (const version of FCV_WALK_VERSIONS) {
      expect(containerNamed(task, `mongodb-fcv-${version.replace(".", "-")}`).image).toBe(`${FCV_WALK_IMAGES[version].repository}:${FCV_WALK_IMAGES[version].tag}`);
    }
    expect(FCV_WALK_IMAGES["5.0"]).toEqual({ repository: "mongo", tag: "5.0.21" });
    expect(containerNamed(task, "mongodb-fcv-5-0").dependsOn).toEqual([{ containerName: "init", condition: "SUCCESS" }]);
    expect(containerNamed(task, "mongodb-fcv-6-0").dependsOn).toEqual([{ containerName: "mongodb-fcv-5-0", condition: "SUCCESS" }]);
  });

  it("can be overridden per step, by repository, tag and digest, and the execution role may pull the overrides", () => {
    const input = upgrading({}, { images: { "5.0": { repository: MIRROR, tag: "5.0.21" }, "6.0": { repository: MIRROR, tag: "6.0.12", digest: digest("b") } } });
    expect(stepImage(input, "5.0")).toBe(`${MIRROR}:5.0.21`);
    expect(stepImage(input, "6.0")).toBe(`${MIRROR}@${digest("b")}`);
    expect(stepImage(input, "7.0")).toBe("mongo:7.0.16");
    const statements = policyOf(resourceNamed(synthEnvironment(input), "aws_iam_role_policy", "iam_execution-role-policy").policy).Statement;
    expect(statements.find((s) => s.Sid === "PullImages")!.Resource).toContain("arn:aws:ecr:eu-west-1:210987654321:repository/mirror/mongo");
  });

  it("fall under images.requireDigests: each step's image without a digest is refused, naming its field", () => {
    const pinned = { requireDigests: true, core: { digest: digest("a") }, ui: { digest: digest("b") }, mongodb: { digest: digest("c") }, rabbitmq: { digest: digest("d") } };
    expect(problemsAt(upgrading({ images: pinned }, { images: { "6.0": { digest: digest("e") } } }))).toEqual([
      'upgrade.images["5.0"].digest: is required by images.requireDigests: the step pulls mongo:5.0.21, which can change under the tag',
      'upgrade.images["7.0"].digest: is required by images.requireDigests: the step pulls mongo:7.0.16, which can change under the tag',
    ]);
    const all = upgrading({ images: pinned }, { images: Object.fromEntries(FCV_WALK_VERSIONS.map((v, i) => [v, { digest: digest(String(i)) }])) });
    expect(problemsAt(all)).toEqual([]);
    for (const version of FCV_WALK_VERSIONS) expect(stepImage(all, version)).toMatch(/^mongo@sha256:[0-9a-f]{64}$/);
  });

  it("must come from ECR in the region (or the Docker Hub cache) when a proxy is the only way out, naming the step's field", () => {
    const proxied = { proxy: { httpsUrl: "http://proxy.internal:3128" } } as Partial<EnvironmentInput>;
    const ecrImages = { images: { core: { repository: MIRROR }, ui: { repository: MIRROR }, mongodb: { repository: MIRROR }, rabbitmq: { repository: MIRROR } } } as Partial<EnvironmentInput>;
    expect(problemsAt(upgrading({ ...proxied, ...ecrImages }, { images: { "5.0": { repository: MIRROR }, "6.0": { repository: MIRROR } } }))).toEqual([
      expect.stringMatching(/^upgrade\.images\["7\.0"\]\.repository: must be an ECR repository in eu-west-1, or a Docker Hub image with images\.pullThroughCache set, when a proxy is the only way out.*\(got "mongo"\)$/),
    ]);
    expect(problemsAt(upgrading({ ...proxied, ...ecrImages }, { images: Object.fromEntries(FCV_WALK_VERSIONS.map((v) => [v, { repository: MIRROR }])) }))).toEqual([]);
  });

  it("refuses a malformed override, naming the field", () => {
    expect(problemsAt(upgrading({}, { images: { "6.0": { tag: "6.0.12 latest" } } }))).toEqual([expect.stringMatching(/^upgrade\.images\["6\.0"\]\.tag: must be an image tag/)]);
  });
});
