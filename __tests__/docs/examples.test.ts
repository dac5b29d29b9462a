/** The pipeline example: its policy covers every resource type and its workflow keeps the promised steps. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentFiles } from "../../environments";
import { ACTIONS_BY_TYPE, usedResourceTypes } from "../../scripts/lib/pipeline-policy";

const ROOT = join(__dirname, "..", "..");

describe("pipeline example", () => {
  it("has deploy permissions for every resource type any stack uses", () => {
    const types = usedResourceTypes();
    expect(types.length).toBeGreaterThan(40);
    expect(types.filter((t) => !(t in ACTIONS_BY_TYPE))).toEqual([]);
  });

  it("maps no type that no stack uses", () => {
    const types = new Set(usedResourceTypes());
    expect(Object.keys(ACTIONS_BY_TYPE).filter((t) => !types.has(t))).toEqual([]);
  });

  it("tests, plans with a saved artifact, and applies that plan behind an approval", () => {
    const workflow = readFileSync(join(ROOT, "examples", "github-actions", "cloud-exchange.yml"), "utf8");
    for (const step of ["run: npm ci", "run: npm test", "run: npx cdktf synth", "init -input=false", "plan -input=false -lock-timeout=5m -out=tfplan", "upload-artifact", "environment: production", "apply -input=false tfplan"]) {
      expect(workflow).toContain(step);
    }
    const stacks = [...workflow.matchAll(/stack: \[([^\]]+)\]/g)].map((m) => m[1]);
    const shipped = environmentFiles().map((f) => `ce-${f.replace(/\.ts$/, "")}`).sort();
    expect(stacks.map((s) => s.split(", ").sort())).toEqual([shipped, shipped]);
  });
});
