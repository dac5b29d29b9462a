/**
 * Plan results kept by stack content: a stack planned once in a test run is
 * not planned again, whichever suite or batch asks for it (the stacks not
 * planned yet go to Terraform together, in one run). Loads no environment
 * file.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planStacks, PlanResult, resultsDirectory, StackToPlan } from "./harness";
import { terraformSetup } from "./terraform-cli";

export { SHARED_PLAN_RESULTS_VARIABLE } from "./harness";

/** The file a stack's plan result is kept in, by binary, name and content. */
function resultFile(dir: string, stack: StackToPlan): string {
  const setup = terraformSetup();
  const key = JSON.stringify(["planned-stack", setup.binary, setup.mode, stack.name, stack.content]);
  return join(dir, `stack-${createHash("sha256").update(key).digest("hex")}.json`);
}

/**
 * Plans stacks in one Terraform run, except those whose identical content
 * was planned before in this run (or in the shared results directory):
 * those are read back. Results by stack name.
 */
export async function planStacksByContent(stacks: readonly StackToPlan[]): Promise<Map<string, PlanResult>> {
  const dir = resultsDirectory();
  if (!dir) return planStacks(stacks);
  mkdirSync(dir, { recursive: true });
  const missing = stacks.filter((stack) => !existsSync(resultFile(dir, stack)));
  if (missing.length > 0) {
    const planned = await planStacks(missing);
    for (const stack of missing) {
      const file = resultFile(dir, stack);
      writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(planned.get(stack.name)));
      renameSync(`${file}.${process.pid}.tmp`, file);
    }
  }
  return new Map(stacks.map((stack) => [stack.name, JSON.parse(readFileSync(resultFile(dir, stack), "utf8")) as PlanResult]));
}

