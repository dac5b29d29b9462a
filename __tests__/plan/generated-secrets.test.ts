/**
 * No generated secret in a saved plan, as the real terraform and AWS
 * provider plan every stack with generated secrets (the shipped environments
 * as written: standalone, HA, with the Defender updater; and any other a
 * user adds) against a loopback Secrets Manager stand-in that hands out the
 * passwords: none of the values the stand-in generated during that plan is
 * in the saved plan file (every entry of the archive: plan, prior state,
 * configuration) or in its JSON. The state of an applied stack is
 * generated-secrets-apply.test.ts's.
 */
import { derive, parseEnvironments } from "../../modules/config";
import { zipEntries } from "../support/zip-entries";
import { describePlans, planAll, shippedEnvironments } from "./planned-stacks";

/** Every value in `values` that occurs in `text`. */
const found = (values: readonly string[], text: string) => values.filter((v) => text.includes(v));

describePlans("generated secrets are never stored by Terraform", () => {
  it("keeps every value the plans generated out of every saved plan and its JSON", async () => {
    const planned = await planAll();
    const generatingStacks = [...planned].filter(([, { stack }]) => (stack as Record<string, unknown>).ephemeral !== undefined);
    // Every environment file that generates its secrets (whatever the environment files are).
    const generating = parseEnvironments(shippedEnvironments()).filter((e) => e.secrets.mode === "generate").map((e) => derive(e).stackName);
    expect(generatingStacks.map(([name]) => name)).toEqual(expect.arrayContaining(generating));
    for (const [name, { plan }] of generatingStacks) {
      // Four passwords per stack (JWT, maintenance, cookie, keyfile), opened by this plan.
      expect(plan.generatedSecrets.length).toBeGreaterThanOrEqual(4);
      const entries = zipEntries(Buffer.from(plan.savedPlan, "base64"));
      expect([...entries.keys()]).toEqual(expect.arrayContaining(["tfplan", "tfstate"]));
      const archive = [...entries.values()].map((b) => b.toString("latin1")).join("\n");
      expect({ name, inSavedPlan: found(plan.generatedSecrets, archive), inPlanJson: found(plan.generatedSecrets, JSON.stringify(plan.plan)) }).toEqual({
        name,
        inSavedPlan: [],
        inPlanJson: [],
      });
    }
  }, 900_000);
});
