/**
 * The Terraform addresses of what an adopt-mode environment holds of the
 * adopted deployment's data, read from the environment's own stack (built,
 * not synthesized to disk), so the hand-back commands name exactly what the
 * state holds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformResource } from "cdktf";
import { derive, Environment } from "../config";
import { CloudExchangeStack } from "../stacks/cloud-exchange-stack";
import { FileSystem } from "../storage/file-system";

/** `type.name` of a resource, as Terraform's state and `terraform state rm` name it. */
export function terraformAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * The addresses of the adopted file system, mount targets and access points,
 * and of the backup and file system policies the stack sets on that file
 * system (FileSystem.adoptedResources), in the stack of `env`.
 */
export function adoptedAddresses(env: Environment): string[] {
  // The app wants an output directory, though nothing is written to it.
  const outdir = mkdtempSync(join(tmpdir(), "ce-adopted-"));
  try {
    const stack = new CloudExchangeStack(new App({ outdir, skipValidation: true }), derive(env).stackName, { environment: env });
    return stack.node
      .findAll()
      .filter((construct): construct is FileSystem => construct instanceof FileSystem)
      .flatMap((fileSystem) => fileSystem.adoptedResources())
      .map(terraformAddress);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
