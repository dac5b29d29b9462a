/**
 * No generated secret in Terraform's state, as the real terraform and AWS
 * provider apply the secrets construct against a loopback Secrets Manager
 * stand-in that hands out the passwords and records what it receives:
 * - the construct applied for real writes each value to Secrets Manager and
 *   none to the state; the next plan changes nothing and writes no new value;
 * - a version written the way releases before 0.2.0 wrote it (the value in
 *   `secret_string`, in the state) keeps its value: no new version, no
 *   replacement (a new maintenance password would lock CE out of its data);
 *   `npm run purge-state-secrets` then takes the value out of that state,
 *   and the purged state plans no change.
 * Reads no environment file (the plans of every environment's stack are
 * generated-secrets.test.ts's), so the fork test does not run it again.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { releaseOf } from "../../modules/releases";
import { CloudExchangeSecrets } from "../../modules/secrets/cloud-exchange-secrets";
import { startSecretsManagerStandIn, SecretsManagerStandIn } from "../support/secrets-manager-stand-in";
import { providerOverride } from "./harness";
import { describePlans } from "./plan-availability";
import { terraformSetup } from "./terraform-cli";

const run = promisify(execFile);
const KEY = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

/** Every value in `values` that occurs in `text`. */
const found = (values: readonly string[], text: string) => values.filter((v) => text.includes(v));

/** The synthesized JSON of a stack holding only the environment's secrets (generated), for a real apply. */
function secretsOnlyStack(): Record<string, any> {
  const app = Testing.app();
  const stack = new TerraformStack(app, "secrets-only");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new CloudExchangeSecrets(stack, "secrets", {
    mode: "generate",
    namePrefix: "ce/apply",
    kmsKeyArn: KEY,
    recoveryWindowDays: 7,
    release: releaseOf("6.1"),
    topology: { mongoHosts: ["localhost:27017"], rabbitmqHosts: ["localhost"] },
  });
  return JSON.parse(Testing.synth(stack));
}

describePlans("generated secrets applied for real against a loopback Secrets Manager", () => {
  let dir: string;
  let standIn: SecretsManagerStandIn;
  const setup = terraformSetup();
  const terraform = async (...args: string[]) => run(setup.binary, [...args, "-no-color", "-input=false"], { cwd: dir, env: setup.env, maxBuffer: 64 * 1024 * 1024 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ce-secrets-apply-"));
    standIn = await startSecretsManagerStandIn();
    const stack = secretsOnlyStack();
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack));
    writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(stack, { secretsmanager: standIn.url })));
    await terraform("init");
    await terraform("apply", "-auto-approve");
  }, 300_000);

  afterAll(async () => {
    await standIn?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes every value to Secrets Manager, and none to the state", () => {
    // Three secrets, each written once: the maintenance secret carries the generated password and its derived forms.
    expect(standIn.written).toHaveLength(3);
    const maintenance = standIn.written.map((w) => JSON.parse(w.startsWith("{") ? w : "{}")).find((w) => "MAINTENANCE_PASSWORD" in w);
    expect(standIn.generated).toContain(maintenance.MAINTENANCE_PASSWORD);
    expect(maintenance.MONGO_CONNECTION_STRING).toContain(`cteadmin:${maintenance.MAINTENANCE_PASSWORD}@localhost:27017/cte?tls=true`);
    const state = readFileSync(join(dir, "terraform.tfstate"), "utf8");
    const values = [...standIn.generated, ...standIn.written.flatMap((w) => (w.startsWith("{") ? Object.values(JSON.parse(w) as Record<string, string>) : [w]))];
    expect(found(values, state)).toEqual([]);
    const versions = (JSON.parse(state).resources as any[]).filter((r) => r.type === "aws_secretsmanager_secret_version");
    expect(versions.map((v) => v.instances[0].attributes.has_secret_string_wo)).toEqual([true, true, true]);
  });

  it("plans no change on the next run and writes no new value", async () => {
    const writes = standIn.written.length;
    const plan = await terraform("plan", "-detailed-exitcode").then(
      () => 0,
      (error: { code?: number }) => error.code,
    );
    expect(plan).toBe(0);
    expect(standIn.written).toHaveLength(writes);
  }, 300_000);

  it("keeps the value of a version written before 0.2.0 (in secret_string): no new version, no replacement", async () => {
    const statePath = join(dir, "terraform.tfstate");
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    for (const resource of state.resources as any[]) {
      if (resource.type !== "aws_secretsmanager_secret_version") continue;
      const attributes = resource.instances[0].attributes;
      Object.assign(attributes, { secret_string: "a value written before 0.2.0", secret_string_wo: null, secret_string_wo_version: null, has_secret_string_wo: false });
    }
    state.serial += 1;
    writeFileSync(statePath, JSON.stringify(state));
    const writes = standIn.written.length;
    const out = await terraform("plan", "-refresh=false", "-detailed-exitcode").then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code, stdout: error.stdout ?? "" }),
    );
    expect({ code: out.code, replaced: /must be replaced|will be created/.test(out.stdout) }).toEqual({ code: 0, replaced: false });
    expect(standIn.written).toHaveLength(writes);
  }, 300_000);

  it("purges such a state (npm run purge-state-secrets), leaving no value, and the purged state plans no change", async () => {
    const statePath = join(dir, "terraform.tfstate");
    const before = readFileSync(statePath, "utf8");
    expect(before).toContain("a value written before 0.2.0");
    const purge = spawnSync(join(__dirname, "..", "..", "node_modules", ".bin", "tsx"), [join(__dirname, "..", "..", "scripts", "purge-state-secrets.ts")], {
      input: before,
      encoding: "utf8",
    });
    expect(purge.status).toBe(0);
    expect(purge.stderr).toMatch(/removed the values of aws_secretsmanager_secret_version\.secrets_cluster-version\w*, .*secrets_jwt-secret-version\w*, .*secrets_maintenance-version\w*;/);
    expect(purge.stdout).not.toContain("a value written before 0.2.0");
    expect(JSON.parse(purge.stdout).serial).toBe(JSON.parse(before).serial + 1);
    writeFileSync(statePath, purge.stdout);
    const code = await terraform("plan", "-refresh=false", "-detailed-exitcode").then(
      () => 0,
      (error: { code?: number }) => error.code,
    );
    expect(code).toBe(0);
  }, 300_000);
});
