/**
 * The restore commands (npm run restore), run for real with bash against
 * stand-ins for aws, terraform and npx that answer as the services do and
 * record every call: for every environment file, the whole procedure from
 * its stack's outputs to a verified restore (as the break-glass role for the
 * restore job, as the deployer for the rest); the restore into a new file
 * system under the environment's key; the move of the restored data to the
 * root through temporary mount targets; the old file system's resources, and
 * only those, taken out of the state; Cloud Exchange stopped before an apply
 * whose plan imports the restored file system and deletes nothing stateful;
 * and every STOP on the way.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { EnvironmentInput, parseEnvironment } from "../../modules/config";
import { breakGlassRoleArnOf } from "../../modules/config/backup-schema";
import { fileSystemAddresses } from "../../modules/restore/file-system-addresses";
import { renderRestore, restoreSteps, STATEFUL_RESOURCE_TYPES } from "../../modules/restore/restore";
import { FILE_SYSTEM_PLACEHOLDER } from "../../modules/restore/restore-helper-task";
import { STATEFUL } from "../policy/stateful";
import { calledBefore, CURRENT_FILE_SYSTEM, planJson, RESTORED_FILE_SYSTEM, StandInProject } from "../support/cli-stand-ins";
import { baseEnvironment } from "../support/fixtures";

const ROOT = join(__dirname, "..", "..");
const DEPLOYER = "arn:aws:sts::000000000000:assumed-role/Deployer/session";
const OTHERS = ["aws_kms_key.encryption-key_key", "aws_ecs_service.workload_service_service", "aws_backup_vault.backup_vault_vault"];

/** The scenario variables of one environment, its file system's addresses and its restore steps by label. */
function scenarioOf(input: EnvironmentInput) {
  const env = parseEnvironment(input);
  const services = env.variant === "ha" ? [1, 2, 3].map((n) => `ce-${env.name}-node-${n}`) : [`ce-${env.name}`];
  const addresses = fileSystemAddresses(env);
  const steps = restoreSteps(env, addresses);
  return {
    env,
    services,
    addresses,
    steps,
    step: (label: string) => steps.filter((s) => s.label === label),
    breakGlass: breakGlassRoleArnOf(env).replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/oncall",
    vars: { AWS_REGION: env.region, FAKE_ACCOUNT: env.accountId, FAKE_CLUSTER: `ce-${env.name}`, FAKE_SERVICES_JSON: JSON.stringify(services), FAKE_STACKS: `ce-${env.name}`, FAKE_IMPORTS: RESTORED_FILE_SYSTEM },
  };
}

/** A stand-in project whose state holds the file system's resources and others, and whose plan imports the restored one. */
function restoreProject(addresses: readonly string[]): StandInProject {
  const project = new StandInProject();
  project.state([...addresses, ...OTHERS]);
  project.plan(planJson(RESTORED_FILE_SYSTEM));
  return project;
}

const restorable = environmentSources().filter((s) => !(s.input as EnvironmentInput).standby || (s.input as EnvironmentInput).standby?.promoted);

