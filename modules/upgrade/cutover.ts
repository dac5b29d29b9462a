/**
 * The cut-over from an official-template deployment to this project's stack,
 * as the exact commands for one adopt-mode environment (`npm run cutover`):
 * check what the commands assume, record what a rollback needs, stop the
 * template's CE, back it up (stopped, so the copy is consistent and the only
 * way back to 5.0 is a good one), fill the secrets, deploy (which imports
 * the data and, on 6.x, upgrades it), verify, and only then retire the
 * template's stack while keeping the file system, its mount targets, the
 * kept access points, the network, its flow-log role and CE 5.0's log
 * group. Until that last step every step can be undone (the rollback steps
 * at the end), and each step prints STOP when its result is not what the
 * next step needs.
 */
import { connectionStrings, releaseOf } from "../releases";
import { runRestoreHelper } from "../restore/restore-helper-task";
import { restoreJobWait } from "../restore/restore-job-wait";
import { stepScript } from "../restore/shell-steps";
import type { Environment } from "../config";
import { keptLogicalIds, retainAwkProgram } from "./template-retain";
import { templateSettingsCheck } from "./template-settings";

export { TEMPLATE_LOGICAL_IDS, retainAwkProgram } from "./template-retain";

/** The AWS Backup vault and service role the on-demand backup uses (AWS Backup's defaults). */
export const CUTOVER_BACKUP = { vault: "Default", roleName: "AWSBackupDefaultServiceRole", rolePath: "service-role/" } as const;

/** What the rollback does before CE 5.0 starts again on data the upgrade moved on (its first step, R1). */
export const RESTORE_REFERENCE = "R1 puts step 4's backup back in the template's file system";

/** One step of the cut-over. */
export interface CutoverStep {
  readonly title: string;
  /** Shell lines (comments start with #). */
  readonly commands: readonly string[];
  /** A rollback step (numbered R1, R2 after the forward steps). Default false. */
  readonly rollback?: boolean;
}

/** The names the commands share: stack, directories and the files a step records for a later one. */
interface Names {
  readonly stackName: string;
  readonly stackDir: string;
  readonly saved: (what: string) => string;
}

/** Defines `stop`, which every check calls: it prints STOP and the reason, and marks the step failed. */
const STOP_FUNCTION = 'stop() { echo "STOP: $*"; step_failed=yes; }; step_failed=""';
/** Ends a step with its verdict. */
const verdict = (next: string) => `if [ -z "$step_failed" ]; then echo "ok: ${next}"; else echo "fix what STOP names, then run this step again"; false; fi`;

function checkStep(env: Environment): CutoverStep {
  const template = env.adopt!.officialStack;
  const { vault, roleName, rolePath } = CUTOVER_BACKUP;
  return {
    title: "Check what the cut-over assumes, before anything changes: the template's stack and service, the backup vault and role, and the template's proxy and custom CA",
    commands: [
      `export AWS_REGION=${env.region}`,
      STOP_FUNCTION,
      `[ "$(aws cloudformation describe-stacks --stack-name ${template.name} --query 'Stacks[0].StackStatus' --output text)" != "" ] || stop "no stack ${template.name} in ${env.region} (adopt.officialStack.name)"`,
      `[ "$(aws ecs describe-services --cluster ${template.clusterName} --services ${template.serviceName} --query "services[?status=='ACTIVE'] | length(@)" --output text)" = 1 ] || stop "no active service ${template.serviceName} in cluster ${template.clusterName} (adopt.officialStack)"`,
      `aws backup describe-backup-vault --backup-vault-name ${vault} --query BackupVaultArn --output text || stop "no backup vault ${vault}: create it (aws backup create-backup-vault --backup-vault-name ${vault}) before the backup of step 4"`,
      `aws iam get-role --role-name ${roleName} --query Role.Arn --output text || stop "no IAM role ${rolePath}${roleName}: let AWS Backup create it (choose Default role once in the AWS Backup console) before the backup of step 4"`,
      ...templateSettingsCheck(env, template.name),
      verdict("go on with step 2"),
    ],
  };
}

