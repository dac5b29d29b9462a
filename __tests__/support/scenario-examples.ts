/**
 * The scenario examples (examples/<scenario>/environment.ts): found by
 * folder, loaded, and planned offline together in one Terraform run, as
 * written (as the environment files are planned). The plan leaves out the
 * adopt example's import blocks, which only a root module may hold; the
 * adopt plan from the official template's state is
 * __tests__/plan/adopt-plan.test.ts's.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../modules/app";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { PlanResult, stackFromDirectory, StackToPlan } from "../plan/harness";
import { planStacksByContent } from "../plan/plan-results";

/** The examples folder. */
export const EXAMPLES = join(__dirname, "..", "..", "examples");

/** One scenario example. */
export interface ScenarioExample {
  /** Its folder under examples/. */
  readonly folder: string;
  /** Its environment file, relative to the project root. */
  readonly file: string;
  /** The environment as written. */
  readonly input: EnvironmentInput;
}

/** Every folder of examples/ with an environment.ts, sorted. */
export function scenarioExamples(): ScenarioExample[] {
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(EXAMPLES, entry.name, "environment.ts")))
    .map((entry) => entry.name)
    .sort()
    .map((folder) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(join(EXAMPLES, folder, "environment.ts")) as { default: EnvironmentInput };
      return { folder, file: `examples/${folder}/environment.ts`, input: loaded.default };
    });
}

/** Synthesizes every scenario example and plans them in one Terraform run; results by stack name. */
export async function planScenarioExamples(): Promise<Map<string, PlanResult>> {
  const outdir = mkdtempSync(join(tmpdir(), "ce-examples-"));
  try {
    const environments = parseEnvironments(scenarioExamples().map((e) => ({ source: e.file, input: e.input })));
    const app = buildApp(environments, { outdir, includeBootstrap: false });
    app.synth();
    const stacks: StackToPlan[] = app.node.children.map((c) => {
      const stack = stackFromDirectory(join(outdir, "stacks", c.node.id), c.node.id);
      const json = JSON.parse(stack.content) as { import?: unknown };
      if (!json.import) return stack;
      delete json.import;
      return { name: stack.name, content: JSON.stringify(json) };
    });
    return await planStacksByContent(stacks);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
