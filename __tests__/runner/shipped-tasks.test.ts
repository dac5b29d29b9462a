/**
 * Every task definition of every environment file's stack, and of the CE 5.0
 * fixture, given to the task runner (runc, Fargate's semantics):
 * - every container is created with its exact mounts and user, in the state
 *   the task is in when it would start (its one-shot containers run first);
 * - every standalone CE 6.x task runs to steady state in dependsOn order
 *   (init, then mongod and RabbitMQ healthy, then core connected, then the
 *   UI healthy) with a maintenance password full of characters that break
 *   quoting, and answers the target group's health check.
 * Real RabbitMQ; strict stand-ins for mongod, mongosh, core and the UI
 * (scripts/task-runner/stand-ins: what each checks is in its header).
 */
import { matcherAccepts, cloudExchangeTasks, describeOnRunner, environmentTasks, EnvironmentTasks } from "../support/task-runner-suite";
import { TaskRunner } from "../../scripts/task-runner/task-runner";
import { RunningTask } from "../../scripts/task-runner/running-task";
import { newTestSecretValues, testSecrets } from "../../scripts/task-runner/test-secrets";

/** A maintenance password with every character that breaks shell, JavaScript, JSON or URL quoting. */
const HOSTILE_PASSWORD = `Pa"ss\\w'rd$(x)&%41;\`1`;

const environments = environmentTasks();
const standalone6 = environments.filter((e) => e.environment.variant === "standalone" && e.environment.release.startsWith("6."));

describeOnRunner("shipped tasks on runc", () => {
  let runner: TaskRunner;
  beforeAll(() => {
    runner = new TaskRunner();
  });
  afterAll(() => runner.close(), 120_000);

  const everyTask = environments.flatMap((e) => e.tasks.map((task) => [`${e.source}: ${task.family}`, e, task] as const));

  it.each(everyTask)("creates every container of %s with its exact mounts and user", async (_name, e, task) => {
    const created = await runner.createAll(task, testSecrets(e.environment));
    expect(created.filter((c) => c.error)).toEqual([]);
    expect(created.map((c) => c.container).sort()).toEqual(task.containers.map((c) => c.name).sort());
  }, 180_000);

  it("has a standalone CE 6 environment to run (a fixture when no environment file is one)", () => {
    expect(standalone6.length).toBeGreaterThan(0);
  });

  describe("standalone CE 6 tasks, all at once", () => {
    const running = new Map<string, { task: RunningTask; environment: EnvironmentTasks }>();
    beforeAll(() => {
      for (const e of standalone6) {
        const [model] = cloudExchangeTasks(e.tasks);
        const secrets = testSecrets(e.environment, newTestSecretValues({ maintenancePassword: HOSTILE_PASSWORD }));
        running.set(e.source, { task: runner.start(model, { secrets }), environment: e });
      }
    });

    it.each(standalone6.map((e) => [e.source]))("%s reaches steady state in dependsOn order", async (source) => {
      const { task } = running.get(source)!;
      await task.until("every essential container running and healthy, core's API up and the UI reaching it", (t) => t.isSteady() && t.log("core").includes("API listening") && t.log("ui").includes("core's API answers"), 300);
      const events = task.events();
      const before = (first: string, second: string) => expect({ first, second, order: events.indexOf(first) >= 0 && events.indexOf(first) < events.indexOf(second) }).toEqual({ first, second, order: true });
      before("init exited 0", "mongodb started");
      before("init exited 0", "rabbitmq started");
      before("mongodb healthy", "core started");
      before("rabbitmq healthy", "core started");
      before("core started", "ui started");
      expect(task.log("core")).toMatch(/RabbitMQ over amqps: localhost ok/);
      expect(task.log("core")).toMatch(/root logged in on admin with the same password/);
      // RabbitMQ's own log reaches the container's output.
      expect(task.log("rabbitmq")).toMatch(/Server startup complete/);
    }, 320_000);

    it.each(standalone6.map((e) => [e.source]))("%s answers the target group's health check", async (source) => {
      const { task, environment } = running.get(source)!;
      await task.until("steady state", (t) => t.isSteady(), 300);
      const check = environment.uiHealthCheck ?? { protocol: "https" as const, path: "/", matcher: "200" };
      const status = runner.probe(task.address, 3000, check.path, check.protocol);
      expect({ status, accepted: matcherAccepts(check.matcher, status) }).toEqual({ status, accepted: true });
    }, 320_000);
  });
});
