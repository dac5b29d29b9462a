/**
 * The stacks every plan-reading suite shares: the shipped environments and
 * the fixture variations in existing-secret mode, the bootstrap and
 * member-role stacks, planned in one Terraform run (planStacks) and once per
 * test run thanks to the plan cache. Where the random provider can be
 * installed, the shipped environments are also planned as written, with
 * generated secrets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { buildApp } from "../../modules/app";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { variations, withExistingSecrets } from "../support/fixtures";
import { StackJson } from "../support/synth";
import { planStacks, PlanResult, stackFromDirectory } from "./harness";
import { ProviderCheck, providerCheckOfRun, unavailableLine } from "./terraform-cli";

/**
 * Fixture variations the shipped environments already cover in shape: dev is
 * a new VPC with a plain-HTTP ALB, staging a new VPC with HTTPS. They stay in
 * the synth-level policy corpus; planning them again would only cost time.
 */
const COVERED_BY_SHIPPED = new Set(["new-vpc-alb-http", "new-vpc-alb-https"]);

/** An environment to plan, with where it came from. */
export interface PlannedEnvironment {
  readonly source: string;
  readonly input: EnvironmentInput;
}

/** The shipped environments, as written (generated secrets). */
export function shippedEnvironments(): PlannedEnvironment[] {
  return environmentSources().map((s) => ({ source: s.source, input: s.input as EnvironmentInput }));
}

/** The environments planned: shipped ones and the other fixture variations, all with existing secrets. */
export function plannedEnvironments(): PlannedEnvironment[] {
  const shipped = shippedEnvironments().map((s) => ({ ...s, input: withExistingSecrets(s.input) }));
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
    const plans = await planStacks(stacks);
    return new Map(stacks.map((s) => [s.name, { plan: plans.get(s.name)!, stack: JSON.parse(s.content) as StackJson }]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What the plan suites can do on this machine, from the run's provider check. */
export interface PlanAvailability {
  /** The run's provider check. */
  readonly check: ProviderCheck;
  /** Why no plan can run (one line), or undefined when the AWS provider installs. */
  readonly blocked?: string;
  /** Why generated-secret plans are skipped (one line), or undefined when the random provider installs. */
  readonly generatedSecretsSkipped?: string;
}

/** Reads the provider check of this run (made once by the Jest global setup). */
export function planAvailability(): PlanAvailability {
  const check = providerCheckOfRun();
  const randomReason = check.unavailable.random;
  return {
    check,
    blocked: unavailableLine(check),
    generatedSecretsSkipped: randomReason ? `skipped: ${randomReason}` : undefined,
  };
}

/**
 * Registers a plan suite's tests only when the AWS provider can be
 * installed; otherwise one skipped placeholder (the provider suite reports
 * the one failing line).
 */
export function describePlans(title: string, body: () => void): void {
  const { blocked } = planAvailability();
  if (blocked) {
    describe(title, () => it.skip("needs the AWS provider (see __tests__/plan/providers.test.ts)", () => undefined));
    return;
  }
  describe(title, body);
}
