/**
 * Jest global setup, once per run: a plan cache shared by the workers, and
 * one check of which Terraform providers can be installed here (the user's
 * own Terraform setup, or CE_TF_PROVIDER_MIRROR when it is set). The plan
 * suites read the result instead of each failing on their own.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLAN_CACHE_VARIABLE } from "../plan/harness";
import { checkProviders, PROVIDERS_VARIABLE } from "../plan/terraform-cli";

export default async function globalSetup(): Promise<void> {
  process.env.CHECKPOINT_DISABLE = "1";
  // One plan cache per run (removed by the global teardown): suites share plans of identical stacks.
  process.env[PLAN_CACHE_VARIABLE] = mkdtempSync(join(tmpdir(), "ce-plan-cache-"));
  process.env[PROVIDERS_VARIABLE] = JSON.stringify(await checkProviders());
}
