/**
 * The task runner itself: that it runs a task with ECS's semantics on runc,
 * checked on small tasks of plain containers (the userland image): dependsOn
 * conditions, essential containers, health checks, the stop sequence, mounts
 * parents first with read-only mounts remounted at once, EFS access points
 * with their owner and POSIX user, the user, variables and secrets.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { TaskRunner } from "../../scripts/task-runner/task-runner";
import { container, describeOnRunner, testTask } from "../support/task-runner-suite";

const secrets = (values: Record<string, string>) => (valueFrom: string) => values[valueFrom];

describeOnRunner("task runner", () => {
  let runner: TaskRunner;
  beforeAll(() => {
    runner = new TaskRunner();
  });
  afterAll(() => runner.close(), 60_000);

  const stamp = (name: string) => `echo ${name} >> /shared/order`;

  it("starts each container once its dependsOn conditions hold: START, COMPLETE, SUCCESS, HEALTHY", async () => {
    const shared = { sourceVolume: "shared", containerPath: "/shared", readOnly: false };
    const task = runner.start(
      testTask([
        container("setup", `${stamp("setup")}; sleep 0.5; echo done > /shared/setup.done`, { essential: false, mountPoints: [shared] }),
        container("fails", "exit 3", { essential: false }),
        container("after-success", `${stamp("after-success")}; test -e /shared/setup.done && echo saw-setup; sleep 300`, { mountPoints: [shared], dependsOn: [{ containerName: "setup", condition: "SUCCESS" }] }),
        container("after-complete", `${stamp("after-complete")}; sleep 300`, { mountPoints: [shared], dependsOn: [{ containerName: "fails", condition: "COMPLETE" }] }),
        container("server", `sleep 1; touch /tmp/ready; ${stamp("server")}; sleep 300`, {
          mountPoints: [shared],
          healthCheck: { command: ["CMD-SHELL", "test -e /tmp/ready"], interval: 1, timeout: 2, retries: 3, startPeriod: 5 },
        }),
        container("after-healthy", `${stamp("after-healthy")}; sleep 300`, { mountPoints: [shared], dependsOn: [{ containerName: "server", condition: "HEALTHY" }] }),
        container("after-start", `sleep 300`, { dependsOn: [{ containerName: "after-success", condition: "START" }] }),
        container("never", "sleep 300", { essential: false, dependsOn: [{ containerName: "fails", condition: "SUCCESS" }] }),
      ]),
      { secrets: secrets({}) },
    );
    await task.until("the task to be steady", (t) => t.isSteady() && t.status("after-healthy").state === "RUNNING", 60);
    expect(task.statuses().map((s) => [s.name, s.state, s.exitCode ?? null])).toEqual([
      ["setup", "STOPPED", 0],
      ["fails", "STOPPED", 3],
      ["after-success", "RUNNING", null],
      ["after-complete", "RUNNING", null],
      ["server", "RUNNING", null],
      ["after-healthy", "RUNNING", null],
      ["after-start", "RUNNING", null],
      ["never", "NEVER_STARTED", null],
    ]);
    expect(task.status("never").reason).toBe("dependency fails cannot reach SUCCESS");
    expect(task.log("after-success")).toContain("saw-setup");
    expect(task.status("server").health).toBe("HEALTHY");
    await task.stop();
  }, 120_000);

  it("stops the task when an essential container exits: SIGTERM to the others, SIGKILL after their stop timeout", async () => {
    const task = runner.start(
      testTask([
        container("worker", "sleep 1; exit 4"),
        // With an init process (tini), SIGTERM reaches the shell, which traps it.
        container("polite", "trap 'echo got-sigterm; exit 0' TERM; while :; do sleep 0.1; done"),
        // Without one, the shell is PID 1 and the kernel drops SIGTERM: only SIGKILL ends it.
        container("stubborn", "sleep 300", { linuxParameters: { initProcessEnabled: false }, stopTimeout: 2 }),
      ]),
      { secrets: secrets({}) },
    );
    await task.until("the task to stop", (t) => t.statuses().every((s) => s.state === "STOPPED"), 60).catch(() => undefined);
    await task.stop();
    expect(task.stoppedReason).toBe("essential container worker exited (4)");
    expect(task.status("polite")).toMatchObject({ state: "STOPPED", exitCode: 0 });
    expect(task.log("polite")).toContain("got-sigterm");
    expect(task.status("stubborn")).toMatchObject({ state: "STOPPED", exitCode: 137, reason: "did not stop within 2 s of SIGTERM; killed" });
  }, 120_000);

  it("marks a container unhealthy after its retries past the start period, and stops the task", async () => {
    const task = runner.start(
      testTask([container("sick", "sleep 300", { healthCheck: { command: ["CMD-SHELL", "exit 1"], interval: 1, timeout: 1, retries: 2, startPeriod: 1 } })]),
      { secrets: secrets({}) },
    );
    await task.until("the container to be unhealthy", (t) => t.status("sick").health === "UNHEALTHY", 30).catch(() => undefined);
    await task.stop();
    expect(task.status("sick").health).toBe("UNHEALTHY");
    expect(task.stoppedReason).toBe("essential container sick is unhealthy");
  }, 60_000);

  it("mounts parents first and remounts read-only mounts at once, so a mount point inside one must already exist", async () => {
    const nested = [
      { sourceVolume: "parent", containerPath: "/opt/parent", readOnly: true },
      { sourceVolume: "child", containerPath: "/opt/parent/child", readOnly: true },
    ];
    // The shape of the CE 6.1 fault: nothing makes the mount point, the runtime cannot.
    const broken = await runner.createAll(testTask([container("reader", "true", { mountPoints: nested })]), secrets({}));
    expect(broken).toEqual([{ container: "reader", user: "0:0", error: expect.stringMatching(/mkdir .*\/opt\/parent\/child: read-only file system/) }]);
    // A container that runs first and makes it in the shared task-local volume fixes it.
    const fixed = await runner.createAll(
      testTask([
        container("maker", "mkdir -p /parent/child", { essential: false, mountPoints: [{ sourceVolume: "parent", containerPath: "/parent", readOnly: false }] }),
        container("reader", "true", { mountPoints: nested, dependsOn: [{ containerName: "maker", condition: "SUCCESS" }] }),
      ]),
      secrets({}),
    );
    expect(fixed).toEqual([{ container: "maker", user: "ran" }, { container: "reader", user: "0:0" }]);
  }, 120_000);

  it("serves an EFS access point as EFS does: its directory made with the creation owner and mode, every request as its POSIX user", async () => {
    const accessPoint = { address: "aws_efs_access_point.test", fileSystem: "fs", rootPath: "/data/app", creation: { uid: 1001, gid: 1001, permissions: 0o750 }, posixUser: { uid: 1001, gid: 1001 } };
    const mount = { sourceVolume: "app", containerPath: "/app", readOnly: false };
    const task = runner.start(
      testTask(
        [
          container("as-root", "echo from-root > /app/root.txt && chmod 600 /app/root.txt && ls -ln /app", { essential: false, user: "0", mountPoints: [mount] }),
          container("as-1001", "cat /app/root.txt && id -u", { essential: false, user: "1001:1001", mountPoints: [mount], dependsOn: [{ containerName: "as-root", condition: "SUCCESS" }] }),
          container("as-2000", "cat /app/root.txt; touch /app/x.txt", { essential: false, user: "2000:2000", mountPoints: [mount], dependsOn: [{ containerName: "as-1001", condition: "COMPLETE" }] }),
        ],
        { app: accessPoint },
      ),
      { secrets: secrets({}) },
    );
    await task.until("the containers to end", (t) => t.statuses().every((s) => s.state === "STOPPED"), 60);
    // Root writes as the access point's user (1001); 1001 and 2000 both read a 0600 file of 1001.
    expect(task.statuses().map((s) => [s.name, s.exitCode])).toEqual([["as-root", 0], ["as-1001", 0], ["as-2000", 0]]);
    expect(task.log("as-1001")).toBe("from-root\n1001\n");
    expect(task.log("as-2000")).toBe("from-root\n");
    const dir = join(runner.directory, "efs", "fs-1", "data", "app");
    expect(statSync(dir)).toMatchObject({ uid: 1001, gid: 1001 });
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    for (const file of ["root.txt", "x.txt"]) expect(statSync(join(dir, file))).toMatchObject({ uid: 1001, gid: 1001 });
  }, 120_000);

  it("gives a container its user, working directory, variables and secrets, and a read-only root file system when asked", async () => {
    const task = runner.start(
      testTask([
        container("env", 'id -u; id -g; pwd; echo "$PLAIN $SECRET"; touch /etc/x 2>/dev/null && echo writable || echo read-only', {
          essential: false,
          user: "1001:1001",
          environment: [{ name: "PLAIN", value: "plain-value" }],
          secrets: [{ name: "SECRET", valueFrom: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-AbCdEf:KEY::" }],
          readonlyRootFilesystem: true,
          workingDirectory: "/tmp",
        } as never),
      ]),
      { secrets: secrets({ "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-AbCdEf:KEY::": "secret-value" }) },
    );
    await task.until("the container to end", (t) => t.status("env").state === "STOPPED", 30);
    expect(task.log("env")).toBe("1001\n1001\n/tmp\nplain-value secret-value\nread-only\n");
    expect(() => runner.start(testTask([container("needs", "true", { secrets: [{ name: "S", valueFrom: "arn:missing" }] })]), { secrets: secrets({}) })).toThrow(
      "ResourceInitializationError: unable to retrieve secret arn:missing for needs.S (not in the runner's secret store)",
    );
  }, 60_000);
});
