/**
 * One ECS task on the task runner, with the ECS container agent's
 * semantics:
 * - a container starts once every `dependsOn` condition holds: START (the
 *   dependency has started), COMPLETE (it has exited), SUCCESS (it exited
 *   0), HEALTHY (its health check passed); a condition that can no longer
 *   hold leaves it unstarted, and stops the task if it is essential;
 * - an essential container that exits stops the task;
 * - `healthCheck` runs its command inside the container every `interval`
 *   (first after one interval), each within `timeout`; a pass makes it
 *   HEALTHY, `retries` failures in a row after `startPeriod` make it
 *   UNHEALTHY (an essential container UNHEALTHY stops the task, as the
 *   service would replace it);
 * - stopping sends SIGTERM to each running container, dependents before
 *   what they depend on, and SIGKILL after its `stopTimeout` (default 30 s).
 * Health-check timings can be scaled (`timeScale`) to keep tests short; the
 * semantics stay. A check's timeout is also lengthened by the host's load
 * (host-load.ts): Fargate reserves CPU for each task, this machine shares its
 * cores between every task it runs. Every wait a caller makes is bounded.
 */
import { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { ContainerDefinition } from "../../modules/workload/container-definitions";
import { hostLoadAllowance } from "./host-load";
import { execInContainer, removeContainer, runContainer, signalContainer, ContainerLaunch } from "./oci-runtime";

/** Where a container is in its life. */
export type ContainerState = "PENDING" | "RUNNING" | "STOPPED" | "NEVER_STARTED";
/** A container's health, for those with a health check. */
export type Health = "UNKNOWN" | "HEALTHY" | "UNHEALTHY";

/** A container's status, as `describe-tasks` reports it. */
export interface ContainerStatus {
  readonly name: string;
  readonly essential: boolean;
  readonly state: ContainerState;
  readonly health?: Health;
  readonly exitCode?: number;
  /** Why it stopped or never started. */
  readonly reason?: string;
}

/** A container of the task, with how to launch it. */
export interface TaskContainer {
  readonly definition: ContainerDefinition;
  readonly launch: ContainerLaunch;
  readonly logFile: string;
}

interface Tracked {
  readonly container: TaskContainer;
  state: ContainerState;
  health: Health;
  exitCode?: number;
  reason?: string;
  process?: ChildProcess;
  startedAt?: number;
  exited?: Promise<void>;
  failures: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settled within `ms` (the timer does not outlive it, so nothing keeps the process waiting). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A task started on the runner. */
export class RunningTask {
  private readonly tracked = new Map<string, Tracked>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly history: { readonly at: number; readonly event: string }[] = [];
  private readonly createdAt = Date.now();
  private stopping?: Promise<void>;
  /** Why the task stopped, once it did. */
  stoppedReason?: string;

  constructor(
    /** The task's name, for messages. */
    readonly name: string,
    /** The task's IPv4 address in the runner's subnet. */
    readonly address: string,
    containers: readonly TaskContainer[],
    private readonly timeScale: number,
  ) {
    for (const container of containers) {
      this.tracked.set(container.definition.name, { container, state: "PENDING", health: "UNKNOWN", failures: 0 });
    }
    this.timers.push(setInterval(() => this.schedule(), 100));
    this.schedule();
  }

  /** Every container's status. */
  statuses(): ContainerStatus[] {
    return [...this.tracked.values()].map((t) => this.statusOf(t));
  }

  /** One container's status. */
  status(name: string): ContainerStatus {
    const t = this.tracked.get(name);
    if (!t) throw new Error(`task ${this.name} has no container ${name}`);
    return this.statusOf(t);
  }

  private statusOf(t: Tracked): ContainerStatus {
    const d = t.container.definition;
    return { name: d.name, essential: d.essential, state: t.state, ...(d.healthCheck ? { health: t.health } : {}), ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}), ...(t.reason ? { reason: t.reason } : {}) };
  }

  /** What happened so far, in order: `<container> started`, `<container> healthy`, `<container> exited <code>`. */
  events(): readonly string[] {
    return this.history.map((h) => h.event);
  }

  /** The events with the seconds since the task started, e.g. `12.3 s rabbitmq healthy`. */
  timeline(): readonly string[] {
    return this.history.map((h) => `${((h.at - this.createdAt) / 1000).toFixed(1)} s ${h.event}`);
  }

  private record(event: string): void {
    this.history.push({ at: Date.now(), event });
  }

  /** A container's output so far. */
  log(name: string): string {
    const file = this.tracked.get(name)?.container.logFile;
    return file && existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  /** Whether the task runs with every essential container running and every health check that exists passing. */
  isSteady(): boolean {
    return [...this.tracked.values()].every((t) => !t.container.definition.essential || (t.state === "RUNNING" && (!t.container.definition.healthCheck || t.health === "HEALTHY")));
  }

  /**
   * Waits until `done` holds, at most `seconds`; then throws with every
   * container's status and the last lines of the logs of those not running.
   */
  async until(what: string, done: (task: RunningTask) => boolean, seconds: number): Promise<void> {
    const end = Date.now() + seconds * 1000;
    while (!done(this)) {
      if (Date.now() > end || (this.stoppedReason && !done(this))) throw new Error(this.describeFailure(`waiting ${seconds} s for ${what}`));
      await pause(200);
    }
  }

  /** Every status, and the tails of the logs of the containers that stopped, never started or are unhealthy. */
  describeFailure(doing: string): string {
    const lines = [`task ${this.name}: ${this.stoppedReason ? `stopped (${this.stoppedReason}) while ` : "timed out "}${doing}`];
    for (const s of this.statuses()) lines.push(`  ${s.name}: ${s.state}${s.health ? ` ${s.health}` : ""}${s.exitCode !== undefined ? ` exit ${s.exitCode}` : ""}${s.reason ? ` (${s.reason})` : ""}`);
    for (const s of this.statuses().filter((x) => x.state !== "RUNNING" || x.health === "UNHEALTHY" || x.health === "UNKNOWN")) {
      const tail = this.log(s.name).trimEnd().split("\n").slice(-15);
      if (tail.join("").length > 0) lines.push(`  --- ${s.name} (last lines) ---`, ...tail.map((l) => `  | ${l}`));
    }
    return lines.join("\n");
  }

  /** Runs a command in a running container, as the container's user. */
  exec(name: string, args: readonly string[], timeoutSeconds = 30): Promise<{ code: number | undefined; output: string }> {
    const t = this.tracked.get(name);
    if (!t || t.state !== "RUNNING") throw new Error(`container ${name} of task ${this.name} is not running\n${this.describeFailure(`running ${args.join(" ")} in ${name}`)}`);
    return execInContainer(t.container.launch.id, args, t.container.launch.user, timeoutSeconds * 1000);
  }

  private conditionHolds(condition: string, dependency: Tracked): boolean | "never" {
    switch (condition) {
      case "START":
        return dependency.state === "RUNNING" || dependency.state === "STOPPED" ? true : dependency.state === "NEVER_STARTED" ? "never" : false;
      case "COMPLETE":
        return dependency.state === "STOPPED" ? true : dependency.state === "NEVER_STARTED" ? "never" : false;
      case "SUCCESS":
        if (dependency.state === "STOPPED") return dependency.exitCode === 0 ? true : "never";
        return dependency.state === "NEVER_STARTED" ? "never" : false;
      case "HEALTHY":
        if (dependency.health === "HEALTHY") return true;
        return dependency.state === "STOPPED" || dependency.state === "NEVER_STARTED" || dependency.health === "UNHEALTHY" ? "never" : false;
      default:
        return "never";
    }
  }

  private schedule(): void {
    if (this.stopping) return;
    for (const t of this.tracked.values()) {
      if (t.state !== "PENDING") continue;
      const results = (t.container.definition.dependsOn ?? []).map((d) => {
        const dependency = this.tracked.get(d.containerName);
        return { d, holds: dependency ? this.conditionHolds(d.condition, dependency) : ("never" as const) };
      });
      const blocked = results.find((r) => r.holds === "never");
      if (blocked) {
        t.state = "NEVER_STARTED";
        t.reason = `dependency ${blocked.d.containerName} cannot reach ${blocked.d.condition}`;
        if (t.container.definition.essential) void this.stop(`essential container ${t.container.definition.name} cannot start: ${t.reason}`);
        continue;
      }
      if (results.every((r) => r.holds === true)) this.start(t);
    }
  }

  private start(t: Tracked): void {
    t.state = "RUNNING";
    t.startedAt = Date.now();
    this.record(`${t.container.definition.name} started`);
    const child = runContainer(t.container.launch, t.container.logFile);
    t.process = child;
    t.exited = new Promise((resolve) => {
      child.on("close", (code, signal) => {
        t.state = "STOPPED";
        t.exitCode = code ?? (signal ? 128 : undefined);
        this.record(`${t.container.definition.name} exited ${t.exitCode}`);
        t.reason = t.reason ?? (signal ? `runtime killed by ${signal}` : undefined);
        removeContainer(t.container.launch.id);
        if (t.container.definition.essential && !this.stopping) void this.stop(`essential container ${t.container.definition.name} exited (${t.exitCode})`);
        resolve();
      });
    });
    const check = t.container.definition.healthCheck;
    if (check) this.watchHealth(t, check);
  }

  private watchHealth(t: Tracked, check: NonNullable<ContainerDefinition["healthCheck"]>): void {
    const scaled = (seconds: number) => Math.max(0.2, seconds * this.timeScale) * 1000;
    const command = check.command[0] === "CMD-SHELL" ? ["/bin/sh", "-c", check.command.slice(1).join(" ")] : check.command.slice(1);
    const run = async () => {
      if (t.state !== "RUNNING" || this.stopping) return;
      const timeout = scaled(check.timeout) * hostLoadAllowance();
      const result = await execInContainer(t.container.launch.id, command, t.container.launch.user, timeout).catch(() => ({ code: undefined }));
      if (t.state !== "RUNNING") return;
      if (result.code === 0) {
        if (t.health !== "HEALTHY") this.record(`${t.container.definition.name} healthy`);
        t.health = "HEALTHY";
        t.failures = 0;
      } else if (Date.now() - t.startedAt! > scaled(check.startPeriod)) {
        t.failures++;
        if (t.failures >= check.retries && t.health !== "UNHEALTHY") {
          t.health = "UNHEALTHY";
          if (t.container.definition.essential) void this.stop(`essential container ${t.container.definition.name} is unhealthy`);
        }
      }
      this.timers.push(setTimeout(run, scaled(check.interval)));
    };
    this.timers.push(setTimeout(run, scaled(check.interval)));
  }

  /** Stops the task: SIGTERM to each running container (dependents first), SIGKILL after its stop timeout. */
  stop(reason = "stopped by the runner"): Promise<void> {
    if (!this.stopping) {
      this.stoppedReason = reason;
      this.stopping = this.stopAll();
    }
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    for (const t of this.tracked.values()) {
      if (t.state === "PENDING") {
        t.state = "NEVER_STARTED";
        t.reason = "the task stopped first";
      }
    }
    const dependents = (name: string) => [...this.tracked.values()].filter((o) => (o.container.definition.dependsOn ?? []).some((d) => d.containerName === name));
    const stopped = new Set<string>();
    while (stopped.size < this.tracked.size) {
      const wave = [...this.tracked.values()].filter((t) => !stopped.has(t.container.definition.name) && dependents(t.container.definition.name).every((d) => stopped.has(d.container.definition.name)));
      const next = wave.length > 0 ? wave : [...this.tracked.values()].filter((t) => !stopped.has(t.container.definition.name));
      await Promise.all(next.map((t) => this.stopContainer(t)));
      for (const t of next) stopped.add(t.container.definition.name);
    }
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }

  private async stopContainer(t: Tracked): Promise<void> {
    if (t.state !== "RUNNING" || !t.exited) return;
    signalContainer(t.container.launch.id, "TERM");
    const grace = (t.container.definition.stopTimeout ?? 30) * 1000;
    if (!(await settlesWithin(t.exited, grace))) {
      t.reason = `did not stop within ${grace / 1000} s of SIGTERM; killed`;
      signalContainer(t.container.launch.id, "KILL");
      await settlesWithin(t.exited, 10_000);
    }
  }
}
