/**
 * A slot a suite holds on this machine while it runs, so that two test runs
 * at once (two clones, or a run beside `npm run test:under-load`) take turns
 * instead of starving each other: two three-node RabbitMQ clusters on two
 * cores miss their health checks' timeouts, one at a time do not.
 *
 * The slot is an exclusive `flock` on a file in the task runner's directory
 * under /run, held by a child process that ends when this process's pipe to
 * it closes: released when the suite ends, and by the kernel when the
 * process holding it dies, whatever killed it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REGISTRY_DIRECTORY } from "../../scripts/task-runner/runner-registry";

/** A held slot; `release` gives it up. */
export interface MachineSlot {
  readonly release: () => Promise<void>;
}

/**
 * Waits (at most `waitSeconds`) for the slot `name`, saying once on stderr
 * which process holds it, and returns it held.
 */
export async function acquireMachineSlot(name: string, waitSeconds: number, directory = REGISTRY_DIRECTORY): Promise<MachineSlot> {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = join(directory, `${name}.slot`);
  const holder = spawn("flock", ["--exclusive", "--timeout", String(waitSeconds), file, "sh", "-c", "echo held; exec cat >/dev/null"], { stdio: ["pipe", "pipe", "ignore"] });
  // flock comes with util-linux, as the runner's unshare does; if it cannot start, the wait ends saying so.
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    holder.on("exit", (code) => resolve(code));
    holder.on("error", (error) => {
      spawnError = error;
      resolve(null);
    });
  });
  const said = setTimeout(() => {
    let by = "another process";
    try {
      by = readFileSync(file, "utf8").trim() || by;
    } catch {
      // no record yet
    }
    process.stderr.write(`waiting for the machine slot ${name} (held by ${by}), at most ${waitSeconds} s\n`);
  }, 1000);
  const held = await new Promise<boolean>((resolve) => {
    holder.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("held") && resolve(true));
    void exited.then(() => resolve(false));
  });
  clearTimeout(said);
  if (spawnError) throw new Error(`cannot take the machine slot ${name}: flock did not start (${spawnError.message}; apt-get install util-linux)`);
  if (!held) throw new Error(`the machine slot ${name} (${file}) was not free within ${waitSeconds} s`);
  writeFileSync(file, `PID ${process.pid} (${process.argv.slice(1, 3).join(" ")})\n`);
  return {
    release: async () => {
      holder.stdin.end();
      await exited;
    },
  };
}
