/**
 * The scenario examples (examples/<scenario>/environment.ts), planned
 * offline together in one Terraform run: each validates and plans creating
 * only. (What each synthesizes is __tests__/docs/scenario-examples.test.ts.)
 */
import { derive, parseEnvironment } from "../../modules/config";
import { planScenarioExamples, scenarioExamples } from "../support/scenario-examples";
import { PlanResult } from "./harness";
import { describePlans } from "./plan-availability";

describePlans("scenario examples, planned offline in one Terraform run", () => {
  const examples = scenarioExamples();
  let plans: Map<string, PlanResult>;
  beforeAll(async () => {
    plans = await planScenarioExamples();
  }, 600_000);

  it("validates and plans every example, creating only", () => {
    expect([...plans.keys()].sort()).toEqual(examples.map((e) => derive(parseEnvironment(e.input)).stackName).sort());
    for (const [name, result] of plans) {
      expect({ name, ...result.validation }).toMatchObject({ name, valid: true, error_count: 0 });
      expect({ name, actions: [...new Set((result.plan.resource_changes ?? []).flatMap((c) => c.change.actions))] }).toEqual({ name, actions: ["create"] });
      expect({ name, batch: result.batch }).toEqual({ name, batch: plans.size });
    }
  });
});
