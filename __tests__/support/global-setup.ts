/**
 * Jest global setup, once per run: the run's own temp folder (removed by the
 * global teardown), a plan cache shared by the workers inside it, and one
 * check of which Terraform providers can be installed here (the user's own
 * Terraform setup, or CE_TF_PROVIDER_MIRROR when it is set), printed before
 * any test runs. The plan suites read the result instead of each failing on
 * their own.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PLAN_CACHE_VARIABLE } from "../plan/harness";
import { checkProviders, providerCheckLine, PROVIDERS_VARIABLE } from "../plan/terraform-cli";
import { enterRunDirectory } from "./run-directory";

export default async function globalSetup(): Promise<void> {
  process.env.CHECKPOINT_DISABLE = "1";
  const run = enterRunDirectory();
  process.env[PLAN_CACHE_VARIABLE] = join(run, "plan-cache");
  mkdirSync(process.env[PLAN_CACHE_VARIABLE]);
  const check = await checkProviders();
  process.env[PROVIDERS_VARIABLE] = JSON.stringify(check);
  process.stderr.write(`\n${providerCheckLine(check)}\n`);
}
