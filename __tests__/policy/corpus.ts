/**
 * Every stack the policy suite judges: the shipped environments as they are
 * (generated secrets), every fixture variation (new/existing VPC, ALB on/off,
 * certificate on/off, existing target group, the defender in organization
 * mode) and an HA fixture, with the bootstrap and member-role stacks.
 */
import { environmentSources } from "../../environments";
import { EnvironmentInput } from "../../modules/config";
import { adoptedEnvironment, haEnvironment, variations } from "../support/fixtures";
import { StackJson, synthApp } from "../support/synth";

let cached: Record<string, StackJson> | undefined;

/** The synthesized stacks by name (built once per test file). */
export function policyCorpus(): Record<string, StackJson> {
  if (!cached) {
    const shipped = environmentSources().map((s) => s.input as EnvironmentInput);
    cached = synthApp([...shipped, ...Object.values(variations()), haEnvironment({ name: "hagen" }), adoptedEnvironment("5.0"), adoptedEnvironment("6.1")]);
  }
  return cached;
}
