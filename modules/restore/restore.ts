/**
 * Restoring an environment from a recovery point of its vault, as the exact
 * commands for one environment (`npm run restore -- <env> [recovery point]`):
 * AWS Backup restores EFS only into a new file system (or into a directory
 * aws-backup-restore_<timestamp> of an existing one), never in place, so the
 * commands restore into a new file system under the environment's key (as
 * the break-glass role, the only principal the vault lets restore), move the
 * restored data to that file system's root with a one-off task, and hand it
 * to the environment: Terraform imports it at the file system's address
 * (storage.restoredFileSystem), after the old file system's resources have
 * left the state, and creates its mount targets and access points. The old
 * file system stays as it was until the last, optional step. When MongoDB
 * does not start on the file-level copy, step L loads the logical dump the
 * recovery point holds into a fresh data directory.
 */
import type { Environment } from "../config";
import { breakGlassRoleArnOf, breakGlassRoleName } from "../config/backup-schema";
import { partitionOf } from "../config/patterns";
import { runRestoreHelper } from "./restore-helper-task";
import { restoreJobWait } from "./restore-job-wait";
import { ShellStep, renderSteps } from "./shell-steps";

/** Resource types whose deletion or replacement loses data: a restore's plan may not touch them (the policy suite's stateful list). */
export const STATEFUL_RESOURCE_TYPES = [
  "aws_efs_file_system",
  "aws_s3_bucket",
  "aws_secretsmanager_secret",
  "aws_secretsmanager_secret_version",
  "aws_backup_vault",
  "aws_backup_vault_lock_configuration",
  "aws_efs_replication_configuration",
  "aws_kms_key",
] as const;

/** Options of the restore. */
export interface RestoreOptions {
  /** The recovery point to restore. Default: the newest completed one of the environment's file system in its vault. */
  readonly recoveryPointArn?: string;
}

/** Names the steps share. */
interface Names {
  readonly stackName: string;
  readonly stackDir: string;
  readonly vault: string;
  readonly saved: (what: string) => string;
}

/** Returns from the step after a STOP line. */
const orStop = (message: string) => `|| { echo "STOP: ${message}"; return 1; }`;

/** Lines that wait until `countCommand` prints 0, up to `rounds` times `seconds`. */
function waitForZero(countCommand: string, what: string, rounds = 60, seconds = 10): string[] {
  return [
    `for round in $(seq 1 ${rounds}); do`,
    `  left=$(${countCommand})`,
    `  [ "$left" = 0 ] && break`,
    `  [ "$round" = ${rounds} ] && { echo "STOP: ${what} after ${(rounds * seconds) / 60} minutes ($left left)"; return 1; }`,
    `  sleep ${seconds}`,
    "done",
  ];
}

function recordStep(env: Environment, n: Names): ShellStep {
  const out = (name: string, file: string, json = false) =>
    json
      ? `terraform -chdir=${n.stackDir} output -json ${name} | python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)))' > ${n.saved(file)} ${orStop(`cannot read the stack output ${name} of ${n.stackName}`)}`
      : `terraform -chdir=${n.stackDir} output -raw ${name} > ${n.saved(file)} ${orStop(`cannot read the stack output ${name} of ${n.stackName}`)}`;
  return {
    label: "1",
    title: `As the deployer of ${n.stackName}: record the environment's identifiers from its stack (its file system, cluster, services, subnets, security groups and key)`,
    commands: [
      `export AWS_REGION=${env.region}`,
      `npx cdktf synth > /dev/null ${orStop("npx cdktf synth failed: run it in the project directory and read its error")}`,
      `terraform -chdir=${n.stackDir} init -input=false > /dev/null ${orStop(`terraform init failed for ${n.stackName}: check the credentials and the state backend`)}`,
      out("file-system-id", "old-file-system"),
      out("cluster-name", "cluster"),
      out("service-names", "services", true),
      out("private-subnet-ids", "subnets", true),
      out("task-security-group-id", "task-security-group"),
      out("file-system-security-group-id", "file-system-security-group"),
      `aws kms describe-key --key-id alias/${n.stackName} --query KeyMetadata.Arn --output text > ${n.saved("key")} ${orStop(`cannot read the key alias/${n.stackName}`)}`,
      `echo "file system $(cat ${n.saved("old-file-system")}), cluster $(cat ${n.saved("cluster")}), services $(cat ${n.saved("services")}), key $(cat ${n.saved("key")})"`,
    ],
  };
}

