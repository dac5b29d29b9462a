/**
 * Identifier patterns shared by the environment schema and the modules.
 * Each pattern comes with the human wording used in error messages.
 */

/** A rule: a regular expression and what it means in words. */
export interface Rule {
  readonly pattern: RegExp;
  readonly says: string;
}

const PARTITION = "aws(?:-us-gov|-cn)?";
const REGION = "[a-z]{2}(?:-gov)?-[a-z]+-\\d";

export const ENVIRONMENT_NAME: Rule = {
  pattern: /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,15}$/,
  says: "1-16 characters: lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen",
};

export const ACCOUNT_ID: Rule = { pattern: /^\d{12}$/, says: "a 12-digit AWS account ID" };

export const REGION_NAME: Rule = { pattern: new RegExp(`^${REGION}$`), says: "an AWS region name such as us-east-1" };

export const AVAILABILITY_ZONE: Rule = {
  pattern: new RegExp(`^${REGION}[a-z]$`),
  says: "an availability zone name such as us-east-1a",
};

export const VPC_ID: Rule = { pattern: /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/, says: "a VPC ID such as vpc-0123456789abcdef0" };
export const SUBNET_ID: Rule = {
  pattern: /^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
  says: "a subnet ID such as subnet-0123456789abcdef0",
};
export const SECURITY_GROUP_ID: Rule = {
  pattern: /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
  says: "a security group ID such as sg-0123456789abcdef0",
};

export const SECRET_ARN: Rule = {
  pattern: new RegExp(`^arn:${PARTITION}:secretsmanager:${REGION}:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$`),
  says: "the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)",
};

export const KMS_KEY_ARN: Rule = {
  pattern: new RegExp(`^arn:${PARTITION}:kms:${REGION}:\\d{12}:key/[0-9a-f-]{36}$`),
  says: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)",
};

export const ACM_CERTIFICATE_ARN: Rule = {
  pattern: new RegExp(`^arn:${PARTITION}:acm:${REGION}:\\d{12}:certificate/[0-9a-f-]{36}$`),
  says: "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
};

export const TARGET_GROUP_ARN: Rule = {
  pattern: new RegExp(
    `^arn:${PARTITION}:elasticloadbalancing:${REGION}:\\d{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`,
  ),
  says: "a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)",
};

export const IAM_ROLE_ARN: Rule = {
  pattern: new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`),
  says: "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
};

export const ECS_CLUSTER_NAME: Rule = {
  pattern: /^[A-Za-z0-9_-]{1,255}$/,
  says: "an ECS cluster name (letters, digits, hyphens and underscores, up to 255)",
};

export const S3_BUCKET_NAME: Rule = {
  pattern: /^(?!xn--)(?!.*-s3alias$)[a-z0-9](?:[a-z0-9-]|\.(?!\.)){1,61}[a-z0-9]$/,
  says: "an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
};

/**
 * An image repository: an optional registry host (with port) and a path of
 * lowercase components, as Docker references allow.
 */
export const IMAGE_REPOSITORY: Rule = {
  pattern:
    /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
  says: "an image repository such as netskopetechnicalalliances/cloudexchange or <account>.dkr.ecr.<region>.amazonaws.com/netskope/core5",
};

export const IMAGE_TAG: Rule = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
  says: "an image tag: up to 128 letters, digits, underscores, dots and hyphens, not starting with a dot or hyphen",
};

export const IMAGE_DIGEST: Rule = { pattern: /^sha256:[a-f0-9]{64}$/, says: "an image digest sha256:<64 hex digits>" };

/** AWS tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
export const TAG_KEY: Rule = {
  pattern: /^(?!aws:)[\p{L}\p{N}\s_.:/=+\-@]{1,128}$/u,
  says: "1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:",
};
export const TAG_VALUE: Rule = {
  pattern: /^[\p{L}\p{N}\s_.:/=+\-@]{0,256}$/u,
  says: "up to 256 letters, digits, spaces and _ . : / = + - @",
};

/** A no-proxy entry: a host name, a domain suffix (.example.com) or an IPv4 address/CIDR. */
export const NO_PROXY_ENTRY: Rule = {
  pattern: /^(?:\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?)$/,
  says: "a host name, a domain suffix such as .example.com, or an IPv4 address or CIDR",
};

/** The ECS cron/rate expression forms EventBridge Scheduler accepts. */
export const SCHEDULE_EXPRESSION: Rule = {
  pattern: /^(?:rate\((?:1 (?:minute|hour|day)|(?:[2-9]|[1-9]\d{1,3}) (?:minutes|hours|days))\)|cron\((?:\S+ ){5}\S+\))$/,
  says: "an EventBridge Scheduler expression: rate(<n> minutes|hours|days) or cron(<6 fields>)",
};

/** An EFS file system ID. */
export const FILE_SYSTEM_ID: Rule = { pattern: /^fs-[0-9a-f]{8,17}$/, says: "an EFS file system ID such as fs-0123456789abcdef0" };

/** An AWS Backup vault ARN. */
export const BACKUP_VAULT_ARN: Rule = {
  pattern: new RegExp(`^arn:${PARTITION}:backup:${REGION}:\\d{12}:backup-vault:[A-Za-z0-9_-]{2,50}$`),
  says: "an AWS Backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)",
};

/** The cron form AWS Backup plans accept (six fields, UTC unless a time zone is given). */
export const BACKUP_CRON: Rule = {
  pattern: /^cron\((?:\S+ ){5}\S+\)$/,
  says: "an AWS Backup cron expression such as cron(0 3 * * ? *) (six fields; AWS Backup plans take no rate())",
};

/** An IANA time zone name (or UTC). */
export const TIME_ZONE: Rule = {
  pattern: /^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2})$/,
  says: "an IANA time zone such as Europe/Berlin",
};

/** A Route 53 hosted zone ID. */
export const HOSTED_ZONE_ID: Rule = { pattern: /^Z[A-Z0-9]{1,31}$/, says: "a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ" };

/** A DNS record name. */
export const DNS_NAME: Rule = {
  pattern: /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  says: "a lower-case DNS name such as ce.example.com",
};

/** The partition of a region name. */
export function partitionOf(region: string): "aws" | "aws-us-gov" | "aws-cn" {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** Region and account parts of an ARN (`arn:partition:service:region:account:...`). */
export function arnParts(arn: string): { region: string; account: string } {
  const parts = arn.split(":");
  return { region: parts[3] ?? "", account: parts[4] ?? "" };
}
