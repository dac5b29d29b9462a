/**
 * The failover commands (npm run failover), run for real with bash against
 * stand-ins for aws, terraform and npx that answer as the services do and
 * record every call: for every standby among the environment files, the
 * promotion (the replica's age read, the primary stopped when its region
 * answers, the replication deleted from the standby's side so the replica
 * becomes writable, the standby deployed promoted through a checked plan,
 * clients pointed at it, verified) and the failback (the old primary kept
 * stopped, the data replicated back and synced after the standby stopped,
 * the standby made a standby again, the primary deployed with its
 * replication); with the primary's region down the promotion still
 * completes, calling nothing but the standby's region.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { EnvironmentInput, parseEnvironment, parseEnvironments } from "../../modules/config";
import { STATEFUL_RESOURCE_TYPES } from "../../modules/restore/restore";
import { failoverSteps, renderFailover, servicesOf } from "../../modules/standby/failover";
import { calledBefore, CURRENT_FILE_SYSTEM, StandInProject } from "../support/cli-stand-ins";

const ROOT = join(__dirname, "..", "..");
const environments = parseEnvironments(environmentSources());
const standbys = environments.filter((e) => e.standby);

/** The plan a promotion or failback shows: the file system kept, services updated. */
const keepingPlan = (fs: string, extra: { address: string; type: string; actions: string[] }[] = []) =>
  JSON.stringify({
    resource_changes: [
      { address: "aws_efs_file_system.storage_file-system", type: "aws_efs_file_system", change: { actions: ["no-op"], before: { id: fs } } },
      { address: "aws_ecs_service.ha_node-1_service_service", type: "aws_ecs_service", change: { actions: ["update"], before: { desired_count: 0 } } },
      ...extra.map((c) => ({ address: c.address, type: c.type, change: { actions: c.actions } })),
    ],
  });

