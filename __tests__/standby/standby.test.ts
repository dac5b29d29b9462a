/**
 * A standby region in the synthesized stacks and the environment model: a
 * standby holds its services at zero tasks on a file system that accepts the
 * primary's replication, reads the primary's secrets replicated under its
 * own key, and names its nodes as the primary does; promoted, it runs. The
 * primary replicates its file system into the standby's (and alarms when
 * the replica falls behind) and its generated secrets to the standby's
 * region. Bad pairs are refused before synthesis, naming the field.
 */
import { environmentSources } from "../../environments";
import { ConfigError, derive, EnvironmentInput, parseEnvironment, parseEnvironments } from "../../modules/config";
import { estimate } from "../../modules/cost/estimate";
import { ACCOUNT, baseEnvironment, haEnvironment, replica, replicatingPrimary as primaryInput, STANDBY_REGION, standbyOf } from "../support/fixtures";
import { evaluate, statementsOf } from "../support/iam-simulator";
import { onlyResource, ref, resourceNamed, resourcesOf, synthApp, synthEnvironment } from "../support/synth";

/** Problems of several environments loaded together; fails when they are accepted. */
function problemsOf(...inputs: unknown[]): { source: string; path: string; message: string }[] {
  try {
    parseEnvironments(inputs.map((input, i) => ({ source: `environments/${i}.ts`, input })));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map(({ source, path, message }) => ({ source, path, message }));
  }
  throw new Error("the environments were accepted");
}

const shippedStandbys = environmentSources().filter((s) => (s.input as EnvironmentInput).standby);
// A fork whose environment files declare no standby has none to check here (jest refuses an empty table).
if (shippedStandbys.length === 0) it.skip("checks every standby of the environment files (none declares standby)", () => undefined);
else describe.each(shippedStandbys.map((s) => [s.source, s.input as EnvironmentInput] as const))("the standby %s", (_source, input) => {
  const env = parseEnvironment(input);
  const stacks = synthApp(environmentSources().map((s) => s.input as EnvironmentInput));
  const stack = stacks[`ce-${env.name}`];
  const primary = parseEnvironments(environmentSources()).find((e) => e.name === env.standby!.primary)!;

  it("holds every service at zero tasks while it is not promoted, with no service alarm and no dump", () => {
    if (env.standby!.promoted) return;
    for (const [name, service] of resourcesOf(stack, "aws_ecs_service")) expect({ name, desired: service.desired_count }).toEqual({ name, desired: 0 });
    expect(resourcesOf(stack, "aws_cloudwatch_metric_alarm").map(([n]) => n).filter((n) => /running-tasks|cpu-high|memory-high|mongodump/.test(n))).toEqual([]);
    expect(stack.resource?.aws_scheduler_schedule?.["backup_mongodb_schedule"]).toBeUndefined();
  });

  it("keeps a file system that accepts the primary's replication (and that Terraform leaves to EFS while it replicates)", () => {
    expect(onlyResource(stack, "aws_efs_file_system")).toMatchObject({
      kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
      protection: { replication_overwrite: env.standby!.promoted ? "ENABLED" : "DISABLED" },
      lifecycle: { prevent_destroy: true, ...(env.standby!.promoted ? {} : { ignore_changes: ["protection"] }) },
    });
    // The primary replicates into exactly this file system (by the ID its environment names).
    expect(primary.replication).toMatchObject({ standby: env.name, region: env.region });
  });

  it("names its nodes as the primary does (the replica's replica set and certificates name them), and pairs the primary's MongoDB image", () => {
    expect(derive(env).haNamespace).toBe(derive(primary).haNamespace);
    if (env.variant === "ha") expect(onlyResource(stack, "aws_service_discovery_private_dns_namespace").name).toBe(derive(primary).haNamespace);
  });

  it("reads the primary's secrets replicated to its region, decrypting them with its own key through Secrets Manager", () => {
    const statements = statementsOf(resourceNamed(stack, "aws_iam_role_policy", "iam_execution-role-policy").policy);
    const secrets = env.secrets.mode === "existing" ? [env.secrets.jwtSecretArn, env.secrets.maintenanceSecretArn, env.secrets.clusterSecretArn] : [];
    for (const arn of secrets) {
      expect(arn.split(":")[3]).toBe(env.region);
      expect(evaluate(statements, { principal: "r", action: "secretsmanager:GetSecretValue", resource: arn })).toBe("allowed");
    }
    const key = ref("aws_kms_key", "encryption-key_key", "arn");
    expect(evaluate(statements, { principal: "r", action: "kms:Decrypt", resource: key, context: { "kms:ViaService": `secretsmanager.${env.region}.amazonaws.com` } })).toBe("allowed");
  });

  it("has its primary replicate its generated secrets to it, under its key by alias", () => {
    const primaryStack = stacks[`ce-${primary.name}`];
    const alias = `arn:aws:kms:${env.region}:${env.accountId}:alias/ce-${env.name}`;
    for (const [name, secret] of resourcesOf(primaryStack, "aws_secretsmanager_secret")) expect({ name, replica: secret.replica }).toEqual({ name, replica: [{ region: env.region, kms_key_id: alias }] });
  });
});

