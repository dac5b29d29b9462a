/**
 * Nothing lost: every stateful resource of every stack carries its
 * protection, every resource type is classified, and the protection goes
 * away only when an environment explicitly allows destroying it.
 */
import { baseEnvironment, haEnvironment } from "../support/fixtures";
import { synthEnvironment } from "../support/synth";
import { each } from "./controls";
import { policyCorpus } from "./corpus";
import { STATEFUL, STATELESS } from "./stateful";

const corpus = policyCorpus();

describe("nothing lost", () => {
  it("every resource type of every stack is classified as stateful or stateless", () => {
    const types = new Set(Object.values(corpus).flatMap((stack) => Object.keys(stack.resource ?? {})));
    const unclassified = [...types].filter((t) => !(t in STATEFUL) && !STATELESS.has(t));
    expect(unclassified).toEqual([]);
  });

  it.each(Object.entries(STATEFUL).map(([type, s]) => [type, s.protection, s] as const))("every %s carries %s", (type, _protection, stateful) => {
    const all = Object.entries(corpus).flatMap(([stack, json]) => each(json, type).map(([address, config]) => ({ at: `${stack}: ${address}`, config })));
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((r) => !stateful.protected(r.config)).map((r) => r.at)).toEqual([]);
  });

  it("lists the stateful resources of each stack", () => {
    const inventory = Object.fromEntries(
      Object.entries(corpus).map(([stack, json]) => [stack, Object.keys(STATEFUL).flatMap((type) => each(json, type).map(([address]) => address))]),
    );
    expect(inventory["ce-newhttps"].sort()).toEqual([
      "aws_backup_vault.backup_vault_vault",
      "aws_efs_file_system.storage_file-system",
      "aws_kms_key.encryption-key_key",
      "aws_s3_bucket.ingress_access-log-bucket_bucket",
      "aws_s3_bucket.ingress_server-access-log-bucket_bucket",
      "aws_secretsmanager_secret.backup-secret_secret",
      "aws_secretsmanager_secret.secrets_cluster",
      "aws_secretsmanager_secret.secrets_jwt-secret",
      "aws_secretsmanager_secret.secrets_maintenance",
      "aws_secretsmanager_secret_version.backup-secret_version",
      "aws_secretsmanager_secret_version.secrets_cluster-version",
      "aws_secretsmanager_secret_version.secrets_jwt-secret-version",
      "aws_secretsmanager_secret_version.secrets_maintenance-version",
    ]);
    // Per state bucket (the fixtures', the shipped environments' in us-east-1, and the standby's in us-west-2): the bucket, its log bucket and its key.
    expect(inventory["ce-state-bootstrap"].filter((a) => a.startsWith("aws_s3_bucket.") || a.startsWith("aws_kms_key."))).toHaveLength(9);
  });

  it.each([
    ["standalone", baseEnvironment({ protection: { allowDestroy: true } })],
    ["ha", haEnvironment({ protection: { allowDestroy: true } })],
  ])("drops every protection only when the environment allows destroying it (%s)", (_variant, input) => {
    const open = synthEnvironment(input);
    for (const type of Object.keys(STATEFUL)) {
      for (const [address, config] of each(open, type)) expect({ address, preventDestroy: config.lifecycle?.prevent_destroy }).toEqual({ address, preventDestroy: undefined });
    }
    for (const [, lb] of each(open, "aws_lb")) expect(lb.enable_deletion_protection).toBe(false);
    for (const [, bucket] of each(open, "aws_s3_bucket")) expect(bucket.force_destroy).toBe(true);
  });
});
