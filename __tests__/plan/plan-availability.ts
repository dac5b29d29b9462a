/**
 * What the plan suites can do on this machine, read from the provider check
 * the Jest global setup made once per run. Kept apart from the planned
 * stacks (planned-stacks.ts) so a suite that plans only its own stacks does
 * not load the environment files.
 */
import { ProviderCheck, providerCheckOfRun, unavailableLine } from "./terraform-cli";

/** What the plan suites can do on this machine, from the run's provider check. */
export interface PlanAvailability {
  /** The run's provider check. */
  readonly check: ProviderCheck;
  /** Why no plan can run (one line), or undefined when the AWS provider installs. */
  readonly blocked?: string;
}

/** Reads the provider check of this run (made once by the Jest global setup). */
export function planAvailability(): PlanAvailability {
  const check = providerCheckOfRun();
  return { check, blocked: unavailableLine(check) };
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