function recordStep(env: Environment, names: Names): CutoverStep {
  const adopt = env.adopt!;
  const { saved } = names;
  return {
    title: "Record what a rollback needs: the template's file system policy (or that it has none), its backup policy and mount-target security groups",
    commands: [
      STOP_FUNCTION,
      `rm -f ${saved("template-efs-policy.json")} ${saved("template-efs-policy.none")}`,
      `if aws efs describe-file-system-policy --file-system-id ${adopt.fileSystemId} --query Policy --output text > ${saved("template-efs-policy.json")} 2> ${saved("error.txt")}; then echo "recorded the file system policy"; elif grep -q PolicyNotFound ${saved("error.txt")}; then rm -f ${saved("template-efs-policy.json")}; touch ${saved("template-efs-policy.none")}; echo "the file system has no policy: recorded as none"; else cat ${saved("error.txt")}; stop "cannot read the file system policy of ${adopt.fileSystemId}"; fi`,
      // The stack turns the automatic backup to the default vault off (its own vault backs the data up); the rollback gives the template its own setting back.
      `aws efs describe-backup-policy --file-system-id ${adopt.fileSystemId} --query BackupPolicy.Status --output text > ${saved("template-backup-policy.txt")} 2> /dev/null || echo DISABLED > ${saved("template-backup-policy.txt")}`,
      ...Object.values(adopt.mountTargetIds).map(
        (id) =>
          `aws efs describe-mount-target-security-groups --mount-target-id ${id} --query SecurityGroups --output text > ${saved(`${id}-security-groups.txt`)} && [ -s ${saved(`${id}-security-groups.txt`)} ] || stop "cannot read the security groups of mount target ${id}"`,
      ),
      verdict("go on with step 3"),
    ],
  };
}

function stopTemplateStep(env: Environment): CutoverStep {
  const template = env.adopt!.officialStack;
  return {
    title: "Stop the template's Cloud Exchange while it is idle, so its MongoDB shuts down cleanly before the backup (RabbitMQ's queues hold only in-flight work; MongoDB is the record)",
    commands: [
      `aws ecs update-service --cluster ${template.clusterName} --service ${template.serviceName} --desired-count 0 --query service.desiredCount --output text`,
      `aws ecs wait services-stable --cluster ${template.clusterName} --services ${template.serviceName}`,
      `[ "$(aws ecs list-tasks --cluster ${template.clusterName} --service-name ${template.serviceName} --desired-status RUNNING --query 'length(taskArns)' --output text)" = 0 ] && echo "ok: no task of ${template.serviceName} runs; go on with step 4" || { echo "STOP: a task of ${template.serviceName} still runs: wait for it to stop before the backup"; false; }`,
    ],
  };
}

function backupStep(env: Environment, names: Names): CutoverStep {
  const adopt = env.adopt!;
  const { vault, roleName, rolePath } = CUTOVER_BACKUP;
  const fsArn = `arn:aws:elasticfilesystem:${env.region}:${env.accountId}:file-system/${adopt.fileSystemId}`;
  const job = '"$job"';
  return {
    title: "Back up the stopped file system on demand and wait until the backup job ends: the consistent copy a rollback after a data upgrade restores",
    commands: [
      `rm -f ${names.saved("recovery-point.txt")}`,
      `job=$(aws backup start-backup-job --backup-vault-name ${vault} --resource-arn ${fsArn} --iam-role-arn arn:aws:iam::${env.accountId}:role/${rolePath}${roleName} --query BackupJobId --output text)`,
      `echo "backup job: $job"`,
      "while :; do",
      `  state=$(aws backup describe-backup-job --backup-job-id ${job} --query State --output text)`,
      '  case "$state" in',
      `    COMPLETED) aws backup describe-backup-job --backup-job-id ${job} --query RecoveryPointArn --output text > ${names.saved("recovery-point.txt")}; echo "ok: backup job $job completed, recovery point $(cat ${names.saved("recovery-point.txt")}); go on with step 5"; break ;;`,
      `    FAILED|ABORTED|EXPIRED|PARTIAL) echo "STOP: backup job $job ended $state ($(aws backup describe-backup-job --backup-job-id ${job} --query StatusMessage --output text)); nothing else changed: fix the cause and run this step again, or roll back (R2 starts the template's CE)"; break ;;`,
      `    CREATED|PENDING|RUNNING|ABORTING) sleep 30 ;;`,
      `    *) echo "STOP: cannot read backup job $job (state: '$state')"; break ;;`,
      "  esac",
      "done",
      `[ -s ${names.saved("recovery-point.txt")} ]`,
    ],
  };
}

