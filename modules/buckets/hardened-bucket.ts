/**
 * An S3 bucket with every control a security review expects: public access
 * blocked, ACLs disabled, TLS-only policy, default encryption, versioning,
 * lifecycle for old versions, optional server access logging and EventBridge
 * notifications, and protection from deletion.
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { denyInsecureTransport, policyDocument, PolicyStatement } from "../iam/policy";
import { protectFromDestroy } from "../protection";

/** Default encryption of a bucket. */
export type BucketEncryption =
  /** SSE-KMS with a customer managed key (and S3 bucket keys). */
  | { readonly kind: "kms"; readonly keyArn: string }
  /** SSE-S3: required where AWS delivers logs (ALB access logs, S3 server access logs). */
  | { readonly kind: "s3-managed" };

/** A bucket whose S3 server access logs another bucket receives. */
export interface ServerAccessLogSource {
  /** Name of the bucket whose accesses are logged. */
  readonly bucketName: string;
  /** Key prefix of its logs in the receiving bucket, ending in `/`. */
  readonly prefix: string;
  /** Account that owns the logged bucket. */
  readonly accountId: string;
  /** Partition of the logged bucket. */
  readonly partition: string;
}

/**
 * Policy statement of a log bucket letting the S3 logging service deliver
 * one source bucket's server access logs under its prefix, and nothing else.
 */
export function serverAccessLogDelivery(logBucketArn: string, source: ServerAccessLogSource): PolicyStatement {
  return {
    Sid: "S3ServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${logBucketArn}/${source.prefix}*`,
    Condition: {
      ArnLike: { "aws:SourceArn": `arn:${source.partition}:s3:::${source.bucketName}` },
      StringEquals: { "aws:SourceAccount": source.accountId },
    },
  };
}

/** Props of {@link HardenedBucket}. */
export interface HardenedBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Default encryption. */
  readonly encryption: BucketEncryption;
  /** Days before current objects expire. Default: never. */
  readonly expireAfterDays?: number;
  /** Days a noncurrent version is kept. Default 90. */
  readonly noncurrentVersionDays?: number;
  /** Where this bucket's server access logs go. Default: no server access logging. */
  readonly accessLogs?: { readonly targetBucket: string; readonly prefix: string };
  /** Statements added to the bucket policy (after the TLS-only deny). Receives the bucket ARN. Default: none. */
  readonly policyStatements?: (bucketArn: string) => PolicyStatement[];
  /** Send object events to EventBridge (Security Hub S3.11). Default true. */
  readonly eventBridgeNotifications?: boolean;
  /** Leave the bucket without prevent_destroy, and let Terraform empty it on destroy. Default false. */
  readonly allowDestroy?: boolean;
  /** Provider for the bucket's resources. Default: the stack's default AWS provider. */
  readonly provider?: TerraformProvider;
}

/** A hardened S3 bucket. */
export class HardenedBucket extends Construct {
  /** The bucket. */
  readonly bucket: S3Bucket;
  /** Bucket name. */
  readonly bucketName: string;
  /** Bucket ARN. */
  readonly bucketArn: string;
  /** The bucket policy (resources writing to the bucket should depend on it). */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: HardenedBucketProps) {
    super(scope, id);
    const provider = props.provider;
    // Only an environment that allows destroying lets Terraform empty the bucket on destroy.
    this.bucket = new S3Bucket(this, "bucket", { provider, bucket: props.bucketName, forceDestroy: props.allowDestroy ?? false });
    protectFromDestroy(this.bucket, props.allowDestroy ?? false);
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const bucket = this.bucket.id;

    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access-block", {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership-controls", {
      provider,
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketVersioningA(this, "versioning", { provider, bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket,
      rule: [
        props.encryption.kind === "kms"
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.encryption.keyArn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 90 }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ];
    if (props.expireAfterDays !== undefined) {
      rules.push({
        id: "expire-current-objects",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ days: props.expireAfterDays }],
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", { provider, bucket, rule: rules });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, "access-logging", {
        provider,
        bucket,
        targetBucket: props.accessLogs.targetBucket,
        targetPrefix: props.accessLogs.prefix,
      });
    }
    if (props.eventBridgeNotifications ?? true) {
      new S3BucketNotification(this, "notifications", { provider, bucket, eventbridge: true });
    }

    this.policy = new S3BucketPolicy(this, "policy", {
      provider,
      bucket,
      policy: policyDocument([denyInsecureTransport(this.bucketArn), ...(props.policyStatements?.(this.bucketArn) ?? [])]),
      dependsOn: [publicAccess],
    });
  }
}
