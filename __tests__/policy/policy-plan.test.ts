/**
 * Controls whose property only shows after Terraform evaluates the
 * configuration, checked on the offline plan of every plannable stack: the
 * planned values, not the synthesized expressions.
 */
import { describePlans, planAll } from "../plan/planned-stacks";
import { EXCEPTIONS, excepted } from "./exceptions";
import { StackJson } from "../support/synth";
import { Change, PLAN_CONTROLS } from "./plan-controls";

describePlans("policy on the offline plan", () => {
  let plans: [string, Change[], StackJson][] = [];
  beforeAll(async () => {
    plans = [...(await planAll())].map(([name, { plan, stack }]) => [name, (plan.plan.resource_changes ?? []) as Change[], stack]);
  }, 900_000);

  it("reads every planned stack", () => {
    expect(plans.length).toBeGreaterThanOrEqual(9);
  });

  it.each(PLAN_CONTROLS.map((c) => [`${c.id} ${c.title}`, c] as const))("%s", (_name, control) => {
    const violations = plans.flatMap(([stack, changes, json]) =>
      control
        .check(changes, json)
        .filter((f) => !EXCEPTIONS.some((e) => excepted(control.id, stack, f, e)))
        .map((f) => `${stack}: ${f.resource}: ${f.message}`),
    );
    expect(violations).toEqual([]);
    const checked = plans.reduce((n, [, changes]) => n + changes.length, 0);
    expect(checked).toBeGreaterThan(500);
  });
});