describe("a promoted standby", () => {
  const stack = synthApp([primaryInput, standbyOf(primaryInput, { standby: { primary: "test", primaryRegion: "eu-west-1", promoted: true } } as Partial<EnvironmentInput>)])["ce-test-standby"];

  it("runs its services, its dump and its service alarms, on the file system the replica became", () => {
    expect(resourcesOf(stack, "aws_ecs_service").map(([, s]) => s.desired_count)).toEqual([1]);
    expect(onlyResource(stack, "aws_efs_file_system")).toMatchObject({ protection: { replication_overwrite: "ENABLED" }, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stack, "aws_efs_file_system").lifecycle.ignore_changes).toBeUndefined();
    expect(resourceNamed(stack, "aws_scheduler_schedule", "backup_mongodb_schedule").name).toBe("ce-test-standby-mongodb-backup");
    expect(resourceNamed(stack, "aws_cloudwatch_metric_alarm", "alarms_service-running-tasks").alarm_name).toBe("ce-test-standby-service-running-tasks");
  });
});

describe("a standby's cost", () => {
  it("counts no Fargate task or log volume while held, and its nodes once promoted", () => {
    const fargate = (input: EnvironmentInput) => estimate(parseEnvironment(input)).items.filter((i) => i.item.startsWith("Fargate") || i.item === "CloudWatch Logs").map((i) => i.monthlyUsd);
    expect(fargate(standbyOf(primaryInput))).toEqual([0, 0, 0]);
    const promoted = fargate(standbyOf(primaryInput, { standby: { primary: "test", primaryRegion: "eu-west-1", promoted: true } } as Partial<EnvironmentInput>));
    expect(promoted.every((usd) => usd > 0)).toBe(true);
  });
});

describe("the primary's replication", () => {
  const stack = synthEnvironment(primaryInput);

  it("replicates its own file system into the standby's, protected from deletion, and alarms when the last sync is too old", () => {
    expect(onlyResource(stack, "aws_efs_replication_configuration")).toMatchObject({
      source_file_system_id: ref("aws_efs_file_system", "storage_file-system", "id"),
      destination: { region: STANDBY_REGION, file_system_id: "fs-0b1c2d3e4f5a60789" },
      lifecycle: { prevent_destroy: true },
    });
    expect(resourceNamed(stack, "aws_cloudwatch_metric_alarm", "replication_lag")).toMatchObject({
      namespace: "AWS/EFS",
      metric_name: "TimeSinceLastSync",
      dimensions: { FileSystemId: ref("aws_efs_file_system", "storage_file-system", "id"), DestinationFileSystemId: "fs-0b1c2d3e4f5a60789" },
      statistic: "Maximum",
      threshold: 1800,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "breaching",
    });
  });

  it("does not replicate an environment without a standby", () => {
    expect(synthEnvironment(baseEnvironment()).resource?.aws_efs_replication_configuration).toBeUndefined();
  });
});