function restoreJobStep(env: Environment, n: Names, options: RestoreOptions): ShellStep {
  const partition = partitionOf(env.region);
  const breakGlass = breakGlassRoleArnOf(env);
  const roleName = breakGlass.split("/").pop() ?? breakGlassRoleName(env.name);
  const backupRole = `arn:${partition}:iam::${env.accountId}:role/${n.stackName}-backup`;
  const fsArn = `arn:${partition}:elasticfilesystem:${env.region}:${env.accountId}:file-system/$(cat ${n.saved("old-file-system")})`;
  const newest = "'reverse(sort_by(RecoveryPoints[?Status==`COMPLETED`], &CreationDate))[0].RecoveryPointArn'";
  return {
    label: "2",
    title: `As the break-glass role ${roleName} (the only principal vault ${n.vault} lets restore): restore ${options.recoveryPointArn ? "the recovery point given" : "the newest completed recovery point"} into a new file system under the environment's key`,
    commands: [
      `export AWS_REGION=${env.region}`,
      `identity=$(aws sts get-caller-identity --query Arn --output text) ${orStop("no AWS credentials")}`,
      `case "$identity" in *":assumed-role/${roleName}/"*) ;; *) echo "STOP: vault ${n.vault} lets only ${breakGlass} restore: assume it (with MFA) and run this step again (now: $identity)"; return 1 ;; esac`,
      options.recoveryPointArn
        ? `rp="${options.recoveryPointArn}"`
        : `rp=$(aws backup list-recovery-points-by-backup-vault --backup-vault-name ${n.vault} --by-resource-arn "${fsArn}" --query ${newest} --output text) ${orStop(`cannot list the recovery points of vault ${n.vault}`)}`,
      `[ -n "$rp" ] && [ "$rp" != None ] ${orStop(`no completed recovery point of ${fsArn} in vault ${n.vault}`)}`,
      `echo "$rp" > ${n.saved("recovery-point")}`,
      `echo "recovery point $rp, taken $(aws backup describe-recovery-point --backup-vault-name ${n.vault} --recovery-point-arn "$rp" --query CreationDate --output text)"`,
      `job=$(aws backup start-restore-job --recovery-point-arn "$rp" --iam-role-arn ${backupRole} --metadata "file-system-id=$(cat ${n.saved("old-file-system")}),newFileSystem=true,Encrypted=true,KmsKeyId=$(cat ${n.saved("key")}),PerformanceMode=generalPurpose,CreationToken=${n.stackName}-restore-$(date -u +%Y%m%d%H%M%S)" --query RestoreJobId --output text) ${orStop("the restore job did not start")}`,
      `echo "restore job: $job"`,
      ...restoreJobWait(),
      `aws backup describe-restore-job --restore-job-id "$job" --query CreatedResourceArn --output text | sed 's#.*/##' > ${n.saved("file-system")}`,
      `grep -qE '^fs-[0-9a-f]+$' ${n.saved("file-system")} ${orStop(`restore job $job names no file system`)}`,
      `echo "restored into $(cat ${n.saved("file-system")})"`,
    ],
  };
}

