/** The ce-state-bootstrap stack creates hardened, protected state buckets. */
import { stateBuckets } from "../../modules/app";
import { ConfigError, parseEnvironments } from "../../modules/config";
import { ACCOUNT, baseEnvironment } from "../support/fixtures";
import { evaluate, statementsOf } from "../support/iam-simulator";
import { policyOf, ref, resourcesOf, synthApp } from "../support/synth";

describe("state bootstrap stack", () => {
  const stacks = synthApp([baseEnvironment(), baseEnvironment({ name: "other" })]);
  const bootstrap = stacks["ce-state-bootstrap"];
  const prefix = "test-ce-tfstate";
  const bucketRef = (attr: string) => ref("aws_s3_bucket", `${prefix}_bucket_bucket`, attr);

  it("keeps its own state locally, outside cdktf.out, at a machine-independent path", () => {
    expect(bootstrap.terraform?.backend).toEqual({ local: { path: "../../../terraform.ce-state-bootstrap.tfstate" } });
  });

  it("creates one bucket for environments sharing it, and a bucket for its access logs", () => {
    expect(resourcesOf(bootstrap, "aws_s3_bucket").map(([, b]) => b.bucket)).toEqual([`${prefix}-access-logs`, prefix]);
  });

  it("logs every access to the state bucket to the log bucket", () => {
    const [[, logging]] = resourcesOf(bootstrap, "aws_s3_bucket_logging");
    expect(logging).toMatchObject({ bucket: bucketRef("id"), target_bucket: ref("aws_s3_bucket", `${prefix}_access-log-bucket_bucket`, "bucket"), target_prefix: "state-bucket/" });
  });

  it("protects the bucket and its key from destruction", () => {
    const bucket = resourcesOf(bootstrap, "aws_s3_bucket").find(([, b]) => b.bucket === prefix)![1];
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(bucket.force_destroy).toBe(false);
    const [[, key]] = resourcesOf(bootstrap, "aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
  });

  it("versions, encrypts with KMS and blocks public access", () => {
    const ofState = (type: string) => resourcesOf(bootstrap, type).find(([name]) => name.startsWith(`${prefix}_bucket_`))![1];
    expect(ofState("aws_s3_bucket_versioning")).toMatchObject({ bucket: bucketRef("id"), versioning_configuration: { status: "Enabled" } });
    const encryption = ofState("aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref("aws_kms_key", `${prefix}_encryption-key_key`, "arn") },
        bucket_key_enabled: true,
      },
    ]);
    expect(ofState("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(ofState("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  it("denies every request without TLS", () => {
    const policy = resourcesOf(bootstrap, "aws_s3_bucket_policy").find(([name]) => name.startsWith(`${prefix}_bucket_`))![1];
    expect(policyOf(policy.policy).Statement).toContainEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketRef("arn"), `${bucketRef("arn")}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  describe("bucket policy, evaluated", () => {
    const two = synthApp([
      baseEnvironment({ state: { bucket: prefix, region: "eu-west-1", writers: [`arn:aws:iam::${ACCOUNT}:role/deploy-test`] } }),
      baseEnvironment({ name: "other", state: { bucket: prefix, region: "eu-west-1", writers: ["arn:aws:iam::111111111111:role/deploy-other"] } }),
    ])["ce-state-bootstrap"];
    const statements = statementsOf(resourcesOf(two, "aws_s3_bucket_policy").find(([name]) => name.startsWith(`${prefix}_bucket_`))![1].policy);
    const bucketArn = bucketRef("arn");
    const keyArn = ref("aws_kms_key", `${prefix}_encryption-key_key`, "arn");
    const aliasArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/ce-tfstate-${prefix}`;
    const put = (principal: string, key: string, headers: Record<string, string>) =>
      evaluate(statements, { principal, action: "s3:PutObject", resource: `${bucketArn}/${key}`, context: { "aws:SecureTransport": "true", ...headers } });
    const admin = `arn:aws:iam::${ACCOUNT}:role/admin`;

    it("denies a state object written with SSE-S3 (AES256) or without an encryption header", () => {
      expect(put(admin, "cloud-exchange/test/terraform.tfstate", { "s3:x-amz-server-side-encryption": "AES256" })).toBe("explicitly denied");
      expect(put(admin, "cloud-exchange/test/terraform.tfstate", {})).toBe("explicitly denied");
    });

    it("denies SSE-KMS under any key but the state key, and lets the key ARN and the alias ARN the backends name through", () => {
      const other = "arn:aws:kms:eu-west-1:210987654321:key/00000000-0000-0000-0000-000000000000";
      const kms = (key: string) => ({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": key });
      expect(put(admin, "cloud-exchange/test/terraform.tfstate", kms(other))).toBe("explicitly denied");
      expect(put(admin, "cloud-exchange/test/terraform.tfstate", { "s3:x-amz-server-side-encryption": "aws:kms" })).toBe("explicitly denied");
      // Same-account callers are then allowed by their IAM policies: the bucket policy neither denies nor needs to allow.
      expect(put(admin, "cloud-exchange/test/terraform.tfstate", kms(aliasArn))).not.toBe("explicitly denied");
      expect(put(admin, "cloud-exchange/test/terraform.tfstate", kms(keyArn))).not.toBe("explicitly denied");
    });

    it("confines each environment's writers to its own state, reads included (another environment's state holds its secrets)", () => {
      const kms = { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": aliasArn };
      const testRole = `arn:aws:iam::${ACCOUNT}:role/deploy-test`;
      const otherRole = "arn:aws:iam::111111111111:role/deploy-other";
      const get = (principal: string, key: string) => evaluate(statements, { principal, action: "s3:GetObject", resource: `${bucketArn}/${key}` });
      expect(put(testRole, "cloud-exchange/test/terraform.tfstate", kms)).toBe("allowed");
      expect(put(testRole, "cloud-exchange/other/terraform.tfstate", kms)).toBe("explicitly denied");
      expect(get(testRole, "cloud-exchange/other/terraform.tfstate")).toBe("explicitly denied");
      expect(get(otherRole, "cloud-exchange/other/terraform.tfstate")).toBe("allowed");
      expect(get(otherRole, "cloud-exchange/test/terraform.tfstate")).toBe("explicitly denied");
      expect(get(otherRole, "cloud-exchange/otherwise/terraform.tfstate")).toBe("explicitly denied");
      expect(get(admin, "cloud-exchange/test/terraform.tfstate")).toBe("implicitly denied");
    });

    it("lets the writers of another account use the state key only through S3", () => {
      const key = statementsOf(resourcesOf(two, "aws_kms_key")[0][1].policy);
      const request = (context: Record<string, string>) =>
        evaluate(key, { principal: "arn:aws:iam::111111111111:role/deploy-other", action: "kms:GenerateDataKey", resource: "*", context });
      expect(request({ "kms:ViaService": "s3.eu-west-1.amazonaws.com" })).toBe("allowed");
      expect(request({})).toBe("implicitly denied");
    });
  });

  it("expires old state versions and aborts stale uploads", () => {
    const lifecycle = resourcesOf(bootstrap, "aws_s3_bucket_lifecycle_configuration").find(([name]) => name.startsWith(`${prefix}_bucket_`))![1];
    expect(lifecycle.rule).toContainEqual(
      expect.objectContaining({
        status: "Enabled",
        noncurrent_version_expiration: [{ noncurrent_days: 365 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      }),
    );
  });

  it("pins the provider to the bucket's account", () => {
    expect(bootstrap.provider?.aws).toEqual([expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["210987654321"] })]);
  });

  it("uses one aliased provider per extra region", () => {
    const two = synthApp([baseEnvironment(), baseEnvironment({ name: "other", state: { bucket: "other-state", region: "us-west-2" } })]);
    const providers = two["ce-state-bootstrap"].provider?.aws ?? [];
    expect(providers.map((p) => [p.region, p.alias])).toEqual([
      ["eu-west-1", undefined],
      ["us-west-2", "us_west_2"],
    ]);
    const buckets = resourcesOf(two["ce-state-bootstrap"], "aws_s3_bucket");
    expect(buckets.map(([, b]) => [b.bucket, b.provider])).toEqual([
      ["other-state-access-logs", "aws.us_west_2"],
      ["other-state", "aws.us_west_2"],
      ["test-ce-tfstate-access-logs", "aws"],
      ["test-ce-tfstate", "aws"],
    ]);
  });

  it("refuses environments that share a bucket name with different settings, before anything is built", () => {
    const sources = [
      { source: "environments/test.ts", input: baseEnvironment() },
      { source: "environments/b.ts", input: baseEnvironment({ name: "b", state: { bucket: "test-ce-tfstate", region: "us-east-1" } }) },
    ];
    expect(() => parseEnvironments(sources)).toThrow(ConfigError);
    expect(() => parseEnvironments(sources)).toThrow(
      /environments\/b\.ts[^\n]*\n\s+- state: uses bucket test-ce-tfstate with a different region, account or KMS key than environment test/,
    );
  });

  it("creates a bucket shared by agreeing environments once", () => {
    const shared = parseEnvironments([
      { source: "a", input: baseEnvironment() },
      { source: "b", input: baseEnvironment({ name: "b" }) },
    ]);
    expect(stateBuckets(shared).map((b) => b.bucket)).toEqual(["test-ce-tfstate"]);
  });
});
