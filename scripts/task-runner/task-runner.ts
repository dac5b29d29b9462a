/**
 * The task runner: runs synthesized ECS task definitions the way Fargate
 * runs them, on runc (the OCI runtime under Fargate's containerd), so a
 * test proves that a task starts and reaches steady state, not only that
 * its Terraform says the right things. One runner owns, for its lifetime:
 * the network (a namespace per task, tasks in one subnet; task-network.ts),
 * the EFS file systems (efs-emulation.ts), the images (images.ts) and every
 * container it starts. {@link TaskRunner.close} stops and removes all of
 * them; so does the process's exit, should a run end early.
 *
 * What it does not reproduce of Fargate: image pulls (images are stand-ins,
 * see images.ts), CPU and memory limits (no cgroup limits are set), the
 * awslogs driver (output goes to a file per container), IAM (task and
 * execution roles; secrets come from a local store keyed by `valueFrom`),
 * EFS transit encryption and IAM authorization, security groups and network
 * ACLs (tasks of one runner reach each other freely), Cloud Map (names
 * resolve through each container's /etc/hosts), the service scheduler
 * (restarts, deployments, load balancer registration).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { ContainerDefinition } from "../../modules/workload/container-definitions";
import { EfsEmulation } from "./efs-emulation";
import { ImageConfig, ImageStore } from "./images";
import { BindMount, ContainerLaunch, createOnly, removeContainer } from "./oci-runtime";
import { RunningTask, TaskContainer } from "./running-task";
import type { TaskModel } from "./task-model";
import { TaskAddress, TaskNetwork } from "./task-network";

/** Looks up the value ECS would inject for a secret's `valueFrom`. */
export type SecretLookup = (valueFrom: string) => string | undefined;

/** What `aws ecs run-task --overrides` can change of a container. */
export type ContainerOverride = Pick<Partial<ContainerDefinition>, "command" | "entryPoint" | "environment">;

/** How to start a task. */
export interface StartOptions {
  /** The secrets' values, by `valueFrom`. */
  readonly secrets: SecretLookup;
  /** The task's place in the network. Default: a new one. */
  readonly address?: TaskAddress;
  /** The task's host name. Default: ip-<address> as on Fargate. */
  readonly hostname?: string;
  /** Names every container resolves (Cloud Map's records), besides localhost. Default: none. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** Multiplies the health checks' interval, timeout and start period. Default 1. */
  readonly timeScale?: number;
  /**
   * Per-container overrides, as `aws ecs run-task --overrides` gives them:
   * command and entry point replace the definition's, environment variables
   * are added to it or replace the one of the same name. Default: none.
   */
  readonly overrides?: Readonly<Record<string, ContainerOverride>>;
}

/** Docker's init, which ECS runs as a container's first process with initProcessEnabled. */
const INIT = "/usr/bin/tini";

/** Fargate's open-files limit (65535), or this machine's hard limit where that is lower (a container cannot exceed it). */
const NOFILE = Math.min(65535, Number(spawnSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).stdout.trim()) || 65535);

/** Why the runner cannot run here, or undefined when it can. */
export function runnerUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "the task runner needs root (runc, network namespaces, idmapped mounts)";
  for (const [tool, args] of [["runc", ["--version"]], ["ip", ["-V"]], ["python3", ["--version"]], ["unshare", ["--version"]]] as const) {
    if (spawnSync(tool, args, { stdio: "ignore" }).status !== 0) return `the task runner needs ${tool} (apt-get install ${tool === "ip" ? "iproute2" : tool === "unshare" ? "util-linux" : tool})`;
  }
  if (!existsSync(INIT)) return "the task runner needs tini, the init ECS runs with initProcessEnabled (apt-get install tini)";
  return undefined;
}

const parseNumericUser = (user: string) => {
  const [uid, gid] = user.split(":");
  return /^\d+$/.test(uid) ? { uid: Number(uid), gid: gid !== undefined && /^\d+$/.test(gid) ? Number(gid) : undefined } : undefined;
};

/** A container definition with run-task overrides applied, ECS's way (see {@link StartOptions.overrides}). */
function overrideOf(definition: ContainerDefinition, override: ContainerOverride | undefined): ContainerDefinition {
  if (!override) return definition;
  const added = new Map((override.environment ?? []).map((e) => [e.name, e]));
  return {
    ...definition,
    ...(override.command ? { command: override.command } : {}),
    ...(override.entryPoint ? { entryPoint: override.entryPoint } : {}),
    environment: [...definition.environment.filter((e) => !added.has(e.name)), ...added.values()],
  };
}

/**
 * The one-shot containers a task's servers wait for that need no server
 * themselves: waited for with SUCCESS or COMPLETE, and depending only on
 * others of their kind.
 */
function runFirst(containers: readonly ContainerDefinition[]): ContainerDefinition[] {
  const waitedFor = new Set(containers.flatMap((c) => (c.dependsOn ?? []).filter((d) => d.condition === "SUCCESS" || d.condition === "COMPLETE").map((d) => d.containerName)));
  let chosen = containers.filter((c) => waitedFor.has(c.name));
  for (;;) {
    const names = new Set(chosen.map((c) => c.name));
    const kept = chosen.filter((c) => (c.dependsOn ?? []).every((d) => names.has(d.containerName)));
    if (kept.length === chosen.length) return chosen;
    chosen = kept;
  }
}