function moveStep(env: Environment, n: Names): ShellStep {
  const fs = `"$(cat ${n.saved("file-system")})"`;
  const temporary = n.saved("temporary-mount-targets");
  return {
    label: "3",
    title: `As the deployer: move the restored data from aws-backup-restore_<timestamp>/ to the new file system's root (a one-off task through temporary mount targets, removed afterwards)`,
    commands: [
      `export AWS_REGION=${env.region}`,
      `rm -f ${temporary}`,
      `for subnet in $(cat ${n.saved("subnets")}); do`,
      `  aws efs create-mount-target --file-system-id ${fs} --subnet-id "$subnet" --security-groups "$(cat ${n.saved("file-system-security-group")})" --query MountTargetId --output text >> ${temporary} ${orStop("cannot create a mount target in $subnet")}`,
      "done",
      ...waitForZero(`aws efs describe-mount-targets --file-system-id ${fs} --query "length(MountTargets[?LifeCycleState!='available'])" --output text`, "the temporary mount targets are not available"),
      ...runRestoreHelper(env, "move", {
        fileSystemId: n.saved("file-system"),
        cluster: n.saved("cluster"),
        subnets: n.saved("subnets"),
        securityGroup: n.saved("task-security-group"),
        taskDefinition: n.saved("move-task.json"),
      }),
      `for target in $(cat ${temporary}); do aws efs delete-mount-target --mount-target-id "$target" ${orStop("cannot delete the temporary mount target $target")}; done`,
      ...waitForZero(`aws efs describe-mount-targets --file-system-id ${fs} --query "length(MountTargets)" --output text`, "the temporary mount targets are not gone"),
      `rm -f ${temporary}`,
    ],
  };
}

function handOverStep(env: Environment, n: Names): ShellStep {
  return {
    label: "4",
    title: `Give the restored file system to ${n.stackName}: add storage.restoredFileSystem to environments/${env.name}.ts (keep it afterwards), then check that the stack imports it`,
    commands: [
      `echo "In environments/${env.name}.ts, with storage's other settings:"`,
      `echo "  storage: { restoredFileSystem: { fileSystemId: \\"$(cat ${n.saved("file-system")})\\", kmsKeyArn: \\"$(cat ${n.saved("key")})\\" } },"`,
      `npx cdktf synth > /dev/null ${orStop("npx cdktf synth failed: read its error (a field of the environment)")}`,
      `grep -q "\\"id\\": \\"$(cat ${n.saved("file-system")})\\"" ${n.stackDir}/cdk.tf.json ${orStop(`${n.stackName} does not import $(cat ${n.saved("file-system")}) yet: add storage.restoredFileSystem as above and run this step again`)}`,
    ],
  };
}

/** The replication of a primary leaves the old file system for the new one: the old one stops replicating, and the standby's replica accepts a replication again. */
function releaseReplication(env: Environment, n: Names): string[] {
  const r = env.replication;
  if (!r) return [];
  const standby = `--region ${r.region} --file-system-id ${r.fileSystemId}`;
  return [
    `aws efs delete-replication-configuration --file-system-id "$(cat ${n.saved("old-file-system")})" || echo "the old file system replicates no more"`,
    ...waitForZero(
      `aws efs describe-file-systems ${standby} --query "length(FileSystems[?FileSystemProtection.ReplicationOverwriteProtection=='REPLICATING'])" --output text`,
      `the standby's replica ${r.fileSystemId} still replicates`,
    ),
    `aws efs update-file-system-protection ${standby} --replication-overwrite-protection DISABLED ${orStop(`cannot let ${r.fileSystemId} (${r.standby}) receive the new file system's replication`)}`,
  ];
}

