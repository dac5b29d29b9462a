/**
 * Which task runners are alive on this machine, so that what a runner made
 * is removed even when its process could not remove it (killed with
 * SIGKILL, or by a timeout of whatever started it).
 *
 * Each runner records its run ID, process and directory in a file under
 * /run (root's, cleared at boot) while it lives, and deletes the record when
 * it closes. A runner starting up removes what the records of dead
 * processes name: their containers (IDs `<run ID>-...`), mounts below their
 * directories, network namespaces (`<run ID>-...`) and directories. It
 * touches nothing of a live runner and nothing it has no record of.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the records live. */
export const REGISTRY_DIRECTORY = "/run/ce-task-runner";

/** One runner's record. */
export interface RunnerRecord {
  readonly runId: string;
  readonly pid: number;
  readonly directory: string;
}

const recordFile = (runId: string, registry: string) => join(registry, `${runId}.json`);

/** Records a live runner. */
export function register(record: RunnerRecord, registry = REGISTRY_DIRECTORY): void {
  mkdirSync(registry, { recursive: true, mode: 0o700 });
  writeFileSync(recordFile(record.runId, registry), JSON.stringify(record));
}

/** Deletes a runner's record (it removed what it made). */
export function unregister(runId: string, registry = REGISTRY_DIRECTORY): void {
  rmSync(recordFile(runId, registry), { force: true });
}

/** Whether a process is alive (signal 0 reaches it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes what one dead runner made. */
function removeLeftovers(record: RunnerRecord): void {
  const prefix = `${record.runId}-`;
  const containers = (spawnSync("runc", ["list", "-q"], { encoding: "utf8" }).stdout ?? "").split("\n").filter((id) => id.startsWith(prefix));
  for (const id of containers) spawnSync("runc", ["delete", "--force", id], { stdio: "ignore" });
  const mounts = readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((point) => point && (point === record.directory || point.startsWith(`${record.directory}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) spawnSync("umount", ["-l", point], { stdio: "ignore" });
  const namespaces = (spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "").split("\n").map((line) => line.split(" ")[0]).filter((name) => name.startsWith(prefix));
  for (const name of namespaces) spawnSync("ip", ["netns", "del", name], { stdio: "ignore" });
  rmSync(record.directory, { recursive: true, force: true });
}

/** Removes what the runners of dead processes left behind; returns their run IDs. */
export function reapDeadRunners(registry = REGISTRY_DIRECTORY): string[] {
  if (!existsSync(registry)) return [];
  const reaped: string[] = [];
  for (const file of readdirSync(registry).filter((f) => f.endsWith(".json"))) {
    let record: RunnerRecord;
    try {
      record = JSON.parse(readFileSync(join(registry, file), "utf8")) as RunnerRecord;
    } catch {
      continue;
    }
    if (alive(record.pid)) continue;
    removeLeftovers(record);
    unregister(record.runId, registry);
    reaped.push(record.runId);
  }
  return reaped;
}
