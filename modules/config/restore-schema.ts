/**
 * Environment settings of a restore (`storage.restoredFileSystem`): the file
 * system AWS Backup restored the environment's data into, which the stack
 * takes over in place of the one it created (Terraform imports it at the
 * file system's address; npm run restore prints the whole procedure). The
 * checks keep it apart from the other ways a file system comes to the stack.
 */
import { z } from "zod";
import { matching } from "./fields";
import { arnParts, FILE_SYSTEM_ID, KMS_KEY_ARN } from "./patterns";

export const restoredFileSystemSchema = z
  .strictObject({
    fileSystemId: matching(FILE_SYSTEM_ID).describe("The file system the restore job created (its CreatedResourceArn), with the data moved back to its root."),
    kmsKeyArn: matching(KMS_KEY_ARN).describe(
      "ARN of the key it is encrypted with, as `aws efs describe-file-systems` shows it (the restore uses the environment's key). Taken as is: another key would replace the file system.",
    ),
  })
  .describe(
    "A file system restored from a recovery point (docs/runbooks.md#restore): Terraform imports it at the file system's address instead of the one the environment created, and the stack creates its mount targets and access points. Written by the operator from npm run restore's output; keep it afterwards.",
  );

/** The restored file system's settings. */
export type RestoredFileSystem = z.output<typeof restoredFileSystemSchema>;

/** Cross-field checks of `storage.restoredFileSystem`. */
export function checkRestoredFileSystem(
  env: { accountId: string; region: string; adopt?: unknown; standby?: { promoted: boolean }; storage: { restoredFileSystem?: RestoredFileSystem } },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const restored = env.storage.restoredFileSystem;
  if (!restored) return;
  const path = ["storage", "restoredFileSystem"];
  if (env.adopt) problem(path, "excludes adopt: the file system comes either from the official template's stack or from a restore");
  if (env.standby && !env.standby.promoted) {
    problem(path, "is not for a standby: a standby's file system is the primary's replica; restore the primary, or promote the standby first");
  }
  const key = arnParts(restored.kmsKeyArn);
  if (key.account !== env.accountId || key.region !== env.region) {
    problem([...path, "kmsKeyArn"], `must be a key of account ${env.accountId} in ${env.region}, where the file system is`);
  }
}