/** The runner of one test or one `npm run task`. */
export class TaskRunner {
  /** Unique on the machine: names every namespace and container of this runner. */
  readonly runId = `ce${randomBytes(3).toString("hex")}`;
  readonly directory: string;
  private readonly network: TaskNetwork;
  private readonly efs: EfsEmulation;
  private readonly images: ImageStore;
  private readonly tasks: RunningTask[] = [];
  private taskCount = 0;
  private closed = false;
  private readonly onExit = () => this.closeSync();

  constructor(directory?: string) {
    const reason = runnerUnavailable();
    if (reason) throw new Error(reason);
    this.directory = directory ?? join(tmpdir(), `ce-task-runner-${this.runId}`);
    mkdirSync(this.directory, { recursive: true });
    this.network = new TaskNetwork(this.runId);
    this.efs = new EfsEmulation(join(this.directory, "efs"));
    this.images = new ImageStore(join(this.directory, "images"));
    process.once("exit", this.onExit);
  }

  /** A new task's place in the network (to know every node's address before any starts). */
  allocate(): TaskAddress {
    return this.network.addTask();
  }

  /** The host directory of a task's EFS volume (its access point's root), as the file system holds it. */
  efsDirectory(model: TaskModel, volumeName: string): string {
    const volume = model.volumes.get(volumeName);
    if (volume?.kind !== "efs") throw new Error(`task ${model.family} has no EFS volume ${volumeName}`);
    return this.efs.accessPointDirectory(volume.accessPoint);
  }

  /** The namespace from which the runner reaches tasks as the load balancer would. */
  get vpcNamespace(): string {
    return this.network.vpcNamespace;
  }

  /** Starts a task; its containers start as their dependencies allow. */
  start(model: TaskModel, options: StartOptions, index = ++this.taskCount): RunningTask {
    const address = options.address ?? this.allocate();
    const hostname = options.hostname ?? `ip-${address.address.replace(/\./g, "-")}.ec2.internal`;
    const dir = join(this.directory, `task-${index}`);
    const containers = model.containers.map((definition): TaskContainer => {
      const overridden = overrideOf(definition, options.overrides?.[definition.name]);
      return {
        definition: overridden,
        launch: this.launchOf(model, overridden, { dir, id: `${this.runId}-${index}-${definition.name}`, address, hostname, hosts: options.hosts ?? {}, secrets: options.secrets }),
        logFile: join(dir, "logs", `${definition.name}.log`),
      };
    });
    const task = new RunningTask(`${model.family}#${index}`, address.address, containers, options.timeScale ?? 1);
    this.tasks.push(task);
    return task;
  }

  /**
   * Creates every container of a task with its exact mounts and user, in the
   * state the task is in when it would start: first the one-shot containers
   * others wait for (init, core-init, upgrade steps) run to their end, for
   * real, since their work (mount points in task-local volumes, files on
   * EFS) is what the others start on; then every other container is created
   * without starting it (a one-shot that waits for a server, such as
   * replica-set-init, is only created). Per container, the runtime's error or the one-shot's
   * failure (undefined: fine).
   */
  async createAll(model: TaskModel, secrets: SecretLookup, timeScale = 1): Promise<{ container: string; user: string; error?: string }[]> {
    const oneShots = runFirst(model.containers);
    const waitedFor = new Set(oneShots.map((c) => c.name));
    const results: { container: string; user: string; error?: string }[] = [];
    const address = this.allocate();
    const index = ++this.taskCount;
    if (oneShots.length > 0) {
      // The same task (its directory, so its task-local volumes) as the containers created after.
      const task = this.start({ ...model, containers: oneShots }, { secrets, address, timeScale }, index);
      await task.until("the one-shot containers to end", (t) => t.statuses().every((s) => s.state === "STOPPED" || s.state === "NEVER_STARTED"), 300);
      for (const s of task.statuses()) {
        const tail = task.log(s.name).trimEnd().split("\n").slice(-5).join(" | ");
        results.push({ container: s.name, user: "ran", ...(s.exitCode === 0 ? {} : { error: `${s.state} ${s.exitCode ?? ""} ${s.reason ?? ""}: ${tail}`.trim() }) });
      }
    }
    const dir = join(this.directory, `task-${index}`);
    for (const definition of model.containers.filter((c) => !waitedFor.has(c.name))) {
      const launch = this.launchOf(model, definition, { dir, id: `${this.runId}-${index}-c-${definition.name}`, address, hostname: "create-only", hosts: {}, secrets });
      const error = createOnly(launch);
      results.push({ container: definition.name, user: `${launch.user.uid}:${launch.user.gid}`, ...(error ? { error } : {}) });
    }
    return results;
  }

