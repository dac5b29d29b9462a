/**
 * The environment's default break-glass role for its backups: the one
 * principal the vault lets restore a recovery point, copy one out, delete
 * one, or change the vault's policy or lock (vault-policy.ts). Principals of
 * the account may assume it with MFA only; its own policy allows what a
 * restore needs (reading the vault, starting a restore job in it, handing
 * AWS Backup its service role) and those vault changes, in this vault only.
 * An environment may name a role of its own instead (backup.breakGlassRoleArn).
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { policyDocument, PolicyStatement } from "../iam/policy";
import { VAULT_GUARDED_ACTIONS } from "./vault-policy";

/** Props of {@link BreakGlassRole}. */
export interface BreakGlassRoleProps extends AwsLocation {
  /** Role name (`ce-<env>-backup-break-glass`). */
  readonly name: string;
  /** The environment's vault. */
  readonly vaultArn: string;
  /** The AWS Backup service role a restore job is handed. */
  readonly backupRoleArn: string;
}

/** Statements of the break-glass role's policy. */
export function breakGlassStatements(props: Omit<BreakGlassRoleProps, "name">): PolicyStatement[] {
  const recoveryPoints = `arn:${props.partition}:backup:${props.region}:${props.accountId}:recovery-point:*`;
  return [
    { Sid: "ReadTheVault", Effect: "Allow", Action: ["backup:DescribeBackupVault", "backup:ListRecoveryPointsByBackupVault"], Resource: props.vaultArn },
    { Sid: "ReadTheRecoveryPoints", Effect: "Allow", Action: ["backup:DescribeRecoveryPoint", "backup:GetRecoveryPointRestoreMetadata"], Resource: recoveryPoints },
    {
      Sid: "ReadTheFileSystems",
      Effect: "Allow",
      Action: "elasticfilesystem:DescribeFileSystems",
      Resource: `arn:${props.partition}:elasticfilesystem:${props.region}:${props.accountId}:file-system/*`,
    },
    // A restore job has no resource-level permission: its ID is known only to whoever started it.
    { Sid: "FollowTheRestoreJob", Effect: "Allow", Action: "backup:DescribeRestoreJob", Resource: "*" },
    { Sid: "RestoreFromTheVault", Effect: "Allow", Action: "backup:StartRestoreJob", Resource: recoveryPoints },
    {
      Sid: "HandAwsBackupItsRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: props.backupRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } },
    },
    {
      Sid: "ChangeTheVaultOnPurpose",
      Effect: "Allow",
      Action: VAULT_GUARDED_ACTIONS.filter((a) => a !== "backup:StartRestoreJob"),
      Resource: [props.vaultArn, recoveryPoints],
    },
  ];
}

/** The break-glass role. */
export class BreakGlassRole extends Construct {
  /** The role. */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: "Break glass: restore from, copy out of, or change the Cloud Exchange backup vault (MFA only)",
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument([
        {
          Sid: "AccountPrincipalsWithMfa",
          Effect: "Allow",
          Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
          Action: "sts:AssumeRole",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        },
      ]),
    });
    new IamRolePolicy(this, "policy", { role: this.role.id, name: "restore-and-change-the-vault", policy: policyDocument(breakGlassStatements(props)) });
  }
}
