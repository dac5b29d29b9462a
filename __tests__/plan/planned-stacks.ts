/**
 * The stacks every plan-reading suite shares: the environment files as
 * written (generated secrets), the planned fixtures in existing-secret mode,
 * the bootstrap and member-role stacks, planned in one Terraform run. Plans
 * are kept by stack content (plan-results.ts): a stack planned once in a
 * test run is not planned again, whichever suite or batch asks for it.
 *
 * The environment files are whatever exists (yours, in a fork); fixed
 * expectations are only ever about the fixtures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { buildApp } from "../../modules/app";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { haExecEnvironment, variations, withExistingSecrets } from "../support/fixtures";
import { StackJson } from "../support/synth";
import { PlanResult, stackFromDirectory } from "./harness";
import { planStacksByContent } from "./plan-results";

/**
 * The fixture variation not planned: the plain-HTTP twin of
 * new-vpc-alb-https, which differs only in its listeners. It stays in the
 * synth-level policy corpus.
 */
const NOT_PLANNED = new Set(["new-vpc-alb-http"]);


/** An environment to plan, with where it came from. */
export interface PlannedEnvironment {
  readonly source: string;
  readonly input: EnvironmentInput;
}

/** The shipped environments, as written (generated secrets). */
export function shippedEnvironments(): PlannedEnvironment[] {
  return environmentSources().map((s) => ({ source: s.source, input: s.input as EnvironmentInput }));
}

/** The fixtures planned: the variations (but {@link NOT_PLANNED}) and a CE 6.1 HA cluster with ECS Exec on. */
export function plannedFixtures(): PlannedEnvironment[] {
  return [
    ...Object.entries(variations())
      .filter(([name]) => !NOT_PLANNED.has(name))
      .map(([name, input]) => ({ source: `fixture ${name}`, input })),
    { source: "fixture ha-exec", input: haExecEnvironment() },
  ];
}

/** The environments planned: the environment files as written, and the planned fixtures with existing secrets. */
export function plannedEnvironments(): PlannedEnvironment[] {
  return [...shippedEnvironments(), ...plannedFixtures().map((s) => ({ ...s, input: withExistingSecrets(s.input) }))];
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

/** A planned stack and its synthesized JSON. */
export interface PlannedStack {
  readonly plan: PlanResult;
  readonly stack: StackJson;
}

/** Synthesizes and plans every stack the plan suites read; results by stack name. */
export function planAll(): Promise<Map<string, PlannedStack>> {
  return synthesizeAndPlan(plannedEnvironments());
}

/**
 * Synthesizes the app of these environments into a temporary directory and
 * plans its stacks ({@link stacksToPlan}) in one Terraform run; results by
 * stack name, in name order.
 */
export async function synthesizeAndPlan(sources: readonly PlannedEnvironment[]): Promise<Map<string, PlannedStack>> {
  const outdir = mkdtempSync(join(tmpdir(), "ce-plan-synth-"));
  try {
    const app = buildApp(parseEnvironments(sources), { outdir });
    app.synth();
    const stacks = stacksToPlan(app.node.children.map((c) => c.node.id).sort()).map((name) => stackFromDirectory(join(outdir, "stacks", name), name));
    const plans = await planStacksByContent(stacks);
    return new Map(stacks.map((s) => [s.name, { plan: plans.get(s.name)!, stack: JSON.parse(s.content) as StackJson }]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The plan suites' availability, kept in plan-availability.ts (which loads no environment file). */
export { describePlans, planAvailability } from "./plan-availability";
export type { PlanAvailability } from "./plan-availability";

/** Plans kept by stack content, in plan-results.ts (which loads no environment file). */
export { planStacksByContent, SHARED_PLAN_RESULTS_VARIABLE } from "./plan-results";
