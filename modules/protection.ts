/**
 * Protection of stateful resources: `prevent_destroy` unless the environment
 * explicitly allows destroying it (protection.allowDestroy).
 */
import { TerraformResource } from "cdktf";

/** Marks a stateful resource so Terraform refuses to destroy or replace it. */
export function protectFromDestroy(resource: TerraformResource, allowDestroy: boolean): void {
  if (!allowDestroy) resource.lifecycle = { ...(resource.lifecycle ?? {}), preventDestroy: true };
}
