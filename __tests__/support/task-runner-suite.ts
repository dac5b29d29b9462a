/**
 * What the task-runner suites share: whether the runner can run here (root,
 * runc, iproute2, tini; else the suite says so in one line and skips), the
 * synthesized stacks of every environment file and of the CE 5.0 fixture,
 * and a small task model for the runner's own tests.
 */
import { environmentSources } from "../../environments";
import { EnvironmentInput } from "../../modules/config";
import type { ContainerDefinition } from "../../modules/workload/container-definitions";
import { EnvironmentTasks, environmentTasksOf } from "../../scripts/task-runner/stack-tasks";
import { AccessPointModel, TaskModel, VolumeModel } from "../../scripts/task-runner/task-model";
import { runnerUnavailable } from "../../scripts/task-runner/task-runner";
import { baseEnvironment, haEnvironment } from "./fixtures";

export { cloudExchangeTasks, matcherAccepts } from "../../scripts/task-runner/stack-tasks";
export type { EnvironmentTasks } from "../../scripts/task-runner/stack-tasks";

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

/** A container for the runner's own tests, on the plain userland image. */
export function container(name: string, script: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return {
    name,
    image: "runner-test/plain:1",
    essential: true,
    cpu: 0,
    memoryReservation: 16,
    entryPoint: ["/bin/sh", "-c"],
    command: [script],
    portMappings: [],
    environment: [],
    secrets: [],
    mountPoints: [],
    logConfiguration: { logDriver: "awslogs", options: {} },
    readonlyRootFilesystem: false,
    linuxParameters: { initProcessEnabled: true },
    ...extra,
  };
}

/** A task of such containers, with task-local volumes `shared` (and any EFS ones given). */
export function testTask(containers: readonly ContainerDefinition[], efs: Record<string, AccessPointModel> = {}): TaskModel {
  const volumes = new Map<string, VolumeModel>();
  for (const c of containers) {
    for (const m of c.mountPoints) {
      volumes.set(m.sourceVolume, efs[m.sourceVolume] ? { name: m.sourceVolume, kind: "efs", accessPoint: efs[m.sourceVolume] } : { name: m.sourceVolume, kind: "task-local" });
    }
  }
  return { stack: "runner-test", resource: "task", family: "runner-test", containers, volumes };
}
