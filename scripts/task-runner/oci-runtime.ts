/**
 * One container on the OCI runtime under Fargate's containerd (runc): its
 * bundle (config.json), its run, exec for health checks, signals and
 * removal. The container gets what ECS gives it: its own mount, PID, IPC and
 * UTS namespaces and the task's network namespace; its user, groups,
 * working directory, variables and rlimits; the root file system read-only
 * when asked; Docker's default capabilities (effective only for root); and
 * its mounts in containerd's order, parents first, each read-only bind
 * remounted read-only at once (so a mount point inside it must already
 * exist, as on Fargate).
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Docker's (and Fargate's) default capabilities. */
const DEFAULT_CAPABILITIES = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** A bind mount into the container. */
export interface BindMount {
  readonly destination: string;
  readonly source: string;
  readonly readOnly: boolean;
}

/** Everything one container is created from. */
export interface ContainerLaunch {
  /** The runtime's container ID (unique on the machine). */
  readonly id: string;
  /** Where its bundle is written. */
  readonly bundle: string;
  readonly rootfs: string;
  readonly readonlyRootfs: boolean;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: { readonly uid: number; readonly gid: number; readonly additionalGids?: readonly number[] };
  readonly hostname: string;
  /** The task's network namespace (a path under /var/run/netns). */
  readonly networkNamespace: string;
  /** Volume and image mounts, in any order (sorted here). */
  readonly mounts: readonly BindMount[];
  readonly rlimits: readonly { readonly type: string; readonly hard: number; readonly soft: number }[];
}

/** Path depth, the order containerd mounts in (parents before their children). */
const depth = (path: string) => path.split("/").filter(Boolean).length;

/** Writes the container's OCI bundle. */
export function writeBundle(launch: ContainerLaunch): void {
  mkdirSync(launch.bundle, { recursive: true });
  const root = launch.user.uid === 0;
  const mounts = [...launch.mounts].sort((a, b) => depth(a.destination) - depth(b.destination));
  const config = {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: launch.user.uid, gid: launch.user.gid, additionalGids: [...(launch.user.additionalGids ?? [])] },
      args: launch.args,
      env: launch.env,
      cwd: launch.cwd,
      capabilities: {
        bounding: DEFAULT_CAPABILITIES,
        permitted: root ? DEFAULT_CAPABILITIES : [],
        effective: root ? DEFAULT_CAPABILITIES : [],
        inheritable: [],
        ambient: [],
      },
      rlimits: launch.rlimits.map((r) => ({ type: r.type, hard: r.hard, soft: r.soft })),
      noNewPrivileges: false,
    },
    root: { path: launch.rootfs, readonly: launch.readonlyRootfs },
    hostname: launch.hostname,
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      { destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
      { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      ...mounts.map((m) => ({ destination: m.destination, type: "bind", source: m.source, options: ["rbind", m.readOnly ? "ro" : "rw"] })),
    ],
    linux: {
      namespaces: [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }, { type: "network", path: launch.networkNamespace }],
      maskedPaths: ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
      readonlyPaths: ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    },
  };
  writeFileSync(join(launch.bundle, "config.json"), JSON.stringify(config, null, 2));
}

/** Starts the container in the foreground: the child exits with the container's exit code. Output goes to `logFile`. */
export function runContainer(launch: ContainerLaunch, logFile: string): ChildProcess {
  writeBundle(launch);
  const out = openSync(logFile, "a");
  try {
    return spawn("runc", ["run", "--bundle", launch.bundle, launch.id], { stdio: ["ignore", out, out], detached: true });
  } finally {
    closeSync(out);
  }
}

/** Creates the container without starting its process (mounts, user, namespaces); its error when that fails. */
export function createOnly(launch: ContainerLaunch): string | undefined {
  writeBundle(launch);
  // The created container's first process inherits runc's output: a file, not a pipe that would stay open until it ends.
  const errors = join(launch.bundle, "create.log");
  const out = openSync(errors, "w");
  let status: number | null;
  try {
    status = spawnSync("runc", ["create", "--bundle", launch.bundle, launch.id], { timeout: 60_000, stdio: ["ignore", out, out] }).status;
  } finally {
    closeSync(out);
  }
  removeContainer(launch.id);
  if (status === 0) return undefined;
  return readFileSync(errors, "utf8").trim().split("\n").pop() || `runc create exited ${status}`;
}

/** Runs a command inside a running container as `uid:gid`; its exit code, or undefined when it timed out. */
export function execInContainer(id: string, args: readonly string[], user: { uid: number; gid: number }, timeoutMs: number): Promise<{ code: number | undefined; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("runc", ["exec", "--user", `${user.uid}:${user.gid}`, id, ...args], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout!.on("data", (c) => (output += c));
    child.stderr!.on("data", (c) => (output += c));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
      resolve({ code: undefined, output });
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? undefined, output });
    });
  });
}

/** Sends a signal to the container's first process. */
export function signalContainer(id: string, signal: "TERM" | "KILL"): void {
  spawnSync("runc", ["kill", id, signal], { stdio: "ignore", timeout: 10_000 });
}

/** Removes the container, running or not. */
export function removeContainer(id: string): void {
  spawnSync("runc", ["delete", "--force", id], { stdio: "ignore", timeout: 30_000 });
}
