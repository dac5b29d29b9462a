/**
 * Supply chain: container images are pinned (by tag, never "latest", or by
 * digest), and npm dependencies are pinned exactly with a committed lockfile.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { EnvironmentInput, parseEnvironments, problemsOf } from "../../modules/config";
import { baseEnvironment, haEnvironment, variations } from "../support/fixtures";
import { containersOf, resourcesOf, StackJson, synthApp, synthEnvironment } from "../support/synth";

const ROOT = join(__dirname, "..", "..");

describe("supply chain", () => {
  const environments = parseEnvironments(environmentSources());

  it("pins every image of every environment file by a release tag or a digest", () => {
    for (const env of environments) {
      const images = { ...env.images, ...(env.defender.image ? { defender: env.defender.image } : {}) } as Record<string, unknown>;
      for (const [role, image] of Object.entries(images)) {
        if (!image || typeof image !== "object") continue;
        const { tag, digest } = image as { tag: string; digest?: string };
        expect({ env: env.name, role, tag }).not.toEqual({ env: env.name, role, tag: expect.stringMatching(/latest|^main$|^master$/i) });
        if (digest) expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
    }
  });

  /** The containers of a stack that run an image by tag alone (no digest), sorted. */
  const tagOnlyContainers = (stack: StackJson) =>
    [...new Set(resourcesOf(stack, "aws_ecs_task_definition").flatMap(([, task]) => containersOf(task).filter((c) => !String(c.image).includes("@sha256:")).map((c) => c.name as string)))].sort();

  /** Cloud Exchange's containers (the logical backup's runs the release's MongoDB image), whose images images.requireDigests governs. */
  const CE = ["core", "core-init", "init", "mongodb", "mongodb-backup", "rabbitmq", "ui"];
  const GOVERNED = [...CE, "replica-set-init"];

  it("runs no Cloud Exchange image by tag alone in the stack of an environment file that requires digests", () => {
    const stacks = synthApp(environmentSources().map((s) => s.input as EnvironmentInput));
    for (const env of environments.filter((e) => e.images.requireDigests)) {
      expect({ env: env.name, tagOnly: tagOnlyContainers(stacks[`ce-${env.name}`]).filter((c) => GOVERNED.includes(c)) }).toEqual({ env: env.name, tagOnly: [] });
    }
  });

  /**
   * Which containers run by tag alone where an environment pins nothing, and
   * so could change under a re-pushed tag at the next deployment (ECS
   * resolves a tag to one digest per deployment): every Cloud Exchange
   * container, HA's replica-set-init and the Defender updater. A container
   * joining or leaving a list fails the test, so the lists stay true.
   * (`npm run pin-images` reads the digests where the registries are
   * reachable; this build machine reaches none.)
   */
  const TAG_ONLY: Record<string, [EnvironmentInput, string[]]> = {
    standalone: [baseEnvironment(), CE],
    HA: [haEnvironment(), [...CE, "replica-set-init"].sort()],
    "with the Defender updater": [variations()["existing-vpc-no-alb-defender-organization"], [...CE, "fargate-updater"].sort()],
  };

  it("lists which containers run their image by tag alone where an environment pins no digest", () => {
    const tagOnly = Object.fromEntries(Object.entries(TAG_ONLY).map(([kind, [input]]) => [kind, tagOnlyContainers(synthEnvironment(input))]));
    expect(tagOnly).toEqual(Object.fromEntries(Object.entries(TAG_ONLY).map(([kind, [, expected]]) => [kind, expected])));
  });

  it("pins every image by digest once an environment asks for it, and refuses one without", () => {
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const pinned = { requireDigests: true, core: { digest: digest("a") }, ui: { digest: digest("b") }, mongodb: { digest: digest("c") }, rabbitmq: { digest: digest("d") } };
    const stack = synthEnvironment(baseEnvironment({ images: pinned }));
    for (const c of resourcesOf(stack, "aws_ecs_task_definition").flatMap(([, task]) => containersOf(task))) expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    const { problems } = problemsOf({ source: "t", input: baseEnvironment({ images: { ...pinned, ui: {} } }) });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(["images.ui.digest: is required by images.requireDigests (run npm run pin-images to read it from the registry)"]);
  });

  it("pins every npm dependency to an exact version and commits the lockfile", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    for (const section of ["dependencies", "devDependencies"]) {
      for (const [name, version] of Object.entries(pkg[section] as Record<string, string>)) {
        expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
      }
    }
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[""].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[""].devDependencies).toEqual(pkg.devDependencies);
    for (const [name, version] of Object.entries((pkg.overrides ?? {}) as Record<string, string>)) {
      expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    }
  });

  it("records every optional platform package in the lockfile, so npm ci works on any machine", () => {
    // npm ci refuses a lockfile whose optional native bindings (for example
    // another OS's @swc/core build) are missing; npm install leaves them out
    // silently when the registry lacks that exact version.
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    const packages = lock.packages as Record<string, { optionalDependencies?: Record<string, string> }>;
    const unresolved: string[] = [];
    for (const [path, entry] of Object.entries(packages)) {
      for (const dependency of Object.keys(entry.optionalDependencies ?? {})) {
        // Node resolution: walk up from the dependent's own node_modules.
        const segments = path.split("node_modules/").filter(Boolean).map((s) => s.replace(/\/$/, ""));
        const candidates = segments.map((_, i) => ["", ...segments.slice(0, segments.length - i)].join("node_modules/") + "/node_modules/" + dependency)
          .map((candidate) => candidate.replace(/^\//, ""));
        candidates.push(`node_modules/${dependency}`);
        if (!candidates.some((candidate) => candidate in packages)) unresolved.push(`${path || "(root)"} -> ${dependency}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  it("keeps the fixed versions the project depends on", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.dependencies).toMatchObject({ cdktf: "0.21.0", "@cdktf/provider-aws": "20.1.0", "@cdktf/provider-random": expect.stringMatching(/^12\./) });
    expect(pkg.devDependencies).toMatchObject({ "cdktf-cli": "0.21.0" });
  });
});
