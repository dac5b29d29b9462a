/**
 * The task definitions of environments' stacks, synthesized as `cdktf synth`
 * does (into a temporary directory), with what running them needs besides:
 * the load balancer's health check of the UI and, for HA, the nodes' names.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../modules/app";
import { derive, Environment, EnvironmentSource, parseEnvironments } from "../../modules/config";
import { haTopology } from "../../modules/ha/ha-cluster";
import { TaskModel, tasksOf } from "./task-model";

/** How the load balancer checks the UI: the stack's target group health check on port 3000. */
export interface UiHealthCheck {
  readonly protocol: "http" | "https";
  readonly path: string;
  /** The HTTP codes it accepts (`200`, `200-299`, `200,302`). */
  readonly matcher: string;
}

/** An environment and the task definitions of its stack. */
export interface EnvironmentTasks {
  readonly environment: Environment;
  /** Where the environment came from (its file, or a fixture's name). */
  readonly source: string;
  /** The stack's name (`ce-<environment>`). */
  readonly stack: string;
  /** Every task definition of the stack, by family. */
  readonly tasks: readonly TaskModel[];
  /** The target group's health check, when the environment has a load balancer. */
  readonly uiHealthCheck?: UiHealthCheck;
  /** The HA nodes' host names (Cloud Map), node 1 first; empty for a standalone environment. */
  readonly nodeHostnames: readonly string[];
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

/** The tasks of these environments' stacks, synthesized as `cdktf synth` does. */
export function environmentTasksOf(sources: readonly EnvironmentSource[]): EnvironmentTasks[] {
  const environments = parseEnvironments(sources);
  const outdir = mkdtempSync(join(tmpdir(), "ce-runner-synth-"));
  try {
    buildApp(environments, { outdir, includeBootstrap: false }).synth();
    return environments.map((environment, i) => {
      const stack = `ce-${environment.name}`;
      const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
      const uiHealthCheck = uiHealthCheckOf(json);
      return {
        environment,
        source: sources[i].source,
        stack,
        tasks: tasksOf(stack, json).sort((a, b) => a.family.localeCompare(b.family)),
        ...(uiHealthCheck ? { uiHealthCheck } : {}),
        nodeHostnames: environment.variant === "ha" ? haTopology(derive(environment).haNamespace).hostnames : [],
      };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The Cloud Exchange tasks of an environment (its own, not e.g. the Defender updater's), node 1 first. */
export function cloudExchangeTasks(tasks: readonly TaskModel[]): TaskModel[] {
  return tasks.filter((t) => t.containers.some((c) => c.name === "core"));
}
