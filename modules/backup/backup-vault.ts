/**
 * The environment's own backup vault: its recovery points encrypted under
 * the environment's KMS key (not an AWS managed one), the vault access
 * policy that leaves restoring, copying out, deleting and changing the vault
 * to the break-glass role (vault-policy.ts), and optionally AWS Backup Vault
 * Lock, put before the policy, which then guards it too.
 */
import { BackupVault as AwsBackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { Construct } from "constructs";
import { policyDocument } from "../iam/policy";
import { protectFromDestroy } from "../protection";
import { vaultPolicyStatements } from "./vault-policy";

/** Props of {@link EnvironmentBackupVault}. */
export interface EnvironmentBackupVaultProps {
  /** Vault name: the environment's prefix, `ce-<env>`. */
  readonly name: string;
  /** The environment's KMS key. */
  readonly kmsKeyArn: string;
  /** The only principal that may restore, delete or change the vault. */
  readonly breakGlassRoleArn: string;
  /** AWS Backup's service role for the environment, which may copy recovery points out. */
  readonly backupRoleArn: string;
  /** AWS Backup Vault Lock. Default: none. */
  readonly lock?: { readonly minRetentionDays: number; readonly maxRetentionDays?: number; readonly changeableForDays?: number };
  /** Leave the vault and its lock without prevent_destroy. Default false. */
  readonly allowDestroy?: boolean;
}

/** The vault, its policy and its lock. */
export class EnvironmentBackupVault extends Construct {
  /** The vault. */
  readonly vault: AwsBackupVault;
  /** Its name. */
  readonly vaultName: string;
  /** Its ARN. */
  readonly vaultArn: string;
  /** Its access policy. */
  readonly policy: BackupVaultPolicy;

  constructor(scope: Construct, id: string, props: EnvironmentBackupVaultProps) {
    super(scope, id);
    const allowDestroy = props.allowDestroy ?? false;
    this.vault = new AwsBackupVault(this, "vault", { name: props.name, kmsKeyArn: props.kmsKeyArn, forceDestroy: false });
    protectFromDestroy(this.vault, allowDestroy);
    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;
    const lock = props.lock
      ? new BackupVaultLockConfiguration(this, "lock", {
          backupVaultName: this.vault.name,
          minRetentionDays: props.lock.minRetentionDays,
          maxRetentionDays: props.lock.maxRetentionDays,
          changeableForDays: props.lock.changeableForDays,
        })
      : undefined;
    if (lock) protectFromDestroy(lock, allowDestroy);
    this.policy = new BackupVaultPolicy(this, "policy", {
      backupVaultName: this.vault.name,
      policy: policyDocument(vaultPolicyStatements(props)),
      // The policy denies changing the lock to everyone but the break-glass role: the lock goes first.
      dependsOn: lock ? [lock] : undefined,
    });
  }
}