/** Lines that check a saved plan: nothing stateful deleted or replaced, and the restored file system in the file system's place. */
function planCheck(n: Names, plan: string): string[] {
  return [
    `terraform -chdir=${n.stackDir} show -json ${plan} > ${n.saved("plan.json")} ${orStop("cannot read the plan")}`,
    `python3 - ${n.saved("plan.json")} "$(cat ${n.saved("file-system")})" <<'PY' ${orStop("the plan is not a restore's: read the lines above, fix, and run this step again")}`,
    "import json, sys",
    "plan = json.load(open(sys.argv[1]))",
    `stateful = set(${JSON.stringify([...STATEFUL_RESOURCE_TYPES])})`,
    'changes = plan.get("resource_changes", [])',
    'lost = [c["address"] for c in changes if c["type"] in stateful and "delete" in c["change"]["actions"]]',
    'fs = [c for c in changes if c["address"] == "aws_efs_file_system.storage_file-system"]',
    'imported = fs and (fs[0]["change"].get("importing") or {}).get("id") == sys.argv[2]',
    'kept = fs and (fs[0]["change"].get("before") or {}).get("id") == sys.argv[2]',
    'if lost: print("the plan deletes or replaces " + ", ".join(lost))',
    'if not (imported or kept): print("the plan does not put " + sys.argv[2] + " at aws_efs_file_system.storage_file-system")',
    "sys.exit(1 if lost or not (imported or kept) else 0)",
    "PY",
  ];
}

function switchStep(env: Environment, n: Names, addresses: readonly string[]): ShellStep {
  const cluster = `"$(cat ${n.saved("cluster")})"`;
  return {
    label: "5",
    title: `As the deployer: take the old file system's resources out of ${n.stackName}'s state (the file system itself stays), stop Cloud Exchange, and apply a plan that imports the restored file system and creates its mount targets and access points`,
    commands: [
      `export AWS_REGION=${env.region}`,
      `terraform -chdir=${n.stackDir} init -input=false > /dev/null ${orStop(`terraform init failed for ${n.stackName}`)}`,
      `terraform -chdir=${n.stackDir} state list > ${n.saved("state.txt")} ${orStop(`cannot read ${n.stackName}'s state`)}`,
      ...releaseReplication(env, n),
      `for address in ${addresses.join(" ")}; do`,
      `  if grep -qxF "$address" ${n.saved("state.txt")}; then terraform -chdir=${n.stackDir} state rm "$address" > /dev/null ${orStop("cannot take $address out of the state")}; echo "out of the state: $address"; fi`,
      "done",
      `for service in $(cat ${n.saved("services")}); do aws ecs update-service --cluster ${cluster} --service "$service" --desired-count 0 --query service.desiredCount --output text > /dev/null ${orStop("cannot stop $service")}; done`,
      `aws ecs wait services-stable --cluster ${cluster} --services $(cat ${n.saved("services")})`,
      `terraform -chdir=${n.stackDir} plan -input=false -out=restore.tfplan > /dev/null ${orStop("terraform plan failed: read its error")}`,
      ...planCheck(n, "restore.tfplan"),
      `terraform -chdir=${n.stackDir} apply -input=false restore.tfplan ${orStop("terraform apply failed: read its error, fix, and run this step again (the state already holds what was applied)")}`,
    ],
  };
}

function verifyStep(env: Environment, n: Names): ShellStep {
  const cluster = `"$(cat ${n.saved("cluster")})"`;
  return {
    label: "6",
    title: "Verify: every service runs its task on the restored data, and the UI answers",
    commands: [
      `export AWS_REGION=${env.region}`,
      `aws ecs wait services-stable --cluster ${cluster} --services $(cat ${n.saved("services")})`,
      `for service in $(cat ${n.saved("services")}); do`,
      `  running=$(aws ecs describe-services --cluster ${cluster} --services "$service" --query 'services[0].runningCount' --output text)`,
      `  [ "$running" = 1 ] ${orStop(`$service runs $running tasks: when MongoDB does not start on the file-level copy (aws logs tail /ecs/cloud-exchange/${env.name} --since 30m --filter-pattern mongod), run step L`)}`,
      "done",
      `terraform -chdir=${n.stackDir} output -raw ui-url`,
    ],
  };
}

