/**
 * `npm run task -- ce-<name> [task family] [--create-only] [--keep]`: runs a
 * synthesized task definition of an environment's stack on this machine the
 * way Fargate runs it (scripts/task-runner; docs/task-runner.md), with test
 * values for its secrets. Without a family: the stack's Cloud Exchange tasks
 * (all three nodes of an HA stack, each in its own namespace).
 *
 * --create-only  create every container with its exact mounts and user (the
 *                one-shot containers run), start nothing else
 * --keep         keep the tasks running once steady, until Ctrl-C
 *
 * Prints each task's timeline and the load balancer's health check of the
 * UI; exits 0 when every task reached steady state (or every container was
 * created), 1 when not, 2 on bad arguments or when the runner cannot run here.
 * Reads CE_ENV_FILE as `cdktf synth` does.
 */
import { sourcesFromProcess } from "../main";
import { ConfigError } from "../modules/config";
import { placeNodes } from "./task-runner/node-placement";
import { RunningTask } from "./task-runner/running-task";
import { cloudExchangeTasks, environmentTasksOf, EnvironmentTasks, matcherAccepts } from "./task-runner/stack-tasks";
import { TaskModel } from "./task-runner/task-model";
import { runnerUnavailable, TaskRunner } from "./task-runner/task-runner";
import { testSecrets } from "./task-runner/test-secrets";

const STEADY_SECONDS = 600;

class UsageError extends Error {}

interface Arguments {
  readonly stack: string;
  readonly family?: string;
  readonly createOnly: boolean;
  readonly keep: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const flags = argv.filter((a) => a.startsWith("--"));
  const unknown = flags.filter((f) => f !== "--create-only" && f !== "--keep");
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}; allowed: --create-only, --keep`);
  const [stack, family, ...rest] = argv.filter((a) => !a.startsWith("--"));
  if (!stack || rest.length > 0) throw new UsageError("usage: npm run task -- ce-<name> [task family] [--create-only] [--keep]");
  return { stack, family, createOnly: flags.includes("--create-only"), keep: flags.includes("--keep") };
}

function chosenTasks(environment: EnvironmentTasks, family?: string): TaskModel[] {
  if (!family) return cloudExchangeTasks(environment.tasks);
  const task = environment.tasks.find((t) => t.family === family);
  if (!task) throw new UsageError(`${environment.stack} has no task family ${family}; it has: ${environment.tasks.map((t) => t.family).join(", ")}`);
  return [task];
}

async function createOnly(runner: TaskRunner, environment: EnvironmentTasks, tasks: readonly TaskModel[]): Promise<boolean> {
  let ok = true;
  for (const task of tasks) {
    for (const c of await runner.createAll(task, testSecrets(environment.environment))) {
      process.stdout.write(`${task.family} ${c.container}: ${c.error ? `FAILED: ${c.error}` : c.user === "ran" ? "ran to success" : `created as ${c.user}`}\n`);
      ok &&= !c.error;
    }
  }
  return ok;
}

async function runToSteady(runner: TaskRunner, environment: EnvironmentTasks, tasks: readonly TaskModel[]): Promise<RunningTask[]> {
  const secrets = testSecrets(environment.environment);
  const nodes = tasks.length > 1 && environment.nodeHostnames.length === tasks.length ? placeNodes(runner, environment.nodeHostnames) : undefined;
  const running = tasks.map((task, i) => runner.start(task, { secrets, ...(nodes ? nodes(i) : {}) }));
  const results = await Promise.allSettled(running.map((t) => t.until("steady state", (x) => x.isSteady(), STEADY_SECONDS)));
  for (const [i, task] of running.entries()) {
    process.stdout.write(`${task.name} (${task.address})\n${task.timeline().map((line) => `  ${line}`).join("\n")}\n`);
    const result = results[i];
    if (result.status === "rejected") process.stdout.write(`${String(result.reason instanceof Error ? result.reason.message : result.reason)}\n`);
    const check = environment.uiHealthCheck;
    if (result.status === "fulfilled" && check) {
      const status = runner.probe(task.address, 3000, check.path, check.protocol);
      process.stdout.write(`  target group health check ${check.protocol.toUpperCase()} ${check.path}: ${status ?? "no answer"} (${matcherAccepts(check.matcher, status) ? "healthy" : `not in ${check.matcher}`})\n`);
    }
  }
  if (results.some((r) => r.status === "rejected")) throw new Error("not every task reached steady state");
  return running;
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  const environments = environmentTasksOf(sourcesFromProcess().sources);
  const environment = environments.find((e) => e.stack === args.stack);
  if (!environment) throw new UsageError(`no environment has the stack ${args.stack}; the stacks with tasks: ${environments.map((e) => e.stack).join(", ")}`);
  const tasks = chosenTasks(environment, args.family);
  const unavailable = runnerUnavailable();
  if (unavailable) throw new UsageError(`the task runner cannot run here: ${unavailable}`);
  const runner = new TaskRunner();
  const closeOnSignal = () => void runner.close().then(() => process.exit(130));
  process.once("SIGINT", closeOnSignal);
  process.once("SIGTERM", closeOnSignal);
  try {
    if (args.createOnly) return (await createOnly(runner, environment, tasks)) ? 0 : 1;
    await runToSteady(runner, environment, tasks);
    if (args.keep) {
      process.stdout.write(`steady; keeping the tasks running until Ctrl-C (files under ${runner.directory})\n`);
      await new Promise(() => undefined);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await runner.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
  },
);
