/**
 * A customer managed KMS key with rotation and a key policy that lets the
 * account's IAM policies grant use, plus the AWS services that encrypt with
 * it on the environment's behalf (CloudWatch Logs, CloudWatch alarms → SNS).
 */
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { policyDocument, PolicyStatement } from "../iam/policy";
import { protectFromDestroy } from "../protection";

/** Props of {@link EncryptionKey}. */
export interface EncryptionKeyProps extends AwsLocation {
  /** Key description shown in the console. */
  readonly description: string;
  /** Alias name without the `alias/` prefix, e.g. `ce-prod`. */
  readonly alias: string;
  /** Let CloudWatch Logs encrypt log groups of this account and region with the key. Default false. */
  readonly allowCloudWatchLogs?: boolean;
  /** Let CloudWatch alarms publish to SNS topics encrypted with the key. Default false. */
  readonly allowCloudWatchAlarms?: boolean;
  /** Days before a scheduled deletion completes. Default 30. */
  readonly deletionWindowInDays?: number;
  /** Leave the key without prevent_destroy (protection.allowDestroy). Default false. */
  readonly allowDestroy?: boolean;
  /** Provider for the key. Default: the stack's default AWS provider. */
  readonly provider?: TerraformProvider;
  /** Further key policy statements (e.g. other accounts' roles using the key through one service). Default: none. */
  readonly additionalStatements?: readonly PolicyStatement[];
  /**
   * Deny every principal changing or removing the key's alias (kms:UpdateAlias, kms:DeleteAlias need the
   * current key's permission), for a key that others name by its alias (the state key). Default false.
   */
  readonly pinAlias?: boolean;
}

/** Key actions that destroy what the key protects: denied to every principal unless the environment allows destroying. */
export const KEY_DESTROYING_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey"] as const;
/** Alias actions a pinned alias denies on its key. */
export const ALIAS_MOVING_ACTIONS = ["kms:UpdateAlias", "kms:DeleteAlias"] as const;

/** A customer managed, rotating KMS key with alias. */
export class EncryptionKey extends Construct {
  /** The key. */
  readonly key: KmsKey;
  /** ARN of the key. */
  readonly keyArn: string;
  /** The alias, `alias/<name>`. */
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const root = `arn:${props.partition}:iam::${props.accountId}:root`;
    const statements: PolicyStatement[] = [
      {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: root },
        Action: "kms:*",
        Resource: "*",
      },
    ];
    if (props.allowCloudWatchLogs) {
      statements.push({
        Sid: "CloudWatchLogsEncryptsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${props.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:*`,
          },
        },
      });
    }
    if (props.allowCloudWatchAlarms) {
      statements.push({
        Sid: "CloudWatchAlarmsPublishToEncryptedTopics",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
      });
    }
    statements.push(...(props.additionalStatements ?? []));
    if (!props.allowDestroy) {
      statements.push({
        // Scheduling deletion (crypto-shredding everything the key protects) first needs a key-policy change, which
        // CloudTrail records; protection.allowDestroy drops this statement on purpose.
        Sid: "NoPrincipalDeletesOrDisablesTheKey",
        Effect: "Deny",
        Principal: "*",
        Action: [...KEY_DESTROYING_ACTIONS],
        Resource: "*",
      });
    }
    if (props.pinAlias) {
      statements.push({
        // Whoever could move the alias would redirect every write that names it to a key of their choosing.
        Sid: "NoPrincipalMovesOrRemovesTheAlias",
        Effect: "Deny",
        Principal: "*",
        Action: [...ALIAS_MOVING_ACTIONS],
        Resource: "*",
      });
    }
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: policyDocument(statements),
    });
    protectFromDestroy(this.key, props.allowDestroy ?? false);
    this.aliasName = `alias/${props.alias}`;
    new KmsAlias(this, "alias", { provider: props.provider, name: this.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
  }
}
