/**
 * Every stack passes an offline `terraform init`, `validate` and `plan`
 * against the AWS provider 5.100.0 from the local mirror: the shipped
 * environments and the fixture variations (in existing-secret mode, since the
 * random provider cannot be installed offline) and the bootstrap stack.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { buildApp } from "../../main";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { variations, withExistingSecrets } from "../support/fixtures";
import { StackJson } from "../support/synth";
import { inParallel, planStack, PlanResult, resourceCountsByType } from "./harness";

/** The environments planned: shipped ones and fixture variations, all with existing secrets. */
export function plannedEnvironments(): { source: string; input: EnvironmentInput }[] {
  const shipped = environmentSources().map((s) => ({ source: s.source, input: withExistingSecrets(s.input as EnvironmentInput) }));
  const fixtures = Object.entries(variations()).map(([name, input]) => ({ source: `fixture ${name}`, input: withExistingSecrets(input) }));
  return [...shipped, ...fixtures];
}

describe("offline terraform plan", () => {
  const outdir = mkdtempSync(join(tmpdir(), "ce-plan-synth-"));
  const results = new Map<string, PlanResult>();
  const synthesized = new Map<string, StackJson>();
  let stackNames: string[] = [];

  beforeAll(async () => {
    const app = buildApp(parseEnvironments(plannedEnvironments()), { outdir });
    app.synth();
    stackNames = app.node.children.map((c) => c.node.id).sort();
    for (const name of stackNames) {
      synthesized.set(name, JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")));
    }
    const planned = await inParallel(stackNames, 2, (name) => planStack(join(outdir, "stacks", name), name));
    for (const result of planned) results.set(result.stack, result);
  }, 600_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("covers every shipped environment, every fixture variation and the bootstrap stack", () => {
    expect(stackNames).toEqual(
      expect.arrayContaining(["ce-dev", "ce-staging", "ce-prod", "ce-state-bootstrap", "ce-newhttp", "ce-newhttps", "ce-exhttps", "ce-exnone", "ce-extg"]),
    );
  });

  it("validates every stack", () => {
    for (const name of stackNames) {
      expect({ name, ...results.get(name)!.validation }).toMatchObject({ name, valid: true, error_count: 0 });
    }
  });

  it("plans only creations, exactly the synthesized resources per type", () => {
    for (const name of stackNames) {
      const plan = results.get(name)!.plan;
      const actions = new Set((plan.resource_changes ?? []).flatMap((c) => c.change.actions));
      expect({ name, otherActions: [...actions].filter((a) => a !== "create") }).toEqual({ name, otherActions: [] });
      const synthesizedCounts: Record<string, number> = {};
      for (const [type, byName] of Object.entries(synthesized.get(name)!.resource ?? {})) synthesizedCounts[type] = Object.keys(byName).length;
      expect({ name, counts: resourceCountsByType(plan) }).toEqual({ name, counts: synthesizedCounts });
    }
  });
});