function loadStep(env: Environment, n: Names): ShellStep {
  const cluster = `"$(cat ${n.saved("cluster")})"`;
  return {
    label: "L",
    title:
      "Only when MongoDB does not start on the file-level copy: load the logical dump the recovery point holds into a fresh MongoDB data directory (the file system policy is lifted while the helper runs, and the apply puts it back)",
    commands: [
      `export AWS_REGION=${env.region}`,
      `for service in $(cat ${n.saved("services")}); do aws ecs update-service --cluster ${cluster} --service "$service" --desired-count 0 --query service.desiredCount --output text > /dev/null ${orStop("cannot stop $service")}; done`,
      `aws ecs wait services-stable --cluster ${cluster} --services $(cat ${n.saved("services")})`,
      `aws efs delete-file-system-policy --file-system-id "$(cat ${n.saved("file-system")})" ${orStop("cannot lift the file system policy for the helper")}`,
      ...runRestoreHelper(env, "load", {
        fileSystemId: n.saved("file-system"),
        cluster: n.saved("cluster"),
        subnets: n.saved("subnets"),
        securityGroup: n.saved("task-security-group"),
        taskDefinition: n.saved("load-task.json"),
      }),
      `terraform -chdir=${n.stackDir} plan -input=false -out=restore-load.tfplan > /dev/null ${orStop("terraform plan failed: read its error")}`,
      ...planCheck(n, "restore-load.tfplan"),
      `terraform -chdir=${n.stackDir} apply -input=false restore-load.tfplan ${orStop("terraform apply failed: read its error")}`,
    ],
  };
}

function retireStep(env: Environment, n: Names): ShellStep {
  const old = `"$(cat ${n.saved("old-file-system")})"`;
  return {
    label: "X",
    title: "Later, once CE has run on the restored data for as long as you want the old file system as a fallback: delete the old file system (its recovery points stay in the vault until their retention ends)",
    commands: [
      `export AWS_REGION=${env.region}`,
      `for target in $(aws efs describe-mount-targets --file-system-id ${old} --query 'MountTargets[].MountTargetId' --output text); do aws efs delete-mount-target --mount-target-id "$target" ${orStop("cannot delete mount target $target")}; done`,
      ...waitForZero(`aws efs describe-mount-targets --file-system-id ${old} --query "length(MountTargets)" --output text`, "the old file system's mount targets are not gone"),
      `for point in $(aws efs describe-access-points --file-system-id ${old} --query 'AccessPoints[].AccessPointId' --output text); do aws efs delete-access-point --access-point-id "$point" ${orStop("cannot delete access point $point")}; done`,
      `aws efs delete-file-system --file-system-id ${old} ${orStop("cannot delete the old file system")}`,
    ],
  };
}

/**
 * The restore of `env`, step by step. `addresses` are the Terraform addresses
 * of the file system's resources in the environment's stack (file-system-addresses.ts).
 */
export function restoreSteps(env: Environment, addresses: readonly string[], options: RestoreOptions = {}): ShellStep[] {
  if (env.standby && !env.standby.promoted) throw new Error(`environment ${env.name} is a standby: its file system is its primary's replica; restore ${env.standby.primary}, or fail over first (npm run failover)`);
  const stackName = `ce-${env.name}`;
  const names: Names = { stackName, stackDir: `cdktf.out/stacks/${stackName}`, vault: stackName, saved: (what) => `${stackName}-restore-${what}` };
  return [
    recordStep(env, names),
    restoreJobStep(env, names, options),
    moveStep(env, names),
    handOverStep(env, names),
    switchStep(env, names, addresses),
    verifyStep(env, names),
    loadStep(env, names),
    retireStep(env, names),
  ];
}

/** The restore as one commented shell listing. */
export function renderRestore(env: Environment, addresses: readonly string[], options: RestoreOptions = {}): string {
  return renderSteps(
    [
      `Restore of ce-${env.name} from its vault ce-${env.name} into a new file system (docs/runbooks.md#restore).`,
      "Run one step at a time in one shell, in the project directory; each ends with ok, or STOP and what to fix. Steps L and X run only when asked for.",
    ],
    restoreSteps(env, addresses, options),
  );
}