describe("standby settings", () => {
  const standby = standbyOf(primaryInput);

  it("accept a consistent pair", () => {
    expect(() => parseEnvironments([{ source: "a", input: primaryInput }, { source: "b", input: standby }])).not.toThrow();
  });

  it.each([
    ["its own region as the primary's", { standby: { primary: "test", primaryRegion: STANDBY_REGION } }, "standby.primaryRegion", /must be another region than this environment's \(eu-central-1\)/],
    ["generated secrets", { secrets: { mode: "generate" } }, "secrets.mode", /must be "existing" with standby: the standby reads the primary's secrets, replicated to eu-central-1/],
    ["a secret in another region", { secrets: { mode: "existing", jwtSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ce/test/jwt-secret-AbCdEf`, maintenanceSecretArn: replica("maintenance"), clusterSecretArn: replica("cluster") } }, "secrets.jwtSecretArn", /region eu-central-1/],
    ["CE 5.0", { release: "5.0", size: { preset: "small" } }, "release", /cannot be 5.0 with standby/],
    ["a data upgrade", { upgrade: { fromRelease: "5.0" } }, "upgrade", /excludes standby: the primary upgrades the data/],
    ["a replication of its own", { replication: { standby: "x", region: "eu-west-2", fileSystemId: "fs-0b1c2d3e4f5a60789" } }, "replication", /excludes standby/],
  ])("refuse a standby with %s", (_what, overrides, path, message) => {
    expect(problemsOf({ ...standby, ...overrides })).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
  });

  it.each([
    ["another release than the primary's", { release: "6.0" }, "release", /must be test's release 6.1/],
    ["another variant", { variant: "ha", availabilityZones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"], size: { preset: "large" } }, "variant", /must be test's variant standalone/],
    ["another namespace", { ha: { namespace: "other.cloudexchange.internal" } }, "ha.namespace", /must be test's namespace test.cloudexchange.internal/],
    ["a wrong primary region", { standby: { primary: "test", primaryRegion: "us-east-2" } }, "standby.primaryRegion", /must be test's region eu-west-1/],
    ["another account", { accountId: "111122223333", ingress: { mode: "none" }, secrets: { mode: "existing", jwtSecretArn: replica("jwt-secret").replace(ACCOUNT, "111122223333"), maintenanceSecretArn: replica("maintenance").replace(ACCOUNT, "111122223333"), clusterSecretArn: replica("cluster").replace(ACCOUNT, "111122223333") } }, "accountId", /must be test's account 210987654321/],
    ["the replica of another environment's secret", { secrets: { mode: "existing", jwtSecretArn: replica("jwt-secret", "other"), maintenanceSecretArn: replica("maintenance"), clusterSecretArn: replica("cluster") } }, "secrets.jwtSecretArn", /must be the replica of test's secret ce\/test\/jwt-secret/],
  ])("refuse a pair whose standby has %s", (_what, overrides, path, message) => {
    expect(problemsOf(primaryInput, { ...standby, ...overrides })).toEqual(expect.arrayContaining([expect.objectContaining({ source: "environments/1.ts", path, message: expect.stringMatching(message) })]));
  });

  it("refuse a primary that does not replicate to its standby, and a replication to an environment that is no standby", () => {
    const { replication: _none, ...silent } = primaryInput as EnvironmentInput & { replication?: unknown };
    expect(problemsOf(silent, standby)).toEqual([expect.objectContaining({ source: "environments/0.ts", path: "replication", message: expect.stringMatching(/must name its standby test-standby/) })]);
    const other = baseEnvironment({ name: "other", region: STANDBY_REGION, availabilityZones: ["eu-central-1a", "eu-central-1b"] });
    expect(problemsOf({ ...primaryInput, replication: { standby: "other", region: STANDBY_REGION, fileSystemId: "fs-0b1c2d3e4f5a60789" } }, other)).toEqual([
      expect.objectContaining({ path: "replication.standby", message: expect.stringMatching(/names other, which is not a standby of test/) }),
    ]);
  });

  it("refuse two standbys of one primary (EFS replicates a file system to one destination)", () => {
    const second = { ...standbyOf(primaryInput), name: "test-standby2" };
    expect(problemsOf(primaryInput, standby, second)).toEqual(expect.arrayContaining([expect.objectContaining({ path: "standby.primary", message: expect.stringMatching(/names test, which test-standby already stands by for/) })]));
  });

  it("refuse a replication to the environment's own region", () => {
    expect(problemsOf({ ...primaryInput, replication: { standby: "test-standby", region: "eu-west-1", fileSystemId: "fs-0b1c2d3e4f5a60789" } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "replication.region", message: expect.stringMatching(/must be another region than the environment's own/) })]),
    );
  });

  it("take the primary's namespace by default, so the replica's members and certificates name the standby's nodes", () => {
    expect(derive(parseEnvironment(standby)).haNamespace).toBe("test.cloudexchange.internal");
    expect(derive(parseEnvironment(haEnvironment())).haNamespace).toBe("ha.cloudexchange.internal");
  });
});
