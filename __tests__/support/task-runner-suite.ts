/**
 * What the task-runner suites share: whether the runner can run here (root,
 * runc, iproute2, tini; else the suite says so in one line and skips), the
 * synthesized stacks of every environment file and of the CE 5.0 fixture,
 * and (from runner-test-task.ts) a small task model for the runner's own tests.
 */
import { environmentSources } from "../../environments";
import { EnvironmentInput } from "../../modules/config";
import { EnvironmentTasks, environmentTasksOf } from "../../scripts/task-runner/stack-tasks";
import { runnerUnavailable } from "../../scripts/task-runner/task-runner";
import { baseEnvironment, haEnvironment } from "./fixtures";

export { cloudExchangeTasks, matcherAccepts } from "../../scripts/task-runner/stack-tasks";
export type { EnvironmentTasks } from "../../scripts/task-runner/stack-tasks";
export { container, testTask } from "./runner-test-task";

/** Why the runner cannot run here (one line), or undefined. */
export const RUNNER_SKIP = runnerUnavailable();

/** `describe`, or one skipped placeholder saying why the runner cannot run here. */
export function describeOnRunner(title: string, body: () => void): void {
  if (RUNNER_SKIP) {
    process.stderr.write(`${title}: skipped: ${RUNNER_SKIP}\n`);
    describe(title, () => it.skip(`skipped: ${RUNNER_SKIP}`, () => undefined));
    return;
  }
  describe(title, body);
}

/**
 * Every environment file's tasks, and the CE 5.0 fixture's, synthesized as
 * `cdktf synth` does; and a CE 6 HA fixture's when no environment file is a
 * CE 6 HA cluster (a fork may have none).
 */
export function environmentTasks(): EnvironmentTasks[] {
  const files = environmentSources();
  const inputs = files.map((s) => s.input as EnvironmentInput);
  const haFile = inputs.some((input) => input.variant === "ha" && !String(input.release ?? "6").startsWith("5."));
  return environmentTasksOf([
    ...files,
    { source: "fixture legacy (CE 5.0)", input: baseEnvironment({ name: "legacy", release: "5.0", size: { preset: "medium" } }) },
    ...(haFile ? [] : [{ source: "fixture ha (CE 6)", input: haEnvironment({ name: "hafixture" }) }]),
  ]);
}
