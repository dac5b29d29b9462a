/**
 * A TerraformStack whose resources get readable, stable Terraform addresses
 * derived from the construct path (`aws_efs_file_system.storage_file-system`)
 * instead of cdktf's hashed ones. Reviewers can read a plan, runbooks can name
 * addresses, and two variants that build a resource at the same construct
 * path (the EFS file system in standalone and HA) share its address, so a
 * move between them is an update, not a replacement.
 *
 * Every stack also declares the Terraform it needs (`required_version`), so
 * a pipeline that runs the synthesized JSON with plain `terraform` or `tofu`
 * is refused by an older binary at init instead of failing later.
 */
import { TerraformElement, TerraformStack } from "cdktf";
import { Construct, Node } from "constructs";

/**
 * The Terraform (or OpenTofu) every stack requires: 1.10 is the first release
 * of either with S3-native state locking (`use_lockfile`), which the remote
 * state of every environment uses.
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10";

/** Turns a construct id into a Terraform name part: letters, digits, `-` and `_` only. */
export function terraformNamePart(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_-]/g, "-");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** The Terraform name a construct's path gives below its stack (the prefix of every name inside it). */
export function terraformNameOf(construct: Construct): string {
  const scopes = construct.node.scopes;
  const stackIndex = scopes.findIndex((scope) => TerraformStack.isStack(scope));
  return scopes
    .slice(stackIndex + 1)
    .map((scope) => terraformNamePart(scope.node.id))
    .join("_");
}

/** Base of every stack in this project. */
export abstract class ReadableStack extends TerraformStack {
  private readonly allocatedIds = new Map<string, string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
  }

  /** Joins the construct path below the stack with `_`; refuses two constructs mapping to one name. */
  protected override allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const logicalId = terraformNameOf(node.scopes[node.scopes.length - 1]);
    const owner = this.allocatedIds.get(logicalId);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(`Constructs ${owner} and ${node.path} would share the Terraform name "${logicalId}"`);
    }
    this.allocatedIds.set(logicalId, node.path);
    return logicalId;
  }
}