function secretsStep(env: Environment): CutoverStep {
  if (env.secrets.mode !== "existing") throw new Error(`environment ${env.name} must use existing secrets with adopt`);
  const release = releaseOf(env.release);
  const strings = connectionStrings(release, { mongoHosts: ["localhost:27017"], rabbitmqHosts: ["localhost"] }, "@@ESCAPED@@");
  return {
    title:
      "Put the template's JWT secret and maintenance password into the environment's secrets, with a new cookie and keyfile; root keeps the maintenance password, as CE needs (read from the terminal and written from files, never on a command line)",
    commands: [
      'read -rsp "Template JWT secret: " CE_JWT && echo && export CE_JWT',
      'read -rsp "Template maintenance password: " CE_MAINTENANCE && echo && export CE_MAINTENANCE',
      `export CE_MONGO_TEMPLATE='${strings.mongo}' CE_RABBITMQ_TEMPLATE='${strings.rabbitmq}'`,
      "umask 077",
      "python3 - <<'PY'",
      "import json, os, secrets, urllib.parse",
      "e = urllib.parse.quote(os.environ['CE_MAINTENANCE'], safe='')",
      "open('jwt.txt', 'w').write(os.environ['CE_JWT'])",
      "json.dump({'MAINTENANCE_PASSWORD': os.environ['CE_MAINTENANCE'], 'MAINTENANCE_PASSWORD_ESCAPED': e,",
      "           'MONGO_CONNECTION_STRING': os.environ['CE_MONGO_TEMPLATE'].replace('@@ESCAPED@@', e),",
      "           'RABBITMQ_CONNECTION_STRING': os.environ['CE_RABBITMQ_TEMPLATE'].replace('@@ESCAPED@@', e)}, open('maintenance.json', 'w'))",
      "json.dump({'RABBITMQ_COOKIE': secrets.token_hex(16), 'MONGO_REPLICA_KEY': secrets.token_urlsafe(72)[:96],",
      "           'MONGO_ROOT_PASSWORD': os.environ['CE_MAINTENANCE']}, open('cluster.json', 'w'))",
      "PY",
      `aws secretsmanager put-secret-value --secret-id ${env.secrets.jwtSecretArn} --secret-string file://jwt.txt`,
      `aws secretsmanager put-secret-value --secret-id ${env.secrets.maintenanceSecretArn} --secret-string file://maintenance.json`,
      `aws secretsmanager put-secret-value --secret-id ${env.secrets.clusterSecretArn} --secret-string file://cluster.json`,
      "shred -u jwt.txt maintenance.json cluster.json; unset CE_JWT CE_MAINTENANCE",
    ],
  };
}

function deployStep(env: Environment, names: Names): CutoverStep {
  const release = releaseOf(env.release);
  return {
    title: `Deploy ${names.stackName}: Terraform imports the file system, its mount targets and the kept access points${env.upgrade ? ", and the task walks the data to CE " + release.id + " before CE starts" : ""}`,
    commands: [`npx cdktf diff ${names.stackName}   # expect: import of ${env.adopt!.fileSystemId}, no replacement, no destroy`, `npx cdktf deploy ${names.stackName}`],
  };
}

