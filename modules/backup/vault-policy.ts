/**
 * The vault access policy: every principal is denied restoring a recovery
 * point, deleting one or changing its lifecycle, deleting the vault, and
 * changing or removing the vault's policy or lock, except the break-glass
 * role; copying recovery points out is also left to AWS Backup's service
 * role (the plan's copy action). The deployer included: a deploy that
 * changes this policy or the lock runs as the break-glass role. AWS Backup's
 * vault policies take no wildcard in Action, so every action is listed.
 * Expiry at the end of a recovery point's retention is AWS Backup's own and
 * is not affected.
 */
import { PolicyStatement } from "../iam/policy";

/** What only the break-glass role may do to the vault and its recovery points. */
export const VAULT_GUARDED_ACTIONS = [
  "backup:StartRestoreJob",
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:DeleteBackupVault",
  "backup:PutBackupVaultAccessPolicy",
  "backup:DeleteBackupVaultAccessPolicy",
  "backup:PutBackupVaultLockConfiguration",
  "backup:DeleteBackupVaultLockConfiguration",
  "backup:StartCopyJob",
] as const;

/** The vault policy's statements. */
export function vaultPolicyStatements(props: { readonly breakGlassRoleArn: string; readonly backupRoleArn: string }): PolicyStatement[] {
  return [
    {
      Sid: "OnlyTheBreakGlassRoleRestoresDeletesOrChangesTheVault",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: VAULT_GUARDED_ACTIONS.filter((a) => a !== "backup:StartCopyJob"),
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": props.breakGlassRoleArn } },
    },
    {
      Sid: "OnlyTheBreakGlassRoleAndAwsBackupCopyOut",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "backup:StartCopyJob",
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [props.breakGlassRoleArn, props.backupRoleArn] } },
    },
  ];
}
