/**
 * The `ce-state-bootstrap` stack: creates the S3 bucket(s) that hold the
 * environments' Terraform state, for teams that have none. It keeps its own
 * state locally (it cannot live in the bucket it creates).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend } from "cdktf";
import { Construct } from "constructs";
import { HardenedBucket, serverAccessLogDelivery, ServerAccessLogSource } from "../buckets/hardened-bucket";
import { partitionOf } from "../config/patterns";
import { EncryptionKey } from "../encryption/encryption-key";
import { ReadableStack } from "../stacks/readable-stack";

/** One state bucket to create. */
export interface StateBucketSpec {
  /** Bucket name. */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Account that owns the bucket. */
  readonly accountId: string;
  /** Existing KMS key for the bucket's default encryption. Default: a new key `alias/ce-tfstate-<bucket>`. */
  readonly kmsKeyArn?: string;
}

/** Props of {@link StateBootstrapStack}. */
export interface StateBootstrapStackProps {
  /** The buckets, at least one; one provider per region. */
  readonly buckets: readonly StateBucketSpec[];
  /** Days a noncurrent state version is kept. Default 365. */
  readonly noncurrentVersionDays?: number;
  /** Days the state buckets' server access logs are kept. Default 365. */
  readonly accessLogRetentionDays?: number;
}

/** Name of the bootstrap stack. */
export const STATE_BOOTSTRAP_STACK = "ce-state-bootstrap";

/** The state-bucket bootstrap stack. */
export class StateBootstrapStack extends ReadableStack {
  /** The buckets created, by name. */
  readonly buckets: ReadonlyMap<string, HardenedBucket>;

  constructor(scope: Construct, id: string, props: StateBootstrapStackProps) {
    super(scope, id);
    if (props.buckets.length === 0) throw new Error("StateBootstrapStack needs at least one bucket");
    // Relative to cdktf.out/stacks/<stack>: the project root, so the state survives re-synthesis.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });

    const providers = new Map<string, AwsProvider>();
    const buckets = new Map<string, HardenedBucket>();
    const regions = [...new Set(props.buckets.map((b) => b.region))].sort();
    for (const region of regions) {
      const accounts = [...new Set(props.buckets.filter((b) => b.region === region).map((b) => b.accountId))].sort();
      providers.set(
        region,
        new AwsProvider(this, `aws-${region}`, {
          region,
          allowedAccountIds: accounts,
          ...(region === regions[0] ? {} : { alias: region.replace(/-/g, "_") }),
          defaultTags: [{ tags: { Project: "cloud-exchange", Component: "terraform-state", ManagedBy: "cdktf" } }],
        }),
      );
    }

    for (const spec of [...props.buckets].sort((a, b) => a.bucket.localeCompare(b.bucket))) {
      const provider = providers.get(spec.region)!;
      const scopeOfBucket = new Construct(this, spec.bucket);
      let keyArn = spec.kmsKeyArn;
      if (!keyArn) {
        const key = new EncryptionKey(scopeOfBucket, "encryption-key", {
          description: `Terraform state in s3://${spec.bucket}`,
          alias: `ce-tfstate-${spec.bucket}`.slice(0, 250),
          accountId: spec.accountId,
          region: spec.region,
          partition: partitionOf(spec.region),
          provider,
        });
        keyArn = key.keyArn;
      }
      // Who read or wrote the state (it holds generated secrets) is kept in a
      // second bucket; S3 server access logs can only go to an SSE-S3 bucket.
      const logBucketName = `${spec.bucket}-access-logs`.slice(0, 63).replace(/[.-]+$/, "");
      const logged: ServerAccessLogSource = {
        bucketName: spec.bucket,
        prefix: "state-bucket/",
        accountId: spec.accountId,
        partition: partitionOf(spec.region),
      };
      const logBucket = new HardenedBucket(scopeOfBucket, "access-log-bucket", {
        bucketName: logBucketName,
        encryption: { kind: "s3-managed" },
        expireAfterDays: props.accessLogRetentionDays ?? 365,
        noncurrentVersionDays: 30,
        provider,
        policyStatements: (bucketArn) => [serverAccessLogDelivery(bucketArn, logged)],
      });
      const bucket = new HardenedBucket(scopeOfBucket, "bucket", {
        bucketName: spec.bucket,
        encryption: { kind: "kms", keyArn },
        noncurrentVersionDays: props.noncurrentVersionDays ?? 365,
        accessLogs: { targetBucket: logBucket.bucketName, prefix: logged.prefix },
        provider,
      });
      buckets.set(spec.bucket, bucket);
    }
    this.buckets = buckets;
  }
}