  private launchOf(
    model: TaskModel,
    definition: ContainerDefinition,
    at: { dir: string; id: string; address: TaskAddress; hostname: string; hosts: Readonly<Record<string, string>>; secrets: SecretLookup },
  ): ContainerLaunch {
    const image = this.images.imageFor(definition.image, definition.name);
    const rootfs = join(at.dir, "rootfs", definition.name);
    mkdirSync(join(at.dir, "logs"), { recursive: true });
    mkdirSync(join(at.dir, "rootfs"), { recursive: true });
    execFileSync("cp", ["-a", image.rootfs, rootfs]);
    appendFileSync(join(rootfs, "etc/hosts"), `${at.address.address} ${at.hostname}\n${Object.entries(at.hosts).map(([name, ip]) => `${ip} ${name}`).join("\n")}\n`);
    const user = this.userOf(definition, image, rootfs);
    const volumeMounts = definition.mountPoints.map((m): BindMount => {
      const volume = model.volumes.get(m.sourceVolume);
      if (!volume) throw new Error(`container ${definition.name} mounts ${m.sourceVolume}, which task ${model.family} does not declare`);
      let source: string;
      if (volume.kind === "efs") source = this.efs.mountSource(volume.accessPoint, user.uid, user.gid);
      else {
        source = join(at.dir, "volumes", volume.name);
        mkdirSync(source, { recursive: true });
      }
      return { destination: m.containerPath.replace(/\/+$/, "") || "/", source, readOnly: m.readOnly };
    });
    const entrypoint = definition.entryPoint ?? image.entrypoint;
    const command = definition.command ?? (definition.entryPoint ? [] : image.cmd);
    const args = [...(definition.linuxParameters?.initProcessEnabled ? [INIT, "--"] : []), ...entrypoint, ...command];
    const env = new Map<string, string>(Object.entries(image.env));
    env.set("HOSTNAME", at.hostname);
    for (const e of definition.environment) env.set(e.name, e.value);
    for (const s of definition.secrets) {
      const value = at.secrets(s.valueFrom);
      if (value === undefined) throw new Error(`ResourceInitializationError: unable to retrieve secret ${s.valueFrom} for ${definition.name}.${s.name} (not in the runner's secret store)`);
      env.set(s.name, value);
    }
    return {
      id: at.id,
      bundle: join(at.dir, "bundles", definition.name),
      rootfs,
      readonlyRootfs: definition.readonlyRootFilesystem,
      args,
      env: [...env].map(([k, v]) => `${k}=${v}`),
      cwd: (definition as { workingDirectory?: string }).workingDirectory ?? image.workingDir,
      user,
      hostname: at.hostname,
      networkNamespace: at.address.path,
      mounts: [{ destination: "/usr", source: "/usr", readOnly: true }, { destination: "/usr/local", source: image.local, readOnly: true }, ...volumeMounts],
      rlimits: [{ type: "RLIMIT_NOFILE", soft: NOFILE, hard: NOFILE }, ...((definition as { ulimits?: { name: string; softLimit: number; hardLimit: number }[] }).ulimits ?? []).map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, soft: u.softLimit, hard: u.hardLimit }))],
    };
  }

  /** The container's user: `user` as ECS takes it (uid[:gid] or a name in the image), else the image's. */
  private userOf(definition: ContainerDefinition, image: ImageConfig, rootfs: string): { uid: number; gid: number } {
    if (!definition.user) return image.user;
    const numeric = parseNumericUser(definition.user);
    const passwd = readFileSync(join(rootfs, "etc/passwd"), "utf8").split("\n").map((l) => l.split(":"));
    if (numeric) return { uid: numeric.uid, gid: numeric.gid ?? Number(passwd.find((p) => Number(p[2]) === numeric.uid)?.[3] ?? numeric.uid) };
    const [name, group] = definition.user.split(":");
    const entry = passwd.find((p) => p[0] === name);
    if (!entry) throw new Error(`CannotStartContainerError: unable to find user ${name}: no matching entries in passwd file`);
    return { uid: Number(entry[2]), gid: group !== undefined ? Number(group) : Number(entry[3]) };
  }

  /** An HTTP(S) request from the VPC namespace to a task, as the load balancer's health check makes it; the status code. */
  probe(address: string, port: number, path: string, protocol: "http" | "https"): number | undefined {
    const curl = spawnSync("ip", ["netns", "exec", this.network.vpcNamespace, "curl", "-ksS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", `${protocol}://${address}:${port}${path}`], { encoding: "utf8" });
    const code = Number(curl.stdout.trim());
    return code > 0 ? code : undefined;
  }

  /** Stops every task and removes everything the runner made. */
  async close(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.stop("the runner closed")));
    this.closeSync();
  }

  private closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener("exit", this.onExit);
    const list = spawnSync("runc", ["list", "-q"], { encoding: "utf8" });
    for (const id of (list.stdout ?? "").split("\n").filter((i) => i.startsWith(`${this.runId}-`))) removeContainer(id);
    this.efs.unmount();
    this.network.remove();
    // CE_TASK_RUNNER_KEEP=1 keeps the bundles, root file systems and logs for a look after a failure.
    if (process.env.CE_TASK_RUNNER_KEEP !== "1") rmSync(this.directory, { recursive: true, force: true });
  }
}
