/**
 * The temporary directory of one test run. The Jest global setup creates it
 * below the system temp folder and points TMPDIR at it, so everything the
 * workers and the tools they start put in "the temp folder" (cdktf's
 * `Testing.app()` outdirs, Terraform scratch modules, server data, tsx's
 * cache) lands there; the global teardown removes it. Nothing of a run stays
 * behind in the temp folder, and two runs on one machine never share one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Carries the run directory from the global setup to the workers and the teardown. */
export const RUN_DIRECTORY_VARIABLE = "CE_TEST_RUN_DIR";

/** Creates this run's directory and makes it the temp folder of every process started from here on. */
export function enterRunDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const dir = mkdtempSync(join(tmpdir(), "ce-test-run-"));
  env[RUN_DIRECTORY_VARIABLE] = dir;
  env.TMPDIR = dir;
  return dir;
}

/** Removes this run's directory and everything in it. */
export function leaveRunDirectory(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[RUN_DIRECTORY_VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
