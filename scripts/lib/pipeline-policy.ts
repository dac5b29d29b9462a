/**
 * The pipeline roles of every stack the shipped environments synthesize,
 * written to examples/pipeline/<stack>.json by `npm run docs`: each stack's
 * read-only plan role, its deploy role and the permissions boundary of the
 * roles the deploy role creates (modules/pipeline/pipeline-policies.ts), and
 * the resource types every stack uses (a test fails when a stack uses a type
 * the actions table lacks).
 */
import { environmentSources } from "../../environments";
import { memberStateKeyOf, stateKeyOf } from "../../modules/backend/remote-state";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { defenderMemberStackName } from "../../modules/defender/defender-member-stack";
import { PipelineRoles, pipelineRoles } from "../../modules/pipeline/pipeline-policies";
import { baseEnvironment, haEnvironment, variations } from "../../__tests__/support/fixtures";
import { StackJson, synthApp } from "../../__tests__/support/synth";

export { ACTIONS_BY_TYPE } from "../../modules/pipeline/actions-by-type";

/** Resource types used by every stack the project can synthesize (shipped environments and fixtures). */
export function usedResourceTypes(): string[] {
  const shipped = environmentSources().map((s) => s.input as EnvironmentInput);
  const fixtures = [...Object.values(variations()), haEnvironment({ name: "hagen" }), baseEnvironment({ name: "plain" })];
  const types = new Set<string>();
  for (const inputs of [shipped, fixtures]) {
    for (const stack of Object.values(synthApp(inputs))) {
      for (const type of Object.keys(stack.resource ?? {})) types.add(type);
    }
  }
  return [...types].sort();
}

/** The pipeline roles of every stack of some environments (all but the bootstrap stack), by stack name; `stacks` when already synthesized. */
export function pipelineRolesOf(inputs: readonly EnvironmentInput[], stacks: Record<string, StackJson> = synthApp(inputs)): Map<string, PipelineRoles> {
  const environments = parseEnvironments(inputs.map((input, i) => ({ source: `environment ${i}`, input })));
  const roles = new Map<string, PipelineRoles>();
  for (const env of environments) {
    const stackName = `ce-${env.name}`;
    roles.set(stackName, pipelineRoles({ env, stackName, stack: stacks[stackName], accountId: env.accountId, stateKey: stateKeyOf(env.name) }));
    if (env.defender.enabled && env.defender.deploymentMode === "organization") {
      for (const accountId of env.defender.accounts) {
        const member = defenderMemberStackName(env.name, accountId);
        roles.set(member, pipelineRoles({ env, stackName: member, stack: stacks[member], accountId, stateKey: memberStateKeyOf(env.name, accountId) }));
      }
    }
  }
  return roles;
}

/**
 * The example files of the shipped environments that have a pipeline (they
 * name a permissions boundary): `examples/pipeline/<stack>.json` → content.
 */
export function renderPipelineExamples(): Record<string, string> {
  const files: Record<string, string> = {};
  const inputs = environmentSources().map((s) => s.input as EnvironmentInput);
  const withPipeline = parseEnvironments(inputs.map((input, i) => ({ source: `environment ${i}`, input })))
    .map((env, i) => (env.iam.permissionsBoundaryName ? inputs[i] : undefined))
    .filter((input): input is EnvironmentInput => input !== undefined);
  for (const [stack, roles] of pipelineRolesOf(withPipeline)) {
    files[`examples/pipeline/${stack}.json`] = `${JSON.stringify(roles, null, 2)}\n`;
  }
  return files;
}
