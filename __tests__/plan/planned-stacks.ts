/**
 * The stacks every plan-reading suite shares: the shipped environments and
 * the fixture variations in existing-secret mode (the random provider cannot
 * be installed offline), the bootstrap and member-role stacks. Planned once
 * per run thanks to the harness's plan cache.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { buildApp } from "../../main";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { variations, withExistingSecrets } from "../support/fixtures";
import { StackJson } from "../support/synth";
import { inParallel, planStack, PlanResult } from "./harness";

/**
 * Fixture variations the shipped environments already cover in shape: dev is
 * a new VPC with a plain-HTTP ALB, staging a new VPC with HTTPS. They stay in
 * the synth-level policy corpus; planning them again would only cost time.
 */
const COVERED_BY_SHIPPED = new Set(["new-vpc-alb-http", "new-vpc-alb-https"]);

/** The environments planned: shipped ones and the other fixture variations, all with existing secrets. */
export function plannedEnvironments(): { source: string; input: EnvironmentInput }[] {
  const shipped = environmentSources().map((s) => ({ source: s.source, input: withExistingSecrets(s.input as EnvironmentInput) }));
  const fixtures = Object.entries(variations())
    .filter(([name]) => !COVERED_BY_SHIPPED.has(name))
    .map(([name, input]) => ({ source: `fixture ${name}`, input: withExistingSecrets(input) }));
  return [...shipped, ...fixtures];
}

/**
 * Stacks to plan: all of them, except that of an environment's member-role
 * stacks (identical but for the account) only the first is planned.
 */
export function stacksToPlan(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const member = /^(.*)-defender-member-\d{12}$/.exec(name);
    if (!member) return true;
    if (seen.has(member[1])) return false;
    seen.add(member[1]);
    return true;
  });
}

/** Synthesizes and plans every stack (two at a time); results by stack name. */
export function planAll(): Promise<Map<string, { plan: PlanResult; stack: StackJson }>> {
  return synthesizeAndPlan(plannedEnvironments());
}

/**
 * Synthesizes the app of these environments into a temporary directory and
 * plans its stacks ({@link stacksToPlan}) two at a time; results by stack name,
 * in name order.
 */
export async function synthesizeAndPlan(
  sources: readonly { source: string; input: EnvironmentInput }[],
): Promise<Map<string, { plan: PlanResult; stack: StackJson }>> {
  const outdir = mkdtempSync(join(tmpdir(), "ce-plan-synth-"));
  try {
    const app = buildApp(parseEnvironments(sources), { outdir });
    app.synth();
    const names = stacksToPlan(app.node.children.map((c) => c.node.id).sort());
    const plans = await inParallel(names, 2, (name) => planStack(join(outdir, "stacks", name), name));
    return new Map(
      names.map((name, i) => [name, { plan: plans[i], stack: JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as StackJson }]),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
