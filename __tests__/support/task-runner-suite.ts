/**
 * What the task-runner suites share: whether the runner can run here (root,
 * runc, iproute2, tini; else the suite says so in one line and skips), the
 * synthesized stacks of every environment file and of the CE 5.0 fixture,
 * and a small task model for the runner's own tests.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { buildApp } from "../../main";
import { Environment, parseEnvironments } from "../../modules/config";
import type { ContainerDefinition } from "../../modules/workload/container-definitions";
import { AccessPointModel, TaskModel, tasksOf, VolumeModel } from "../../scripts/task-runner/task-model";
import { runnerUnavailable } from "../../scripts/task-runner/task-runner";
import { baseEnvironment } from "./fixtures";

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

/** How the load balancer checks the UI: the stack's target group health check on port 3000. */
export interface UiHealthCheck {
  readonly protocol: "http" | "https";
  readonly path: string;
  /** The HTTP codes it accepts (`200`, `200-299`, `200,302`). */
  readonly matcher: string;
}

/** An environment and the task definitions of its stacks. */
export interface EnvironmentTasks {
  readonly environment: Environment;
  readonly source: string;
  readonly tasks: readonly TaskModel[];
  /** The target group's health check, when the environment has a load balancer. */
  readonly uiHealthCheck?: UiHealthCheck;
}

/** Whether an HTTP status is one a target group's matcher accepts. */
export function matcherAccepts(matcher: string, status: number | undefined): boolean {
  if (status === undefined) return false;
  return matcher.split(",").some((part) => {
    const [low, high = low] = part.trim().split("-").map(Number);
    return status >= low && status <= high;
  });
}

function uiHealthCheckOf(json: { resource?: Record<string, Record<string, any>> }): UiHealthCheck | undefined {
  const group = Object.values(json.resource?.aws_lb_target_group ?? {}).find((g) => g.port === 3000);
  const check = group?.health_check;
  return check ? { protocol: String(check.protocol).toLowerCase() === "https" ? "https" : "http", path: check.path, matcher: check.matcher } : undefined;
}

/** Every environment file's tasks, and the CE 5.0 fixture's, synthesized as `cdktf synth` does. */
export function environmentTasks(): EnvironmentTasks[] {
  const sources = [...environmentSources(), { source: "fixture legacy (CE 5.0)", input: baseEnvironment({ name: "legacy", release: "5.0", size: { preset: "medium" } }) }];
  const environments = parseEnvironments(sources);
  const outdir = mkdtempSync(join(tmpdir(), "ce-runner-synth-"));
  try {
    buildApp(environments, { outdir }).synth();
    return environments.map((environment, i) => {
      const stack = `ce-${environment.name}`;
      const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
      const uiHealthCheck = uiHealthCheckOf(json);
      return { environment, source: sources[i].source, tasks: tasksOf(stack, json).sort((a, b) => a.family.localeCompare(b.family)), ...(uiHealthCheck ? { uiHealthCheck } : {}) };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The Cloud Exchange tasks of an environment (its own, not e.g. the Defender updater's). */
export function cloudExchangeTasks(tasks: readonly TaskModel[]): TaskModel[] {
  return tasks.filter((t) => t.containers.some((c) => c.name === "core"));
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
