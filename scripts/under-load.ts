/**
 * `npm run test:under-load [-- <busy processes>]`: the suites that start
 * servers (the task runner's, with real RabbitMQ inside, and the RabbitMQ
 * membership script's) run while every core of the machine is kept busy by
 * spinning processes of this script's own (one per core unless a count is
 * given). It proves that their waits are bounded by readiness, not by the
 * machine's speed. The spinning processes are stopped by their PIDs when
 * Jest ends or this script is interrupted; the exit code is Jest's.
 */
import { ChildProcess, spawn } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { SERVER_SUITES } from "./lib/server-suites";

const ROOT = join(__dirname, "..");

function busyCount(argument: string | undefined): number {
  if (argument === undefined) return cpus().length;
  const count = Number(argument);
  if (!Number.isInteger(count) || count < 0 || count > 64) {
    process.stderr.write(`test:under-load: the number of busy processes must be a whole number from 0 to 64, not "${argument}"\n`);
    process.exit(2);
  }
  return count;
}

const spinners: ChildProcess[] = Array.from({ length: busyCount(process.argv[2]) }, () =>
  spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
);
const stopSpinners = () => {
  for (const spinner of spinners) if (spinner.exitCode === null && spinner.signalCode === null) spinner.kill("SIGKILL");
};
process.on("exit", stopSpinners);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

process.stdout.write(`test:under-load: ${spinners.length} busy processes (PIDs ${spinners.map((s) => s.pid).join(", ")}) on ${cpus().length} cores while the server suites run\n`);
const jest = spawn(join(ROOT, "node_modules", ".bin", "jest"), ["--runInBand", ...SERVER_SUITES], { cwd: ROOT, stdio: "inherit" });
jest.on("exit", (code, signal) => {
  stopSpinners();
  process.stdout.write(`test:under-load: the server suites ${code === 0 ? "passed" : `failed (${signal ?? `exit ${code}`})`} under load\n`);
  process.exit(code ?? 1);
});