function verifyStep(env: Environment, names: Names): CutoverStep {
  return {
    title: "Verify: the service is stable, the data upgrade (if any) finished, and the UI answers",
    commands: [
      `aws ecs wait services-stable --cluster ${names.stackName} --services ${names.stackName}`,
      `aws logs filter-log-events --log-group-name /ecs/cloud-exchange/${env.name} --filter-pattern '"mongodb-upgrade"' --query 'events[].message' --output text`,
      `terraform -chdir=${names.stackDir} output -raw ui-url`,
    ],
  };
}

function retireStep(env: Environment, names: Names): CutoverStep {
  const adopt = env.adopt!;
  const template = adopt.officialStack;
  const { saved } = names;
  const kept = keptLogicalIds(Object.keys(adopt.mountTargetIds).length, Object.keys(adopt.accessPointIds));
  return {
    title: `Retire the template's stack ${template.name}, keeping the file system, its mount targets, the kept access points, the network with its flow-log role, and CE 5.0's log group (no rollback after this step)`,
    commands: [
      `aws cloudformation get-template --stack-name ${template.name} --query TemplateBody --output text > ${saved("template.yaml")}`,
      `awk '${retainAwkProgram(kept)}' ${saved("template.yaml")} > ${saved("template-retain.yaml")}`,
      `diff ${saved("template.yaml")} ${saved("template-retain.yaml")}   # review: one "DeletionPolicy: Retain" added to ${kept.join(", ")} and every AWS::EC2::* resource`,
      `params=$(aws cloudformation describe-stacks --stack-name ${template.name} --query 'Stacks[0].Parameters[].ParameterKey' --output text | tr '\\t' '\\n' | sed 's/.*/ParameterKey=&,UsePreviousValue=true/' | tr '\\n' ' ')`,
      `aws cloudformation update-stack --stack-name ${template.name} --template-body file://${saved("template-retain.yaml")} --parameters $params --capabilities CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND`,
      `aws cloudformation wait stack-update-complete --stack-name ${template.name}`,
      `aws cloudformation delete-stack --stack-name ${template.name}`,
      `aws cloudformation wait stack-delete-complete --stack-name ${template.name}`,
    ],
  };
}

/**
 * Rollback, the hand-back: runs at any step before the last (after the
 * restore of step 4's backup when the data upgrade ran) and never fails for
 * what has not happened yet (no service, no state, nothing recorded).
 */
function handBackStep(env: Environment, names: Names, adoptedAddresses: readonly string[]): CutoverStep {
  const adopt = env.adopt!;
  const { saved, stackName, stackDir } = names;
  const policy = saved("template-efs-policy.json");
  return {
    rollback: true,
    title: `Rollback, at any step before the last: stop ${stackName}'s service if it runs, take the template's data out of Terraform's state (so no later plan of ${stackName} can change or destroy it), and give the file system policy, backup policy and mount-target security groups back to the template`,
    commands: [
      `export AWS_REGION=${env.region}`,
      `if [ "$(aws ecs describe-services --cluster ${stackName} --services ${stackName} --query "services[?status=='ACTIVE'] | length(@)" --output text 2> /dev/null)" = 1 ]; then`,
      `  aws ecs update-service --cluster ${stackName} --service ${stackName} --desired-count 0 --query service.desiredCount --output text`,
      `  aws ecs wait services-stable --cluster ${stackName} --services ${stackName}`,
      "else",
      `  echo "${stackName} has no service yet (before step 6): nothing to stop"`,
      "fi",
      `if [ ! -d ${stackDir} ]; then`,
      `  echo "no ${stackDir} (before step 6, Terraform holds nothing of the template's; after it, run npx cdktf synth in the project directory and this step again)"`,
      `elif terraform -chdir=${stackDir} init -input=false > /dev/null && terraform -chdir=${stackDir} state list > ${saved("state.txt")}; then`,
      `  for address in ${adoptedAddresses.join(" ")}; do`,
      `    if grep -qxF "$address" ${saved("state.txt")}; then terraform -chdir=${stackDir} state rm "$address"; fi`,
      "  done",
      "else",
      `  echo "STOP: cannot read ${stackName}'s Terraform state: fix terraform init (credentials, backend) and run this step again"`,
      "fi",
      `if [ -s ${policy} ]; then aws efs put-file-system-policy --file-system-id ${adopt.fileSystemId} --policy file://${policy} --query FileSystemId --output text;`,
      `elif [ -e ${saved("template-efs-policy.none")} ]; then aws efs delete-file-system-policy --file-system-id ${adopt.fileSystemId};`,
      `else echo "no file system policy recorded (step 2 did not run): the policy was never changed"; fi`,
      `if [ -s ${saved("template-backup-policy.txt")} ]; then aws efs put-backup-policy --file-system-id ${adopt.fileSystemId} --backup-policy Status=$(cat ${saved("template-backup-policy.txt")}) --query BackupPolicy.Status --output text; fi`,
      ...Object.values(adopt.mountTargetIds).map((id) => {
        const groups = saved(`${id}-security-groups.txt`);
        return `if [ -s ${groups} ]; then aws efs modify-mount-target-security-groups --mount-target-id ${id} --security-groups $(cat ${groups}); else echo "no security groups recorded for ${id} (step 2 did not run): they were never changed"; fi`;
      }),
    ],
  };
}

