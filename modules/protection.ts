/**
 * Protection of stateful resources: `prevent_destroy` unless the environment
 * explicitly allows destroying it (protection.allowDestroy), and always on
 * what the environment adopted from another deployment.
 */
import { TerraformResource } from "cdktf";

/** Marks a stateful resource so Terraform refuses to destroy or replace it. */
export function protectFromDestroy(resource: TerraformResource, allowDestroy: boolean): void {
  if (!allowDestroy) resource.lifecycle = { ...(resource.lifecycle ?? {}), preventDestroy: true };
}

/**
 * Marks a resource the environment took over from another deployment (adopt)
 * so Terraform never destroys or replaces it, whatever protection.allowDestroy
 * says: the data was not created by this project, and removing it is a
 * deliberate act outside Terraform (docs/upgrades.md).
 */
export function protectAdopted(resource: TerraformResource): void {
  protectFromDestroy(resource, false);
}
