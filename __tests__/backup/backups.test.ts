/**
 * Backups that can be trusted, in the synthesized stacks: every environment
 * file backs up into a vault of its own under its own key, whose policy,
 * evaluated, refuses restoring, copying out, deleting and changing the vault
 * to every principal but the break-glass role, even one allowed everything by
 * its own IAM policy; the default vault's automatic backup is off and the
 * environment's plan backs the file system up with its retention, lock and
 * copy; the logical dump runs as a one-off task of the release's own MongoDB
 * image, over TLS, as the backup user, writing only the backup directory;
 * and the alarms watch AWS Backup's own job metrics and the dump's reports.
 */
import { environmentSources } from "../../environments";
import { EnvironmentInput, parseEnvironment } from "../../modules/config";
import { breakGlassRoleArnOf } from "../../modules/config/backup-schema";
import { releaseOf } from "../../modules/releases";
import { baseEnvironment, haEnvironment, withExistingSecrets } from "../support/fixtures";
import { evaluate, statementsOf } from "../support/iam-simulator";
import { containerNamed, containersOf, onlyResource, ref, resourceNamed, resourcesOf, StackJson, synthApp, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const ACCOUNT = "210987654321";
const recoveryPoint = (account: string, region: string) => `arn:aws:backup:${region}:${account}:recovery-point:0f9c4f0e-3b1a-4a4e-8f0e-2f5b9c6d4e10`;
const VAULT_ACTIONS = [
  "backup:StartRestoreJob",
  "backup:StartCopyJob",
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:DeleteBackupVault",
  "backup:PutBackupVaultAccessPolicy",
  "backup:DeleteBackupVaultAccessPolicy",
  "backup:PutBackupVaultLockConfiguration",
  "backup:DeleteBackupVaultLockConfiguration",
];

/** An attacker in the environment's account whose own policy allows every AWS Backup action and passing any role. */
const attackerIdentity = [
  { Effect: "Allow", Action: ["backup:*", "iam:PassRole"], Resource: "*" },
];

const environmentFiles = environmentSources();
const environmentStacks = synthApp(environmentFiles.map((s) => s.input as EnvironmentInput));

describe.each(environmentFiles.map((s) => [s.source, s.input as EnvironmentInput] as const))("the backups of %s", (_source, input) => {
  const env = parseEnvironment(input);
  const stack = environmentStacks[`ce-${env.name}`];
  const vault = onlyResource(stack, "aws_backup_vault");
  const vaultStatements = statementsOf(onlyResource(stack, "aws_backup_vault_policy").policy);
  const breakGlass = breakGlassRoleArnOf(env);
  const point = recoveryPoint(env.accountId, env.region);
  const ask = (principal: string, identity: Record<string, any>[], action: string, resource = point, context: Record<string, string> = {}) =>
    evaluate([...identity, ...vaultStatements], { principal, action, resource, context });

  it("go into a vault of the environment's own, under the environment's key, that Terraform never deletes with its recovery points", () => {
    expect(vault).toMatchObject({ name: `ce-${env.name}`, kms_key_arn: ref("aws_kms_key", "encryption-key_key", "arn"), force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stack, "aws_backup_vault_policy").backup_vault_name).toBe(ref("aws_backup_vault", "backup_vault_vault", "name"));
    expect(onlyResource(stack, "aws_efs_backup_policy").backup_policy).toEqual({ status: "DISABLED" });
  });

  it("refuse a restore to an attacker allowed StartRestoreJob and PassRole by its own policy, and every deletion or change of the vault", () => {
    const attacker = `arn:aws:iam::${env.accountId}:role/attacker`;
    for (const action of VAULT_ACTIONS) expect({ action, decision: ask(attacker, attackerIdentity, action) }).toEqual({ action, decision: "explicitly denied" });
    // Reading stays open: the attacker's own policy decides.
    expect(ask(attacker, attackerIdentity, "backup:DescribeBackupVault")).toBe("allowed");
  });

  it("refuse the deployer (an administrator) a restore, a deletion, and a change of the policy or lock", () => {
    const admin = `arn:aws:iam::${env.accountId}:role/Administrator`;
    const everything = [{ Effect: "Allow", Action: "*", Resource: "*" }];
    for (const action of VAULT_ACTIONS) expect({ action, decision: ask(admin, everything, action) }).toEqual({ action, decision: "explicitly denied" });
  });

  it("let the break-glass role restore from the vault and hand AWS Backup its role, and change the vault on purpose", () => {
    const own = stack.resource?.aws_iam_role_policy?.["backup_break-glass-role_policy"];
    // An environment naming its own role gives it its own policy; the vault lets it through all the same.
    const identity = own ? statementsOf(own.policy) : [{ Effect: "Allow", Action: "*", Resource: "*" }];
    expect(ask(breakGlass, identity, "backup:StartRestoreJob")).toBe("allowed");
    const backupRole = ref("aws_iam_role", "backup_service-role_role", "arn");
    expect(evaluate(identity, { principal: breakGlass, action: "iam:PassRole", resource: backupRole, context: { "iam:PassedToService": "backup.amazonaws.com" } })).toBe("allowed");
    expect(ask(breakGlass, identity, "backup:DeleteRecoveryPoint")).toBe("allowed");
    const vaultArn = ref("aws_backup_vault", "backup_vault_vault", "arn");
    for (const action of ["backup:PutBackupVaultAccessPolicy", "backup:DeleteBackupVaultLockConfiguration"]) {
      expect({ action, decision: ask(breakGlass, identity, action, vaultArn) }).toEqual({ action, decision: "allowed" });
    }
  });

  it("let AWS Backup's service role copy recovery points out (the plan's copy), and no other role", () => {
    const backupRole = ref("aws_iam_role", "backup_service-role_role", "arn");
    expect(ask(backupRole, [{ Effect: "Allow", Action: "backup:StartCopyJob", Resource: "*" }], "backup:StartCopyJob")).toBe("allowed");
    expect(ask(backupRole, [{ Effect: "Allow", Action: "backup:*", Resource: "*" }], "backup:StartRestoreJob")).toBe("explicitly denied");
  });

  it("back the file system up on the environment's schedule, keep each recovery point for its retention, and copy where it says", () => {
    const rule = onlyResource(stack, "aws_backup_plan").rule[0];
    expect(rule).toMatchObject({
      target_vault_name: ref("aws_backup_vault", "backup_vault_vault", "name"),
      schedule: env.backup.scheduleExpression,
      schedule_expression_timezone: env.backup.timezone,
      lifecycle: { delete_after: env.backup.retentionDays },
    });
    expect(rule.copy_action?.[0]?.destination_vault_arn).toBe(env.backup.copyTo?.vaultArn);
    const selection = onlyResource(stack, "aws_backup_selection");
    expect(selection).toMatchObject({ resources: [ref("aws_efs_file_system", "storage_file-system", "arn")], iam_role_arn: ref("aws_iam_role", "backup_service-role_role", "arn") });
  });
});

describe("the break-glass role the stack creates", () => {
  const stack = synthEnvironment(baseEnvironment());
  const role = resourceNamed(stack, "aws_iam_role", "backup_break-glass-role_role");
  const trust = statementsOf(role.assume_role_policy);
  const assume = (mfa: string | undefined) =>
    evaluate(trust, { principal: `arn:aws:iam::${ACCOUNT}:user/oncall`, action: "sts:AssumeRole", resource: "*", context: mfa === undefined ? {} : { "aws:MultiFactorAuthPresent": mfa } });

  it("is the vault's exception by its default name, and may be assumed by the account's principals with MFA only", () => {
    expect(role.name).toBe("ce-test-backup-break-glass");
    expect(breakGlassRoleArnOf(parseEnvironment(baseEnvironment()))).toBe(`arn:aws:iam::${ACCOUNT}:role/ce-test-backup-break-glass`);
    expect([assume("true"), assume("false"), assume(undefined)]).toEqual(["allowed", "implicitly denied", "implicitly denied"]);
    expect(evaluate(trust, { principal: "arn:aws:iam::111122223333:user/outsider", action: "sts:AssumeRole", resource: "*", context: { "aws:MultiFactorAuthPresent": "true" } })).toBe("implicitly denied");
  });

  it("restores only from recovery points and hands only AWS Backup's role, to AWS Backup", () => {
    const statements = statementsOf(resourceNamed(stack, "aws_iam_role_policy", "backup_break-glass-role_policy").policy);
    const backupRole = ref("aws_iam_role", "backup_service-role_role", "arn");
    expect(evaluate(statements, { principal: "r", action: "iam:PassRole", resource: backupRole, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } })).toBe("implicitly denied");
    expect(evaluate(statements, { principal: "r", action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/Administrator`, context: { "iam:PassedToService": "backup.amazonaws.com" } })).toBe("implicitly denied");
    expect(evaluate(statements, { principal: "r", action: "backup:StartBackupJob", resource: "*" })).toBe("implicitly denied");
  });

  it("is not created when the environment names its own, which the vault then lets through", () => {
    const own = `arn:aws:iam::${ACCOUNT}:role/OrgBreakGlass`;
    const named = synthEnvironment(baseEnvironment({ backup: { breakGlassRoleArn: own } }));
    expect(named.resource?.aws_iam_role?.["backup_break-glass-role_role"]).toBeUndefined();
    const statements = statementsOf(onlyResource(named, "aws_backup_vault_policy").policy);
    expect(evaluate(statements, { principal: own, action: "backup:StartRestoreJob", resource: recoveryPoint(ACCOUNT, "eu-west-1") })).toBe("implicitly denied");
    expect(evaluate(statements, { principal: `arn:aws:iam::${ACCOUNT}:role/ce-test-backup-break-glass`, action: "backup:StartRestoreJob", resource: recoveryPoint(ACCOUNT, "eu-west-1") })).toBe("explicitly denied");
  });
});

describe("the vault lock", () => {
  it("is put before the policy (which then denies changing it) and kept from deletion", () => {
    const locked = synthEnvironment(baseEnvironment({ backup: { retentionDays: 90, vaultLock: { minRetentionDays: 35, maxRetentionDays: 400, changeableForDays: 3 } } }));
    expect(onlyResource(locked, "aws_backup_vault_lock_configuration")).toMatchObject({
      backup_vault_name: ref("aws_backup_vault", "backup_vault_vault", "name"),
      min_retention_days: 35,
      max_retention_days: 400,
      changeable_for_days: 3,
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(locked, "aws_backup_vault_policy").depends_on).toEqual(["aws_backup_vault_lock_configuration.backup_vault_lock"]);
    expect(synthEnvironment(baseEnvironment()).resource?.aws_backup_vault_lock_configuration).toBeUndefined();
  });
});

describe("the logical MongoDB backup", () => {
  const stack = synthEnvironment(baseEnvironment());
  const task = resourceNamed(stack, "aws_ecs_task_definition", "backup_mongodb_task-definition");
  const container = containerNamed(task, "mongodb-backup");
  const env = Object.fromEntries(container.environment.map((v: any) => [v.name, v.value]));
  const workload = workloadTaskDefinition(stack);

  it("runs the release's own MongoDB image, as the database user, with a read-only root and only the backup password as a secret", () => {
    expect(container.image).toBe(containerNamed(workload, "mongodb").image);
    expect(container).toMatchObject({ user: "1001:1001", readonlyRootFilesystem: true, essential: true });
    expect(container.secrets).toEqual([{ name: "MONGO_BACKUP_PASSWORD", valueFrom: `${ref("aws_secretsmanager_secret", "backup-secret_secret", "arn")}:MONGO_BACKUP_PASSWORD::` }]);
    expect(JSON.stringify(container.environment)).not.toMatch(/PASSWORD=|:[^@/]+@/);
  });

  it("reaches the standalone node by the name its certificate holds, over TLS with the task's client certificate, as the backup user", () => {
    const certs = releaseOf("6.1").tls!.directory;
    expect(env.CE_BACKUP_URI).toBe(
      `mongodb://ce-backup@node-1.test.cloudexchange.internal:27017/?authSource=admin&tls=true&tlsCAFile=${certs}/tls_cert_ca.crt&tlsCertificateKeyFile=${certs}/tls_cert_key.pem`,
    );
    const san = containerNamed(workload, "init").environment.find((v: any) => v.name === "CE_TLS_SAN").value.split(",");
    expect(san).toContain(`DNS:${new URL(env.CE_BACKUP_URI.replace("mongodb://", "http://")).hostname}`);
    expect(resourceNamed(stack, "aws_service_discovery_service", "ha_node-1_discovery").name).toBe("node-1");
    expect(resourceNamed(stack, "aws_ecs_service", "workload_service_service").service_registries).toEqual({ registry_arn: ref("aws_service_discovery_service", "ha_node-1_discovery", "arn") });
  });

  it("reads the HA replica set from a secondary when one is up, with the oplog", () => {
    const ha = containerNamed(resourceNamed(synthEnvironment(haEnvironment()), "aws_ecs_task_definition", "backup_mongodb_task-definition"), "mongodb-backup");
    const haEnv = Object.fromEntries(ha.environment.map((v: any) => [v.name, v.value]));
    expect(haEnv.CE_BACKUP_URI).toMatch(/^mongodb:\/\/ce-backup@node-1\.ha\.cloudexchange\.internal:27017,node-2\.ha\.cloudexchange\.internal:27017,node-3\.ha\.cloudexchange\.internal:27017\/\?/);
    expect(haEnv.CE_BACKUP_URI).toContain("&replicaSet=mongo_replica_set&readPreference=secondaryPreferred");
    expect(haEnv.CE_BACKUP_OPLOG).toBe("true");
  });

  it("mounts the backup directory writable and its client certificate read-only, through their access points, with IAM", () => {
    expect(container.mountPoints).toEqual([
      { sourceVolume: "mongodb-backups", containerPath: "/backups", readOnly: false },
      { sourceVolume: "internal-certs", containerPath: releaseOf("6.1").tls!.directory, readOnly: true },
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
    ]);
    const byName = Object.fromEntries(task.volume.map((v: any) => [v.name, v]));
    expect(byName["mongodb-backups"].efs_volume_configuration.authorization_config).toEqual({ access_point_id: ref("aws_efs_access_point", "storage_access-point_mongodb-backups", "id"), iam: "ENABLED" });
    expect(byName["internal-certs"].efs_volume_configuration.authorization_config).toEqual({ access_point_id: ref("aws_efs_access_point", "storage_access-point_internal-certs", "id"), iam: "ENABLED" });
    expect(byName.tmp.efs_volume_configuration).toBeUndefined();
    expect(task.task_role_arn).toBe(ref("aws_iam_role", "backup_mongodb_task-role", "arn"));
  });

  it("runs on its schedule, by a role only that schedule may assume, that may run only the revision Terraform registered in this cluster and hand it only its two roles", () => {
    const schedule = onlyResource(stack, "aws_scheduler_schedule");
    const revision = ref("aws_ecs_task_definition", "backup_mongodb_task-definition", "arn");
    expect(schedule).toMatchObject({ schedule_expression: "cron(30 2 * * ? *)", schedule_expression_timezone: "UTC" });
    expect(schedule.target.ecs_parameters).toMatchObject({ task_definition_arn: revision, launch_type: "FARGATE" });
    // Another schedule of the account (whoever may create one) cannot borrow the role.
    const trust = statementsOf(resourceNamed(stack, "aws_iam_role", "backup_mongodb_scheduler-role").assume_role_policy);
    const assume = (sourceArn: string) =>
      evaluate(trust, { service: "scheduler.amazonaws.com", action: "sts:AssumeRole", resource: "*", context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": sourceArn } });
    expect([assume(`arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/default/${schedule.name}`), assume(`arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/default/someone-elses-schedule`)]).toEqual([
      "allowed",
      "implicitly denied",
    ]);
    const statements = statementsOf(resourceNamed(stack, "aws_iam_role_policy", "backup_mongodb_scheduler-role-policy").policy);
    const cluster = ref("aws_ecs_cluster", "cluster_cluster", "arn");
    const run = (taskDefinition: string, clusterArn = cluster) => evaluate(statements, { principal: "s", action: "ecs:RunTask", resource: taskDefinition, context: { "ecs:cluster": clusterArn } });
    // A revision of the family registered outside Terraform (by anyone who may register it) is not the one the role runs.
    expect([
      run(revision),
      run(`arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/ce-test-mongodb-backup:999`),
      run(`arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/ce-test:7`),
      run(revision, "arn:aws:ecs:eu-west-1:210987654321:cluster/other"),
    ]).toEqual(["allowed", "implicitly denied", "implicitly denied", "implicitly denied"]);
    const pass = (role: string) => evaluate(statements, { principal: "s", action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
    expect([pass(ref("aws_iam_role", "iam_execution-role", "arn")), pass(ref("aws_iam_role", "backup_mongodb_task-role", "arn")), pass(ref("aws_iam_role", "iam_task-role", "arn"))]).toEqual(["allowed", "allowed", "implicitly denied"]);
  });

  it("gives CE's mongodb container the password to create or keep the backup user, on CE 6.x only", () => {
    expect(containerNamed(workload, "mongodb").secrets).toContainEqual({ name: "MONGO_BACKUP_PASSWORD", valueFrom: container.secrets[0].valueFrom });
    const legacy = synthEnvironment(baseEnvironment({ release: "5.0", size: { preset: "small" } }));
    expect(containersOf(workloadTaskDefinition(legacy)).flatMap((c) => c.secrets ?? []).map((s: any) => s.name)).not.toContain("MONGO_BACKUP_PASSWORD");
    expect(legacy.resource?.aws_scheduler_schedule).toBeUndefined();
    // The file-level backup still runs.
    expect(onlyResource(legacy, "aws_backup_selection").resources).toEqual([ref("aws_efs_file_system", "storage_file-system", "arn")]);
  });

  it("runs with existing secrets only when they name the backup password's secret", () => {
    const existing = withExistingSecrets(baseEnvironment());
    expect(synthEnvironment(existing).resource?.aws_scheduler_schedule).toBeUndefined();
    const arn = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ce/test/backup-AbCdEf`;
    const named = synthEnvironment({ ...existing, secrets: { ...(existing.secrets as object), backupSecretArn: arn } } as EnvironmentInput);
    expect(containerNamed(resourceNamed(named, "aws_ecs_task_definition", "backup_mongodb_task-definition"), "mongodb-backup").secrets[0].valueFrom).toBe(`${arn}:MONGO_BACKUP_PASSWORD::`);
    expect(named.resource?.aws_secretsmanager_secret?.["backup-secret_secret"]).toBeUndefined();
  });

  it("is off when the environment says so, and the backup directory and its access go with it", () => {
    const off = synthEnvironment(baseEnvironment({ backup: { mongodump: { enabled: false } } }));
    expect(off.resource?.aws_scheduler_schedule).toBeUndefined();
    expect(off.resource?.aws_efs_access_point?.["storage_access-point_mongodb-backups"]).toBeUndefined();
    expect(statementsOf(onlyResource(off, "aws_efs_file_system_policy").policy).map((s) => s.Sid)).not.toContain("OnlyTheBackupRoleUsesTheBackupDirectory");
    expect(mongodbPortsWithinTheTaskGroup(off)).toEqual([]);
  });

  it("may reach the standalone node's MongoDB port from the task group only, at the address HA's MongoDB peer rule has", () => {
    const group = ref("aws_security_group", "security-groups_tasks", "id");
    const standalone = mongodbPortsWithinTheTaskGroup(stack);
    expect(standalone).toEqual([
      ["ingress", "security-groups_tasks-ingress-peers_27017", group],
      ["egress", "security-groups_tasks-egress-peers_27017", group],
    ]);
    expect(mongodbPortsWithinTheTaskGroup(synthEnvironment(haEnvironment())).map(([way, name]) => [way, name])).toEqual(standalone.map(([way, name]) => [way, name]));
  });
});

describe("the backup alarms", () => {
  const stack: StackJson = synthEnvironment(baseEnvironment({ backup: { alarmAfterHours: 30, copyTo: { vaultArn: `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:dr` } } }));
  const alarms = Object.fromEntries(resourcesOf(stack, "aws_cloudwatch_metric_alarm").filter(([n]) => n.startsWith("backup_alarms_")).map(([n, a]) => [n.replace("backup_alarms_", ""), a]));
  const byVault = { BackupVaultName: ref("aws_backup_vault", "backup_vault_vault", "name") };
  const topic = ref("aws_sns_topic", "alarms_topic", "arn");

  it("fire on a failed or aborted backup job, from AWS Backup's own metrics of the vault", () => {
    const queries = alarms["backup-job-failed"].metric_query;
    expect(queries.filter((q: any) => q.metric).map((q: any) => [q.metric.namespace, q.metric.metric_name, q.metric.dimensions])).toEqual([
      ["AWS/Backup", "NumberOfBackupJobsFailed", byVault],
      ["AWS/Backup", "NumberOfBackupJobsAborted", byVault],
    ]);
    expect(alarms["backup-job-failed"]).toMatchObject({ threshold: 0, comparison_operator: "GreaterThanThreshold", alarm_actions: [topic] });
  });

  it("fire when no backup job completed within the window, counting a silent hour as none", () => {
    expect(alarms["backup-missing"]).toMatchObject({
      namespace: "AWS/Backup",
      metric_name: "NumberOfBackupJobsCompleted",
      dimensions: byVault,
      period: 3600,
      evaluation_periods: 30,
      datapoints_to_alarm: 30,
      threshold: 1,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
    });
    expect(alarms["backup-copy-failed"]).toMatchObject({ metric_name: "NumberOfCopyJobsFailed", dimensions: byVault });
  });

  it("fire on a failed dump and on none within the window, from the dump's reports in the container log group", () => {
    const filters = Object.fromEntries(resourcesOf(stack, "aws_cloudwatch_log_metric_filter").map(([n, f]) => [n, f]));
    expect(filters["backup_alarms_mongodump-failed-filter"].log_group_name).toBe(ref("aws_cloudwatch_log_group", "logs_containers", "name"));
    expect(alarms["mongodump-failed"]).toMatchObject({ metric_name: "ce-test-mongodump-failed", threshold: 0, comparison_operator: "GreaterThanThreshold" });
    expect(alarms["mongodump-missing"]).toMatchObject({ metric_name: "ce-test-mongodump-succeeded", evaluation_periods: 30, treat_missing_data: "breaching" });
    for (const alarm of Object.values(alarms) as any[]) expect(alarm.alarm_name).toMatch(/^ce-test-/);
  });
});

/** The security group rules that open MongoDB's port: [direction, resource name, the group on the other side]. */
function mongodbPortsWithinTheTaskGroup(stack: StackJson): [string, string, string][] {
  return (["ingress", "egress"] as const).flatMap((way) =>
    resourcesOf(stack, `aws_vpc_security_group_${way}_rule`)
      .filter(([, rule]) => rule.from_port <= 27017 && rule.to_port >= 27017 && rule.security_group_id === ref("aws_security_group", "security-groups_tasks", "id"))
      .map(([name, rule]): [string, string, string] => [way, name, rule.referenced_security_group_id]),
  );
}