/**
 * Rollback after the data upgrade ran (step 6 with upgrade): CE 5.0 cannot
 * open the upgraded data, so step 4's recovery point is restored into the
 * template's file system (AWS Backup writes it to aws-backup-restore_<time>/
 * there, never in place) and a one-off task of this environment moves it to
 * /data, keeping the upgraded data beside it as data.before-restore-<time>.
 * The file system policy this stack set is lifted first (the helper mounts
 * the root, which the policy refuses); the hand-back (R2) then puts the
 * template's own policy back. Before step 6 the data is untouched and this
 * step only says so.
 */
function rollbackRestoreStep(env: Environment, names: Names): CutoverStep {
  const adopt = env.adopt!;
  const { saved, stackName, stackDir } = names;
  const cluster = env.cluster.existingClusterName ?? stackName;
  const { roleName, rolePath } = CUTOVER_BACKUP;
  const body = [
    `export AWS_REGION=${env.region}`,
    `if [ "$(aws ecs describe-services --cluster ${cluster} --services ${stackName} --query "services[?status=='ACTIVE'] | length(@)" --output text 2> /dev/null)" != 1 ]; then echo "${stackName} was never deployed (step 6 did not run): the template's data is as step 4 backed it up, nothing to restore"; return 0; fi`,
    `[ -s ${saved("recovery-point.txt")} ] || { echo "STOP: no recovery point recorded (step 4 did not complete): restore a backup of ${adopt.fileSystemId} taken before step 6 by hand (docs/upgrades.md)"; return 1; }`,
    `aws ecs update-service --cluster ${cluster} --service ${stackName} --desired-count 0 --query service.desiredCount --output text > /dev/null || { echo "STOP: cannot stop ${stackName}"; return 1; }`,
    `aws ecs wait services-stable --cluster ${cluster} --services ${stackName}`,
    `job=$(aws backup start-restore-job --recovery-point-arn "$(cat ${saved("recovery-point.txt")})" --iam-role-arn arn:aws:iam::${env.accountId}:role/${rolePath}${roleName} --metadata "file-system-id=${adopt.fileSystemId},newFileSystem=false,Encrypted=true,KmsKeyId=${adopt.kmsKeyArn},PerformanceMode=${adopt.performanceMode}" --query RestoreJobId --output text) || { echo "STOP: the restore job did not start"; return 1; }`,
    `echo "restore job: $job"`,
    ...restoreJobWait(),
    `aws efs delete-file-system-policy --file-system-id ${adopt.fileSystemId} || { echo "STOP: cannot lift ${stackName}'s file system policy for the helper"; return 1; }`,
    `echo ${adopt.fileSystemId} > ${saved("file-system.txt")}`,
    `echo ${cluster} > ${saved("cluster.txt")}`,
    `echo ${env.network.mode === "existing" ? env.network.privateSubnetIds.join(" ") : `"$(terraform -chdir=${stackDir} output -json private-subnet-ids | python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)))')"`} > ${saved("subnets.txt")}`,
    `terraform -chdir=${stackDir} output -raw task-security-group-id > ${saved("task-security-group.txt")} || { echo "STOP: cannot read ${stackName}'s task security group (run npx cdktf synth and terraform -chdir=${stackDir} init first)"; return 1; }`,
    ...runRestoreHelper(env, "move", {
      fileSystemId: saved("file-system.txt"),
      cluster: saved("cluster.txt"),
      subnets: saved("subnets.txt"),
      securityGroup: saved("task-security-group.txt"),
      taskDefinition: saved("restore-move.json"),
    }),
    `echo "step 4's backup is back at /data; the upgraded data is beside it as /data.before-restore-<time>"`,
  ];
  return {
    rollback: true,
    title: `Rollback after the data upgrade (step 6) ran, before anything else: put step 4's backup back in the template's file system, which CE 5.0 can open (the upgraded data stays beside it)`,
    commands: stepScript({ label: "R1", title: "", commands: body }).split("\n"),
  };
}

