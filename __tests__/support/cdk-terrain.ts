/**
 * What CDK Terrain (npm `cdktn`), the community continuation of CDKTF, keeps
 * of the CDKTF API, as read from its public repository and release notes:
 *
 * - open-constructs/cdk-terrain, packages/cdktn/lib/index.ts (the rename
 *   commit 7ceba471d, "Rename to CDK Terrain / cdktn"): the library's public
 *   API is what this index re-exports, the same modules as cdktf 0.21's.
 * - Its upgrade guides for 0.22 ("Migrating to CDKTN": rename the packages
 *   and imports; cdktf.json, cdktf.out, CDKTF_* variables, provider sources,
 *   state and logical IDs unchanged) and 0.23 ("the framework and CLI APIs
 *   are unchanged"; only runtime minimums move).
 * - Its prebuilt AWS bindings, @cdktn/provider-aws, track hashicorp/aws
 *   `~> 6.0`: a move to CDK Terrain is also a move to AWS provider 6.
 */

/** The modules of packages/cdktn/lib/index.ts, in its order (`export * from "./<module>"`). */
export const CDK_TERRAIN_INDEX_MODULES = [
  "tokens",
  "terraform-stack",
  "terraform-element",
  "terraform-module",
  "terraform-provider",
  "terraform-resource",
  "terraform-data-source",
  "terraform-output",
  "complex-computed-list",
  "resource",
  "testing",
  "app",
  "terraform-backend",
  "backends",
  "terraform-remote-state",
  "terraform-local",
  "terraform-variable",
  "terraform-hcl-module",
  "runtime",
  "terraform-dependable",
  "manifest",
  "terraform-asset",
  "synthesize",
  "annotations",
  "aspect",
  "terraform-functions",
  "terraform-operators",
  "tfExpression",
  "terraform-addressable",
  "terraform-iterator",
  "terraform-provisioner",
  "terraform-conditions",
  "terraform-count",
  "importable-resource",
  "terraform-resource-targets",
  "upgrade-id-aspect",
  "terraform-data-resource",
  "functions/terraform-functions.generated",
] as const;

/** The packages a move to CDK Terrain renames (its 0.22 migration guide). */
export const CDK_TERRAIN_PACKAGES: Record<string, string> = {
  cdktf: "cdktn",
  "cdktf-cli": "cdktn-cli",
  "@cdktf/provider-aws": "@cdktn/provider-aws",
};
