/**
 * The Terraform addresses of what the environment's stack holds of its file
 * system (the file system, its mount targets and access points, its backup
 * and file system policies, and the replication configured on it), read from
 * the environment's own stack (built in memory, not synthesized to disk), so
 * a restore takes exactly those out of the state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { derive, Environment } from "../config";
import { CloudExchangeStack } from "../stacks/cloud-exchange-stack";
import { FileSystemReplication } from "../standby/file-system-replication";
import { FileSystem } from "../storage/file-system";
import { terraformAddress } from "../upgrade/adopted-addresses";

/** The addresses a restore takes out of the state of `env`'s stack. */
export function fileSystemAddresses(env: Environment): string[] {
  // The app wants an output directory, though nothing is written to it.
  const outdir = mkdtempSync(join(tmpdir(), "ce-restore-"));
  try {
    const stack = new CloudExchangeStack(new App({ outdir, skipValidation: true }), derive(env).stackName, { environment: env });
    const all = stack.node.findAll();
    return [
      ...all.filter((c): c is FileSystem => c instanceof FileSystem).flatMap((fs) => fs.fileSystemResources()),
      ...all.filter((c): c is FileSystemReplication => c instanceof FileSystemReplication).map((r) => r.replication),
    ].map(terraformAddress);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
