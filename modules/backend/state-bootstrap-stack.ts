/**
 * The `ce-state-bootstrap` stack: creates the S3 bucket(s) that hold the
 * environments' Terraform state, for teams that have none. It keeps its own
 * state locally (it cannot live in the bucket it creates).
 *
 * The state holds generated secrets, so the bucket policy refuses any object
 * not written with SSE-KMS under the state key (Terraform's S3 backend would
 * otherwise send `AES256`, which overrides the bucket default), and each
 * stack's deploy roles (`state.writers`, `defender.memberStateWriters`) are
 * confined to that stack's state object. The state key's policy pins its
 * alias (the backends name it) and refuses deletion to every principal.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend } from "cdktf";
import { Construct } from "constructs";
import { HardenedBucket, serverAccessLogDelivery, ServerAccessLogSource } from "../buckets/hardened-bucket";
import { partitionOf } from "../config/patterns";
import { EncryptionKey } from "../encryption/encryption-key";
import { PolicyStatement } from "../iam/policy";
import { lockFileOf, stateKeyAliasName, WORKSPACE_LIST_PREFIX } from "./remote-state";
import { StateWriters } from "./state-writers";

export type { StateWriters } from "./state-writers";
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
  /**
   * The roles that deploy each stack kept in the bucket (`state.writers`, `defender.memberStateWriters`);
   * each group is confined to its one state object and lock file. Default: none.
   */
  readonly writers?: readonly StateWriters[];
}

/** The key prefix of an environment's state objects. */
export function statePrefixOf(environmentName: string): string {
  return `cloud-exchange/${environmentName}/`;
}

const sidPart = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());

/** What Terraform does to a state with the S3 backend: read, write and delete its lock file, and list workspaces. */
export const STATE_WRITER_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] as const;

/**
 * The statements confining one group of writers: nothing in the bucket but
 * their state object and its lock file (no other state, no versions, tags,
 * ACLs or bucket settings), and no listing beyond Terraform's workspace
 * prefix. The denies hold whatever the roles' own IAM policies grant; the
 * allows let roles of other accounts in.
 */
export function stateWriterStatements(bucketArn: string, group: StateWriters): PolicyStatement[] {
  const who = { ArnEquals: { "aws:PrincipalArn": [...group.roleArns] } };
  const objects = [`${bucketArn}/${group.stateKey}`, `${bucketArn}/${lockFileOf(group.stateKey)}`];
  const sid = sidPart(group.label);
  return [
    {
      Sid: `${sid}WritersDoNothingElseInTheBucket`,
      Effect: "Deny",
      Principal: "*",
      NotAction: [...STATE_WRITER_ACTIONS, "s3:ListBucket"],
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: who,
    },
    {
      Sid: `${sid}WritersTouchOnlyTheirState`,
      Effect: "Deny",
      Principal: "*",
      Action: [...STATE_WRITER_ACTIONS],
      NotResource: objects,
      Condition: who,
    },
    {
      Sid: `${sid}WritersListOnlyWorkspaces`,
      Effect: "Deny",
      Principal: "*",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { ...who, StringNotEquals: { "s3:prefix": WORKSPACE_LIST_PREFIX } },
    },
    { Sid: `${sid}WritersUseTheirState`, Effect: "Allow", Principal: { AWS: [...group.roleArns] }, Action: [...STATE_WRITER_ACTIONS], Resource: objects },
    {
      Sid: `${sid}WritersListWorkspaces`,
      Effect: "Allow",
      Principal: { AWS: [...group.roleArns] },
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringEquals: { "s3:prefix": WORKSPACE_LIST_PREFIX } },
    },
  ];
}

/**
 * Bucket policy statements of a state bucket: every object written with
 * SSE-KMS under one of `keyIds` (the key ARN, and the alias ARN the backends
 * name, which the key's policy pins), and each group of writers confined to
 * its state object.
 */
export function stateBucketStatements(bucketArn: string, keyIds: readonly string[], writers: readonly StateWriters[]): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyObjectsNotEncryptedWithKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
    {
      Sid: "DenyObjectsUnderAnotherKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [...keyIds] } },
    },
  ];
  for (const group of writers) {
    if (group.roleArns.length > 0) statements.push(...stateWriterStatements(bucketArn, group));
  }
  return statements;
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
      const partition = partitionOf(spec.region);
      const writers = spec.writers ?? [];
      const writerArns = [...new Set(writers.flatMap((w) => w.roleArns))].sort();
      let keyArn = spec.kmsKeyArn;
      const keyIds: string[] = [];
      if (!keyArn) {
        const alias = stateKeyAliasName(spec.bucket);
        const key = new EncryptionKey(scopeOfBucket, "encryption-key", {
          description: `Terraform state in s3://${spec.bucket}`,
          alias: alias.slice("alias/".length),
          accountId: spec.accountId,
          region: spec.region,
          partition,
          provider,
          // The backends name the key by this alias: it must never point elsewhere.
          pinAlias: true,
          additionalStatements:
            writerArns.length > 0
              ? [
                  {
                    // Needed for deploy roles of other accounts (Defender member stacks); same-account roles get it through IAM too.
                    Sid: "StateWritersUseTheKeyThroughS3",
                    Effect: "Allow",
                    Principal: { AWS: writerArns },
                    Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                    Resource: "*",
                    Condition: { StringEquals: { "kms:ViaService": `s3.${spec.region}.amazonaws.com` } },
                  },
                ]
              : [],
        });
        keyArn = key.keyArn;
        keyIds.push(key.keyArn, `arn:${partition}:kms:${spec.region}:${spec.accountId}:${alias}`);
      } else {
        keyIds.push(keyArn);
      }
      // Who read or wrote the state (it holds generated secrets) is kept in a
      // second bucket; S3 server access logs can only go to an SSE-S3 bucket.
      const logBucketName = `${spec.bucket}-access-logs`.slice(0, 63).replace(/[.-]+$/, "");
      const logged: ServerAccessLogSource = {
        bucketName: spec.bucket,
        prefix: "state-bucket/",
        accountId: spec.accountId,
        partition,
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
        policyStatements: (bucketArn) => stateBucketStatements(bucketArn, keyIds, writers),
      });
      buckets.set(spec.bucket, bucket);
    }
    this.buckets = buckets;
  }
}