/** Rollback, last part: the template's CE starts again on data it can open. */
function restartTemplateStep(env: Environment): CutoverStep {
  const template = env.adopt!.officialStack;
  const upgraded = env.upgrade !== undefined;
  return {
    rollback: true,
    title: upgraded
      ? `Start the template's Cloud Exchange again, on data CE 5.0 can open: before step 6 the data is untouched; after it the data upgrade has moved it on, so ${RESTORE_REFERENCE} first`
      : "Start the template's Cloud Exchange again",
    commands: [
      ...(upgraded ? [`# After step 6, ${RESTORE_REFERENCE} first: CE 5.0's MongoDB refuses the upgraded data.`] : []),
      `aws ecs update-service --cluster ${template.clusterName} --service ${template.serviceName} --desired-count 1 --query service.desiredCount --output text`,
      `aws ecs wait services-stable --cluster ${template.clusterName} --services ${template.serviceName}`,
    ],
  };
}

/**
 * The cut-over of an adopt-mode environment, step by step. `adoptedAddresses`
 * are the Terraform addresses of what the environment's stack holds of the
 * template's data (adoptedAddresses in adopted-addresses.ts).
 */
export function cutoverSteps(env: Environment, adoptedAddresses: readonly string[]): CutoverStep[] {
  if (!env.adopt) throw new Error(`environment ${env.name} has no adopt settings`);
  const stackName = `ce-${env.name}`;
  const names: Names = { stackName, stackDir: `cdktf.out/stacks/${stackName}`, saved: (what) => `${stackName}-${what}` };
  return [
    checkStep(env),
    recordStep(env, names),
    stopTemplateStep(env),
    backupStep(env, names),
    secretsStep(env),
    deployStep(env, names),
    verifyStep(env, names),
    retireStep(env, names),
    ...(env.upgrade ? [rollbackRestoreStep(env, names)] : []),
    handBackStep(env, names, adoptedAddresses),
    restartTemplateStep(env),
  ];
}

/** The steps as one commented shell listing: forward steps numbered 1, 2, ..., rollback steps R1, R2. */
export function renderCutover(env: Environment, adoptedAddresses: readonly string[]): string {
  const lines = [
    `# Cut-over of ce-${env.name} from the official CloudFormation stack ${env.adopt!.officialStack.name} (docs/upgrades.md).`,
    "# Run one step at a time in one shell, in the project directory, and go on only when it ends with ok (a STOP names what to fix).",
    "",
  ];
  let forward = 0;
  let rollback = 0;
  for (const step of cutoverSteps(env, adoptedAddresses)) {
    const number = step.rollback ? `R${++rollback}` : String(++forward);
    lines.push(`# ${number}. ${step.title}`, ...step.commands, "");
  }
  return lines.join("\n");
}
