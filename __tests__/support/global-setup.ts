/**
 * Jest global setup: makes sure the offline plan tests know where the
 * Terraform provider mirror is. .ci/run exports CE_TF_PROVIDER_MIRROR; for a
 * local `npm test` the same finder script fills it in.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function globalSetup(): void {
  process.env.CHECKPOINT_DISABLE = "1";
  // One plan cache per run (removed by the global teardown): suites share plans of identical stacks.
  process.env.CE_PLAN_CACHE_DIR = mkdtempSync(join(tmpdir(), "ce-plan-cache-"));
  if (process.env.CE_TF_PROVIDER_MIRROR) return;
  try {
    const found = execFileSync(join(__dirname, "..", "..", ".ci", "find-provider-mirror"), { encoding: "utf8" }).trim();
    if (found) process.env.CE_TF_PROVIDER_MIRROR = found;
  } catch {
    // The plan harness reports the missing mirror with instructions.
  }
}