describe.each(restorable.map((s) => [s.source, s.input as EnvironmentInput] as const))("restoring %s", (_source, input) => {
  const { env, services, addresses, steps, step, breakGlass, vars } = scenarioOf(input);
  let project: StandInProject;
  beforeEach(() => {
    project = restoreProject(addresses);
  });
  afterEach(() => project.remove());

  it("runs end to end: restores the newest recovery point into a new file system, moves its data to the root, and hands it to the stack in the old one's place", () => {
    const one = project.run(step("1"), { ...vars, FAKE_IDENTITY: DEPLOYER });
    expect({ status: one.status, output: one.output }).toMatchObject({ status: 0 });
    const two = project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass });
    expect({ status: two.status, output: two.output }).toMatchObject({ status: 0 });
    expect(two.calls).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^aws backup start-restore-job --recovery-point-arn arn:aws:backup:${env.region}:${env.accountId}:recovery-point:newest-0001 --iam-role-arn arn:aws:iam::${env.accountId}:role/ce-${env.name}-backup ` +
            `--metadata file-system-id=${CURRENT_FILE_SYSTEM},newFileSystem=true,Encrypted=true,KmsKeyId=arn:aws:kms:${env.region}:${env.accountId}:key/\\S+,PerformanceMode=generalPurpose,CreationToken=ce-${env.name}-restore-\\d{14} `,
        ),
      ),
    );
    expect(two.calls.find((c) => c.includes("list-recovery-points"))).toContain(`--backup-vault-name ce-${env.name} --by-resource-arn arn:aws:elasticfilesystem:${env.region}:${env.accountId}:file-system/${CURRENT_FILE_SYSTEM}`);
    const rest = project.run([...step("3"), ...step("4"), ...step("5"), ...step("6")], { ...vars, FAKE_IDENTITY: DEPLOYER });
    expect({ status: rest.status, output: rest.output }).toMatchObject({ status: 0 });
    const calls = rest.calls;
    // Temporary mount targets in every private subnet, then the move, then the mount targets gone, all before Terraform touches the state.
    expect(calls.filter((c) => c.startsWith(`aws efs create-mount-target --file-system-id ${RESTORED_FILE_SYSTEM} `))).toHaveLength(2);
    expect(calledBefore(calls, "aws efs create-mount-target", "aws ecs run-task")).toMatchObject({ inOrder: true });
    expect(calledBefore(calls, "aws ecs describe-tasks", "aws efs delete-mount-target")).toMatchObject({ inOrder: true });
    expect(calledBefore(calls, "aws efs delete-mount-target", "state rm")).toMatchObject({ inOrder: true });
    // Exactly the file system's resources leave the state; the rest stays.
    expect(calls.filter((c) => c.includes(" state rm ")).map((c) => c.split(" ").pop())).toEqual(addresses);
    expect(project.stateNow()).toEqual(OTHERS);
    // Every service stopped before the apply, which applies the checked plan.
    for (const service of services) expect(calledBefore(calls, `--service ${service} --desired-count 0`, " apply ")).toMatchObject({ inOrder: true });
    expect(calls).toContainEqual(`terraform -chdir=cdktf.out/stacks/ce-${env.name} apply -input=false restore.tfplan`);
    expect(rest.output).toContain("ok: step 6 done");
  });

  it("runs the move as root on the restored file system's root, through the environment's cluster, subnets and task group", () => {
    project.run(step("1"), { ...vars, FAKE_IDENTITY: DEPLOYER });
    project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass });
    const move = project.run(step("3"), vars);
    expect(move.status).toBe(0);
    const task = JSON.parse(project.file("registered-1.json")!);
    expect(task.volumes).toEqual([{ name: "file-system", efsVolumeConfiguration: { fileSystemId: RESTORED_FILE_SYSTEM, rootDirectory: "/", transitEncryption: "ENABLED" } }]);
    expect(task.containerDefinitions[0]).toMatchObject({ user: "0", command: ["move"] });
    expect(task.executionRoleArn).toBe(env.iam.executionRoleArn ?? `arn:aws:iam::${env.accountId}:role/ce-${env.name}-task-execution`);
    expect(JSON.stringify(task)).not.toContain(FILE_SYSTEM_PLACEHOLDER);
    expect(move.calls.find((c) => c.startsWith("aws ecs run-task"))).toContain(
      `--cluster ce-${env.name} --task-definition arn:aws:ecs:${env.region}:${env.accountId}:task-definition/helper:1 --launch-type FARGATE --platform-version 1.4.0 --network-configuration awsvpcConfiguration={subnets=[subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2],securityGroups=[sg-0task0000000000001],assignPublicIp=DISABLED}`,
    );
  });

  it("are valid bash, every step", () => {
    for (const s of steps) {
      const result = spawnSync("bash", ["-n", "-c", s.commands.join("\n")], { encoding: "utf8" });
      expect({ step: s.label, status: result.status, stderr: result.stderr }).toEqual({ step: s.label, status: 0, stderr: "" });
    }
  });
});

describe("restore commands stop where they must", () => {
  const { env, addresses, steps, step, breakGlass, vars } = scenarioOf(baseEnvironment());
  let project: StandInProject;
  beforeEach(() => {
    project = restoreProject(addresses);
    expect(project.run(step("1"), { ...vars, FAKE_IDENTITY: DEPLOYER }).status).toBe(0);
  });
  afterEach(() => project.remove());

  it("refuse to start a restore as anyone but the break-glass role, the only principal the vault lets restore", () => {
    const result = project.run(step("2"), { ...vars, FAKE_IDENTITY: DEPLOYER });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`STOP: vault ce-test lets only ${breakGlassRoleArnOf(env)} restore: assume it (with MFA)`);
    expect(result.calls.filter((c) => c.includes("start-restore-job"))).toEqual([]);
  });

  it("restore the recovery point given, without looking for the newest", () => {
    const given = `arn:aws:backup:eu-west-1:210987654321:recovery-point:before-the-upgrade`;
    const result = project.run(restoreSteps(env, addresses, { recoveryPointArn: given }).filter((s) => s.label === "2"), { ...vars, FAKE_IDENTITY: breakGlass });
    expect(result.status).toBe(0);
    expect(result.calls.filter((c) => c.includes("list-recovery-points"))).toEqual([]);
    expect(result.calls.find((c) => c.includes("start-restore-job"))).toContain(`--recovery-point-arn ${given} `);
  });

  it.each(["FAILED", "ABORTED"])("end the wait when the restore job ends %s, with AWS's reason, and record no file system", (final) => {
    const result = project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass, FAKE_RESTORE_STATES: `PENDING RUNNING ${final}` });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`STOP: restore job restore-job-1 ended ${final} (Insufficient permissions on the key)`);
    expect(project.file("ce-test-restore-file-system")).toBeUndefined();
  });

  it("stop when the vault holds no completed recovery point of the file system", () => {
    const result = project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass, FAKE_NEWEST_RP: "None" });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`STOP: no completed recovery point of arn:aws:elasticfilesystem:eu-west-1:210987654321:file-system/${CURRENT_FILE_SYSTEM} in vault ce-test`);
  });

  it("stop when the move fails, before Terraform touches anything, pointing at the helper's log", () => {
    project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass });
    const result = project.run([...step("3"), ...step("4"), ...step("5")], { ...vars, FAKE_HELPER_EXIT: "1" });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("STOP: the restore helper (move) ended with exit code 1; read why: aws logs tail /ecs/cloud-exchange/test --log-stream-name-prefix restore-move");
    expect(result.calls.filter((c) => c.startsWith("terraform"))).toEqual([]);
  });

  it("wait for the environment file to name the restored file system before switching", () => {
    project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass });
    const result = project.run(step("4"), { ...vars, FAKE_IMPORTS: "fs-0somethingelse000" });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`storage: { restoredFileSystem: { fileSystemId: "${RESTORED_FILE_SYSTEM}", kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/`);
    expect(result.output).toContain(`STOP: ce-test does not import ${RESTORED_FILE_SYSTEM} yet`);
  });

  it.each([
    ["replaces the key", planJson(RESTORED_FILE_SYSTEM, [{ address: "aws_kms_key.encryption-key_key", type: "aws_kms_key", actions: ["delete", "create"] }]), "the plan deletes or replaces aws_kms_key.encryption-key_key"],
    ["deletes a secret", planJson(RESTORED_FILE_SYSTEM, [{ address: "aws_secretsmanager_secret.secrets_jwt-secret", type: "aws_secretsmanager_secret", actions: ["delete"] }]), "the plan deletes or replaces aws_secretsmanager_secret.secrets_jwt-secret"],
    ["puts another file system in the file system's place", planJson("fs-0somethingelse000"), `the plan does not put ${RESTORED_FILE_SYSTEM} at aws_efs_file_system.storage_file-system`],
  ])("refuse to apply a plan that %s", (_what, plan, message) => {
    project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass });
    project.plan(plan);
    const result = project.run(step("5"), vars);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(message);
    expect(result.output).toContain("STOP: the plan is not a restore's");
    expect(result.calls.filter((c) => c.includes(" apply "))).toEqual([]);
  });

  it("load the logical dump only with the file system policy lifted, and put the policy back with a checked apply", () => {
    project.run(step("2"), { ...vars, FAKE_IDENTITY: breakGlass });
    const result = project.run(step("L"), vars);
    expect(result.status).toBe(0);
    const task = JSON.parse(project.file("registered-1.json")!);
    expect(task.containerDefinitions[0]).toMatchObject({ user: "1001:1001", command: ["load"] });
    expect(calledBefore(result.calls, `aws efs delete-file-system-policy --file-system-id ${RESTORED_FILE_SYSTEM}`, "aws ecs run-task")).toMatchObject({ inOrder: true });
    expect(calledBefore(result.calls, "aws ecs describe-tasks", "apply -input=false restore-load.tfplan")).toMatchObject({ inOrder: true });
  });

  it("delete the old file system only when asked (step X), its mount targets first", () => {
    const result = project.run(step("X"), vars);
    expect(result.status).toBe(0);
    expect(calledBefore(result.calls, "aws efs delete-mount-target --mount-target-id fsmt-0old0000000000002", `aws efs delete-file-system --file-system-id ${CURRENT_FILE_SYSTEM}`)).toMatchObject({ inOrder: true });
    expect(steps.map((s) => s.label)).toEqual(["1", "2", "3", "4", "5", "6", "L", "X"]);
  });

  it("check plans against the same stateful types the policy suite protects", () => {
    expect([...STATEFUL_RESOURCE_TYPES].sort()).toEqual(Object.keys(STATEFUL).sort());
  });
});

describe("restoring a primary with a standby", () => {
  const input = environmentSources().map((s) => s.input as EnvironmentInput).find((e) => e.replication);
  const maybe = input ? it : it.skip;

  maybe("stops the old file system's replication and lets the standby's replica receive the new one's before switching", () => {
    const { env, breakGlass, vars } = scenarioOf(input!);
    const addresses = fileSystemAddresses(env);
    expect(addresses).toContain("aws_efs_replication_configuration.replication_replication");
    const project = new StandInProject();
    try {
      project.state(addresses);
      project.plan(planJson(RESTORED_FILE_SYSTEM));
      const steps = restoreSteps(env, addresses);
      project.run(steps.filter((s) => s.label === "1"), { ...vars, FAKE_IDENTITY: DEPLOYER });
      project.run(steps.filter((s) => s.label === "2"), { ...vars, FAKE_IDENTITY: breakGlass });
      const result = project.run(steps.filter((s) => s.label === "5"), vars);
      expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
      const r = env.replication!;
      expect(calledBefore(result.calls, `aws efs delete-replication-configuration --file-system-id ${CURRENT_FILE_SYSTEM}`, `update-file-system-protection --region ${r.region} --file-system-id ${r.fileSystemId} --replication-overwrite-protection DISABLED`)).toMatchObject({ inOrder: true });
      expect(calledBefore(result.calls, "update-file-system-protection", " apply ")).toMatchObject({ inOrder: true });
    } finally {
      project.remove();
    }
  });
});

describe("npm run restore", () => {
  const run = (...args: string[]) => spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/restore.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

  it("prints the restore of the environment named, and refuses a recovery point of another region or account, or no environment", () => {
    const [first] = restorable.map((s) => parseEnvironment(s.input));
    const printed = run(first.name);
    expect(printed.stderr).toBe("");
    expect(printed.stdout).toBe(`${renderRestore(first, fileSystemAddresses(first))}\n`);
    const elsewhere = run(first.name, "arn:aws:backup:ap-south-1:111122223333:recovery-point:abc");
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain(`is not in ${first.name}'s region ${first.region} and account ${first.accountId}, where its vault is`);
    expect(run("no-such-environment").stderr).toContain("restore: no environment no-such-environment: npm run restore -- <");
  }, 120_000);

  it("is documented where the cut-over and the upgrade send the operator", () => {
    const runbooks = readFileSync(join(ROOT, "docs", "runbooks.md"), "utf8");
    expect(runbooks).toMatch(/^### Restore$/m);
    expect(runbooks).toContain("npm run restore -- <env>");
  });
});