// A fork whose environment files declare no standby has nothing to fail over here (jest refuses an empty table).
if (standbys.length === 0) it.skip("fails over every standby of the environment files (none declares standby)", () => undefined);
else describe.each(standbys.map((e) => [e.name, e] as const))("failing %s over", (_name, env) => {
  const primaryEnv = environments.find((e) => e.name === env.standby!.primary)!;
  const primary = servicesOf(primaryEnv);
  const steps = failoverSteps(env, primary);
  const pick = (...labels: string[]) => steps.filter((s) => labels.includes(s.label));
  const own = servicesOf(env);
  const vars = {
    AWS_REGION: env.region,
    FAKE_ACCOUNT: env.accountId,
    FAKE_CLUSTER: own.cluster,
    FAKE_SERVICES_JSON: JSON.stringify(own.services),
    FAKE_STACKS: `ce-${env.name} ce-${primaryEnv.name}`,
    FAKE_PRIMARY_REGION: env.standby!.primaryRegion,
  };
  let project: StandInProject;
  beforeEach(() => {
    project = new StandInProject();
    project.state([]);
    project.plan(keepingPlan(CURRENT_FILE_SYSTEM));
  });
  afterEach(() => project.remove());

  it("promotes the standby: reads the replica's last sync, stops the primary, makes the replica writable, deploys promoted, points clients, verifies", () => {
    const result = project.run(pick("P1", "P2", "P3", "P4", "P5", "P6"), { ...vars, FAKE_PROTECTION_STATES: "REPLICATING ENABLED" });
    expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
    const calls = result.calls;
    expect(result.output).toMatch(/last synced 2099-01-01T00:00:00\+00:00: changes on ce-\S+ after that are lost by a failover/);
    for (const service of primary.services) expect(calls).toContainEqual(expect.stringContaining(`aws ecs update-service --region ${env.standby!.primaryRegion} --cli-connect-timeout 10 --cli-read-timeout 20 --cluster ${primary.cluster} --service ${service} --desired-count 0`));
    expect(calledBefore(calls, `aws efs delete-replication-configuration --file-system-id ${CURRENT_FILE_SYSTEM}`, " apply ")).toMatchObject({ inOrder: true });
    // The deploy waits until the replica is writable.
    expect(calls.filter((c) => c.includes("ReplicationOverwriteProtection"))).toHaveLength(2);
    expect(calledBefore(calls, "ReplicationOverwriteProtection", `terraform -chdir=cdktf.out/stacks/ce-${env.name} plan`)).toMatchObject({ inOrder: true });
    expect(calls).toContainEqual(`terraform -chdir=cdktf.out/stacks/ce-${env.name} apply -input=false promote.tfplan`);
    const dns = env.standby!.clientDns;
    if (dns) {
      const change = calls.find((c) => c.startsWith("aws route53 change-resource-record-sets"))!;
      expect(change).toContain(`--hosted-zone-id ${dns.hostedZoneId}`);
      expect(JSON.parse(change.slice(change.indexOf("{"), change.lastIndexOf("}") + 1))).toEqual({
        Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: dns.recordName, Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "internal-ce.example.elb.amazonaws.com" }] } }],
      });
    }
    expect(result.output).toContain("ok: step P6 done");
  });

  it("promotes while the primary's region is down, deleting only the standby's side of the replication and calling nothing else there", () => {
    const result = project.run(pick("P1", "P2", "P3", "P4", "P5", "P6"), { ...vars, FAKE_PRIMARY_DOWN: "yes", FAKE_PROTECTION_STATES: "ENABLED" });
    expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
    expect(result.output).toContain(`${env.standby!.primaryRegion} does not answer for`);
    expect(result.calls).toContainEqual(`aws efs delete-replication-configuration --file-system-id ${CURRENT_FILE_SYSTEM} --deletion-mode LOCAL_CONFIGURATION_ONLY`);
    const inPrimary = result.calls.filter((c) => c.includes(`--region ${env.standby!.primaryRegion}`) || c.includes(`ce-${primaryEnv.name} `) || c.includes(`stacks/ce-${primaryEnv.name} `));
    expect(inPrimary.every((c) => c.startsWith(`aws ecs update-service --region ${env.standby!.primaryRegion}`))).toBe(true);
  });

  it("refuses to deploy the standby before the environment says promoted, or a plan that would replace its file system", () => {
    const held = project.run(pick("P1", "P4"), { ...vars, FAKE_DESIRED: "0" });
    expect(held.status).not.toBe(0);
    expect(held.output).toContain(`STOP: ce-${env.name} does not run 1 task per service yet: set standby.promoted: true in environments/${env.name}.ts`);
    expect(held.calls.filter((c) => c.includes(" apply "))).toEqual([]);
    project.plan(keepingPlan(CURRENT_FILE_SYSTEM, [{ address: "aws_efs_file_system.storage_file-system", type: "aws_efs_file_system", actions: ["delete", "create"] }]));
    const replacing = project.run(pick("P4"), vars);
    expect(replacing.output).toContain("the plan deletes or replaces aws_efs_file_system.storage_file-system");
    expect(replacing.calls.filter((c) => c.includes(" apply "))).toEqual([]);
    // Every stateful type the policy suite protects, not only the file system.
    for (const type of STATEFUL_RESOURCE_TYPES.filter((t) => t !== "aws_efs_file_system")) {
      project.plan(keepingPlan(CURRENT_FILE_SYSTEM, [{ address: `${type}.x`, type, actions: ["delete", "create"] }]));
      const result = project.run(pick("P4"), vars);
      expect({ type, refused: result.output.includes(`the plan deletes or replaces ${type}.x`), applied: result.calls.some((c) => c.includes(" apply ")) }).toEqual({ type, refused: true, applied: false });
    }
  });

  it("fails back: the old primary kept stopped, the data replicated back and synced after the standby stopped, the standby held again, the primary deployed", () => {
    expect(project.run(pick("P1"), vars).status).toBe(0);
    const result = project.run(pick("F1", "F2", "F3", "F4", "F5", "F6"), { ...vars, FAKE_PROTECTION_STATES: "ENABLED", FAKE_DESIRED: "0" });
    // F5 greps for one task per service in the primary's synthesized stack: the stand-in writes one number for both stacks.
    expect(result.output).toContain("ok: step F4 done");
    const calls = result.calls;
    const order: [string, string][] = [
      [`--region ${env.standby!.primaryRegion} --file-system-id ${CURRENT_FILE_SYSTEM} --replication-overwrite-protection DISABLED`, "aws efs create-replication-configuration"],
      ["aws efs create-replication-configuration", `aws ecs update-service --cluster ${own.cluster} --service ${own.services[0]} --desired-count 0`],
      [`--service ${own.services[0]} --desired-count 0`, `aws efs delete-replication-configuration --region ${env.region} --file-system-id ${CURRENT_FILE_SYSTEM}`],
      [`aws efs delete-replication-configuration --region ${env.region}`, `aws efs update-file-system-protection --file-system-id ${CURRENT_FILE_SYSTEM} --replication-overwrite-protection DISABLED`],
      ["--replication-overwrite-protection DISABLED", `terraform -chdir=cdktf.out/stacks/ce-${env.name} apply -input=false standby.tfplan`],
    ];
    for (const [first, second] of order) expect(calledBefore(calls, first, second)).toMatchObject({ inOrder: true });
    expect(calls.find((c) => c.startsWith("aws efs create-replication-configuration"))).toBe(
      `aws efs create-replication-configuration --region ${env.region} --source-file-system-id ${CURRENT_FILE_SYSTEM} --destinations Region=${env.standby!.primaryRegion},FileSystemId=${CURRENT_FILE_SYSTEM}`,
    );
    const primaryDeploy = project.run(pick("F5", "F6"), { ...vars, FAKE_DESIRED: "1" });
    expect({ status: primaryDeploy.status, output: primaryDeploy.output }).toMatchObject({ status: 0 });
    expect(primaryDeploy.calls).toContainEqual(`terraform -chdir=cdktf.out/stacks/ce-${primaryEnv.name} apply -input=false failback.tfplan`);
  });

  it("does not end the replication back before a sync after the standby stopped", () => {
    expect(project.run(pick("P1", "F1"), vars).status).toBe(0);
    const result = project.run(pick("F3"), { ...vars, FAKE_LAST_SYNC: "2001-01-01T00:00:00+00:00" });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("STOP: no sync after the stop in 60 minutes (last: 2001-01-01T00:00:00+00:00)");
    expect(result.calls.filter((c) => c.startsWith("aws efs delete-replication-configuration"))).toEqual([]);
  });

  it("are valid bash, every step", () => {
    for (const s of steps) {
      const result = spawnSync("bash", ["-n", "-c", s.commands.join("\n")], { encoding: "utf8" });
      expect({ step: s.label, status: result.status, stderr: result.stderr }).toEqual({ step: s.label, status: 0, stderr: "" });
    }
    expect(steps.map((s) => s.label)).toEqual(["P1", "P2", "P3", "P4", "P5", "P6", "F1", "F2", "F3", "F4", "F5", "F6"]);
  });

  it("are what npm run failover prints", () => {
    const printed = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/failover.ts", env.name], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(printed.stderr).toBe("");
    expect(printed.stdout).toBe(`${renderFailover(env, primary)}\n`);
  }, 120_000);
});

describe("npm run failover", () => {
  it("refuses an environment that is no standby, naming the standbys", () => {
    const primary = environments.find((e) => !e.standby)!;
    const result = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/failover.ts", primary.name], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`failover: ${primary.name} is no standby (standby: { primary, primaryRegion })`);
  }, 120_000);

  it("takes the primary's services by the standby's variant when the primary is not loaded (a JSON environment)", () => {
    const input = standbys.length > 0 ? (environmentSources().find((s) => (s.input as EnvironmentInput).standby)!.input as EnvironmentInput) : undefined;
    if (!input) return;
    const alone = parseEnvironment(input);
    const facts = servicesOf({ ...alone, name: alone.standby!.primary, cluster: {} });
    expect(facts.cluster).toBe(`ce-${alone.standby!.primary}`);
    expect(facts.services).toHaveLength(alone.variant === "ha" ? 3 : 1);
  });
});
