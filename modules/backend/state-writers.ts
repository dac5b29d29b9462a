/**
 * Who may write which state object of the state bucket: an environment's
 * deploy roles (`state.writers`) its own state, and each Defender member
 * account's deploy roles (`defender.memberStateWriters`) the state of that
 * account's member-role stack only.
 */
import type { Environment } from "../config/schema";
import { memberStateKeyOf, stateKeyOf } from "./remote-state";

/** The roles that deploy one stack, and the state object they may use. */
export interface StateWriters {
  /** Who they are, in words and for statement IDs: `prod`, `prod-defender-member-111111111111`. */
  readonly label: string;
  /** Object key of the stack's state (`cloud-exchange/<env>/terraform.tfstate`, or a member stack's). */
  readonly stateKey: string;
  /** Role ARNs. */
  readonly roleArns: readonly string[];
}

/**
 * The writer groups of an environment: its deploy roles on its state, and
 * each Defender member account's deploy roles on that account's member-stack
 * state (never the environment's, which holds its secrets).
 */
export function stateWritersOf(env: Pick<Environment, "name" | "state" | "defender">): StateWriters[] {
  const groups: StateWriters[] = [];
  if (env.state.writers.length > 0) groups.push({ label: env.name, stateKey: stateKeyOf(env.name), roleArns: env.state.writers });
  const defender = env.defender;
  if (defender.enabled && defender.deploymentMode === "organization") {
    for (const accountId of defender.accounts) {
      const roleArns = defender.memberStateWriters.filter((arn) => arn.split(":")[4] === accountId);
      if (roleArns.length > 0) groups.push({ label: `${env.name}-defender-member-${accountId}`, stateKey: memberStateKeyOf(env.name, accountId), roleArns });
    }
  }
  return groups;
}
