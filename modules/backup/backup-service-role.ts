/**
 * The role AWS Backup works with for the environment: it backs the file
 * system up into the environment's vault (and copies recovery points out,
 * when the environment copies them), and it is the role a restore job is
 * handed (by the break-glass role, the only principal the vault lets
 * restore). AWS's managed policies for backups and restores, plus the use of
 * the environment's key through AWS Backup and EFS only.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { policyDocument, serviceTrustPolicy } from "../iam/policy";

/** AWS's managed policies of an AWS Backup service role, by what they let it do. */
export const BACKUP_MANAGED_POLICIES = ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"] as const;

/** Props of {@link BackupServiceRole}. */
export interface BackupServiceRoleProps extends AwsLocation {
  /** Prefix of names, `ce-<env>`: the role is `<prefix>-backup`. */
  readonly prefix: string;
  /** The environment's key: the vault's, and the file system's. */
  readonly kmsKeyArn: string;
}

/** The AWS Backup service role of the environment. */
export class BackupServiceRole extends Construct {
  /** The role. */
  readonly role: IamRole;
  /** Its ARN. */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: BackupServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: `${props.prefix}-backup`,
      description: `AWS Backup backs the ${props.prefix} file system up into its vault, and restores from it`,
      assumeRolePolicy: serviceTrustPolicy("backup.amazonaws.com", props.accountId),
    });
    BACKUP_MANAGED_POLICIES.forEach((policy) =>
      new IamRolePolicyAttachment(this, `managed-policy_${policy}`, {
        role: this.role.name,
        policyArn: `arn:${props.partition}:iam::aws:policy/service-role/${policy}`,
      }),
    );
    new IamRolePolicy(this, "key-policy", {
      role: this.role.id,
      name: "use-the-environment-key",
      policy: policyDocument([
        {
          Sid: "UseTheEnvironmentKeyThroughBackupAndEfs",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": [`backup.${props.region}.amazonaws.com`, `elasticfilesystem.${props.region}.amazonaws.com`] } },
        },
        {
          Sid: "GrantTheKeyToAwsResourcesOnly",
          Effect: "Allow",
          Action: "kms:CreateGrant",
          Resource: props.kmsKeyArn,
          Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
      ]),
    });
    this.roleArn = this.role.arn;
  }
}
