/**
 * Stand-ins for `aws`, `terraform`, `npx` and `sleep` that answer the way
 * the services and tools do for a restore and a failover, and record every
 * call, so the printed procedures run for real with bash (errexit, nounset,
 * pipefail: stricter than the operator's shell) in a scratch project
 * directory. Scenarios are chosen with FAKE_* variables; the recorded calls
 * are in the file CE_CALLS, one line each.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShellStep, stepScript } from "../../modules/restore/shell-steps";

/**
 * The stand-in scripts (bash): \`aws\` answers by service and operation, with FAKE_* variables picking the
 * scenario; \`terraform\` has a state (FAKE_STATE, a file of addresses), outputs, a plan (FAKE_PLAN_JSON)
 * and an apply; \`npx cdktf synth\` writes each stack's cdk.tf.json, importing FAKE_IMPORTS.
 */
const STAND_INS = join(__dirname, "stand-ins");

/** The file system a restore job creates in the stand-in. */
export const RESTORED_FILE_SYSTEM = "fs-0f1e2d3c4b5a69788";
/** The environment's file system in the stand-in's stack outputs. */
export const CURRENT_FILE_SYSTEM = "fs-0a0b0c0d0e0f01234";

/** `aws`: answers by service and operation; FAKE_* variables pick the scenario. */


/** `terraform`: a state (FAKE_STATE, a file of addresses), outputs, a plan (FAKE_PLAN_JSON) and an apply, all recorded. */


/** `npx cdktf synth`: writes each stack's cdk.tf.json, with the import of the restored file system when FAKE_IMPORTS holds it. */


/** A plan as `terraform show -json` prints it: the restored file system imported, some resources created, and any extra changes. */
export function planJson(fileSystemId: string, extra: { address: string; type: string; actions: string[] }[] = []): string {
  return JSON.stringify({
    format_version: "1.2",
    resource_changes: [
      { address: "aws_efs_file_system.storage_file-system", type: "aws_efs_file_system", change: { actions: ["update"], before: { id: fileSystemId }, importing: { id: fileSystemId } } },
      { address: "aws_efs_mount_target.storage_mount-target_a", type: "aws_efs_mount_target", change: { actions: ["create"] } },
      ...extra.map((c) => ({ address: c.address, type: c.type, change: { actions: c.actions } })),
    ],
  });
}

/** What a run of steps did. */
export interface StepRun {
  readonly status: number | null;
  readonly output: string;
  /** Every aws, terraform and npx call of this run, in order. */
  readonly calls: string[];
}

/** A scratch project directory with the stand-ins on its PATH. */
export class StandInProject {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "ce-procedure-"));
    mkdirSync(join(this.dir, "bin"));
    for (const name of ["aws", "terraform", "npx"]) writeFileSync(join(this.dir, "bin", name), readFileSync(join(STAND_INS, name), "utf8"));
    writeFileSync(join(this.dir, "bin", "sleep"), "#!/bin/sh\nexit 0\n");
    for (const name of ["aws", "terraform", "npx", "sleep"]) chmodSync(join(this.dir, "bin", name), 0o755);
  }

  /** Writes the state the stand-in terraform lists. */
  state(addresses: readonly string[]): void {
    writeFileSync(join(this.dir, "state"), addresses.length ? `${addresses.join("\n")}\n` : "");
  }

  /** The addresses left in the state. */
  stateNow(): string[] {
    return readFileSync(join(this.dir, "state"), "utf8").split("\n").filter(Boolean);
  }

  /** Writes the plan the stand-in terraform shows. */
  plan(json: string): void {
    writeFileSync(join(this.dir, "plan.json"), json);
  }

  /** A file the steps wrote (or undefined). */
  file(name: string): string | undefined {
    const path = join(this.dir, name);
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  }

  /** Runs steps one after another in one shell, as the operator does; stops at the first that fails. */
  run(steps: readonly ShellStep[], scenario: Record<string, string>): StepRun {
    const script = steps.map(stepScript).join("\n");
    const before = existsSync(join(this.dir, "calls")) ? readFileSync(join(this.dir, "calls"), "utf8").split("\n").filter(Boolean).length : 0;
    const result = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
      cwd: this.dir,
      // No stdin: bash reads /etc/bash.bashrc when stdin is a socket (as under sshd).
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      timeout: 20_000,
      env: {
        PATH: `${join(this.dir, "bin")}:${process.env.PATH}`,
        CE_CALLS: join(this.dir, "calls"),
        CE_DIR: this.dir,
        FAKE_STATE: join(this.dir, "state"),
        FAKE_PLAN_JSON: join(this.dir, "plan.json"),
        FAKE_SERVICES_JSON: "[]",
        FAKE_CLUSTER: "cluster",
        FAKE_STACKS: "",
        FAKE_RESTORED_FS: RESTORED_FILE_SYSTEM,
        FAKE_CURRENT_FS: CURRENT_FILE_SYSTEM,
        ...scenario,
      },
    });
    const calls = existsSync(join(this.dir, "calls")) ? readFileSync(join(this.dir, "calls"), "utf8").split("\n").filter(Boolean).slice(before) : [];
    return { status: result.status, output: result.stdout + result.stderr, calls };
  }

  /** Removes the directory. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether `first` is called before `second` (both must be called). */
export function calledBefore(calls: readonly string[], first: string, second: string): { first: string; second: string; inOrder: boolean } {
  const a = calls.findIndex((c) => c.includes(first));
  const b = calls.findIndex((c) => c.includes(second));
  return { first, second, inOrder: a >= 0 && b >= 0 && a < b };
}
