/**
 * The cut-over from an official-template deployment to this project's stack,
 * as the exact commands for one adopt-mode environment (`npm run cutover`):
 * record what a rollback needs, back up, stop the template's CE, fill the
 * secrets, deploy (which imports the data and, on 6.x, upgrades it), verify,
 * and only then retire the template's stack while keeping the file system,
 * its mount targets, the kept access points and the network. Until that last
 * step every step can be undone (the rollback block at the end).
 */
import { connectionStrings, releaseOf } from "../releases";
import type { Environment } from "../config";

/** Logical IDs of the official template's resources the adopted data needs, by this project's access-point key. */
export const TEMPLATE_LOGICAL_IDS = {
  fileSystem: "NetskopeCloudExchangeEFS",
  mountTargets: ["MountTargetResource1", "MountTargetResource2", "MountTargetResource3"],
  accessPoints: {
    "mongo-data": "MongoDBAccessPoint",
    "custom-plugins": "CustomPluginsAccessPoint",
    repos: "CustomRepoAccessPoint",
    "ssl-certs": "SSLCertAccessPoint",
    "rabbitmq-data": "RabbitmqDataAccessPoint",
  } as Readonly<Record<string, string>>,
} as const;

/** One step of the cut-over. */
export interface CutoverStep {
  readonly title: string;
  /** Shell lines (comments start with #). */
  readonly commands: readonly string[];
}

/**
 * An awk program that adds `DeletionPolicy: Retain` to the named logical IDs
 * and to every `AWS::EC2::*` resource (the network the stack keeps using) in
 * the Resources section of a YAML template laid out as the official one is
 * (sections at column 0, logical IDs indented two spaces, their attributes
 * four).
 */
export function retainAwkProgram(logicalIds: readonly string[]): string {
  const names = logicalIds.join("|");
  return [
    "/^[A-Za-z]/ { resources = ($0 ~ /^Resources:/); pending = 0 }",
    `resources && /^  (${names}):[[:space:]]*$/ { print; print "    DeletionPolicy: Retain"; pending = 0; next }`,
    "resources && /^  [A-Za-z0-9]+:[[:space:]]*$/ { pending = 1 }",
    `resources && pending && /^    Type:[[:space:]]*"?AWS::EC2::/ { print "    DeletionPolicy: Retain"; pending = 0 }`,
    "{ print }",
  ].join("\n");
}

/** The cut-over of an adopt-mode environment, step by step. */
export function cutoverSteps(env: Environment): CutoverStep[] {
  const adopt = env.adopt;
  if (!adopt) throw new Error(`environment ${env.name} has no adopt settings`);
  if (env.secrets.mode !== "existing") throw new Error(`environment ${env.name} must use existing secrets with adopt`);
  const stackName = `ce-${env.name}`;
  const template = adopt.officialStack;
  const fsArn = `arn:aws:elasticfilesystem:${env.region}:${env.accountId}:file-system/${adopt.fileSystemId}`;
  const saved = (what: string) => `${stackName}-${what}`;
  const release = releaseOf(env.release);
  const strings = connectionStrings(release, { mongoHosts: ["localhost:27017"], rabbitmqHosts: ["localhost"] }, "@@ESCAPED@@");
  const kept = [
    TEMPLATE_LOGICAL_IDS.fileSystem,
    ...TEMPLATE_LOGICAL_IDS.mountTargets.slice(0, Object.keys(adopt.mountTargetIds).length),
    ...Object.keys(adopt.accessPointIds).map((key) => TEMPLATE_LOGICAL_IDS.accessPoints[key]),
  ].filter((id): id is string => id !== undefined);

  return [
    {
      title: "Record what a rollback needs: the template's file system policy and mount-target security groups",
      commands: [
        `export AWS_REGION=${env.region}`,
        `aws efs describe-file-system-policy --file-system-id ${adopt.fileSystemId} --query Policy --output text > ${saved("template-efs-policy.json")}`,
        ...Object.values(adopt.mountTargetIds).map(
          (id) => `aws efs describe-mount-target-security-groups --mount-target-id ${id} --query SecurityGroups --output text > ${saved(`${id}-security-groups.txt`)}`,
        ),
      ],
    },
    {
      title: "Back up the file system on demand and wait for the backup to complete",
      commands: [
        `job=$(aws backup start-backup-job --backup-vault-name Default --resource-arn ${fsArn} --iam-role-arn arn:aws:iam::${env.accountId}:role/service-role/AWSBackupDefaultServiceRole --query BackupJobId --output text)`,
        'until [ "$(aws backup describe-backup-job --backup-job-id "$job" --query State --output text)" = COMPLETED ]; do sleep 30; done',
      ],
    },
    {
      title: "Stop the template's Cloud Exchange while it is idle (RabbitMQ's queues hold only in-flight work; MongoDB is the record)",
      commands: [
        `aws ecs update-service --cluster ${template.clusterName} --service ${template.serviceName} --desired-count 0`,
        `aws ecs wait services-stable --cluster ${template.clusterName} --services ${template.serviceName}`,
      ],
    },
    {
      title:
        "Put the template's JWT secret and maintenance password into the environment's secrets, with a new cookie, keyfile and root password (read from the terminal and written from files, never on a command line)",
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
        "           'MONGO_ROOT_PASSWORD': secrets.token_hex(16)}, open('cluster.json', 'w'))",
        "PY",
        `aws secretsmanager put-secret-value --secret-id ${env.secrets.jwtSecretArn} --secret-string file://jwt.txt`,
        `aws secretsmanager put-secret-value --secret-id ${env.secrets.maintenanceSecretArn} --secret-string file://maintenance.json`,
        `aws secretsmanager put-secret-value --secret-id ${env.secrets.clusterSecretArn} --secret-string file://cluster.json`,
        "shred -u jwt.txt maintenance.json cluster.json; unset CE_JWT CE_MAINTENANCE",
      ],
    },
    {
      title: `Deploy ${stackName}: Terraform imports the file system, its mount targets and the kept access points${env.upgrade ? ", and the task walks the data to CE " + release.id + " before CE starts" : ""}`,
      commands: [`npx cdktf diff ${stackName}   # expect: import of ${adopt.fileSystemId}, no replacement, no destroy`, `npx cdktf deploy ${stackName}`],
    },
    {
      title: "Verify: the service is stable, the data upgrade (if any) finished, and the UI answers",
      commands: [
        `aws ecs wait services-stable --cluster ${stackName} --services ${stackName}`,
        `aws logs filter-log-events --log-group-name /ecs/cloud-exchange/${env.name} --filter-pattern '"mongodb-upgrade"' --query 'events[].message' --output text`,
        `terraform -chdir=cdktf.out/stacks/${stackName} output -raw ui-url`,
      ],
    },
    {
      title: `Retire the template's stack ${template.name}, keeping the file system, its mount targets, the kept access points and the network (no rollback after this step)`,
      commands: [
        `aws cloudformation get-template --stack-name ${template.name} --query TemplateBody --output text > ${saved("template.yaml")}`,
        `awk '${retainAwkProgram(kept)}' ${saved("template.yaml")} > ${saved("template-retain.yaml")}`,
        `params=$(aws cloudformation describe-stacks --stack-name ${template.name} --query 'Stacks[0].Parameters[].ParameterKey' --output text | tr '\\t' '\\n' | sed 's/.*/ParameterKey=&,UsePreviousValue=true/' | tr '\\n' ' ')`,
        `aws cloudformation update-stack --stack-name ${template.name} --template-body file://${saved("template-retain.yaml")} --parameters $params --capabilities CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND`,
        `aws cloudformation wait stack-update-complete --stack-name ${template.name}`,
        `aws cloudformation delete-stack --stack-name ${template.name}`,
        `aws cloudformation wait stack-delete-complete --stack-name ${template.name}`,
      ],
    },
    {
      title:
        "Rollback, at any step before the last: stop this project's service, give the file system back to the template, start the template's service (after a data upgrade ran, restore step 2's backup first: CE 5.0 cannot open upgraded data)",
      commands: [
        `aws ecs update-service --cluster ${stackName} --service ${stackName} --desired-count 0`,
        `aws ecs wait services-stable --cluster ${stackName} --services ${stackName}`,
        `aws efs put-file-system-policy --file-system-id ${adopt.fileSystemId} --policy file://${saved("template-efs-policy.json")}`,
        ...Object.values(adopt.mountTargetIds).map((id) => `aws efs modify-mount-target-security-groups --mount-target-id ${id} --security-groups $(cat ${saved(`${id}-security-groups.txt`)})`),
        `aws ecs update-service --cluster ${template.clusterName} --service ${template.serviceName} --desired-count 1`,
      ],
    },
  ];
}

/** The steps as one commented shell listing. */
export function renderCutover(env: Environment): string {
  const lines = [`# Cut-over of ce-${env.name} from the official CloudFormation stack ${env.adopt!.officialStack.name} (docs/upgrades.md).`, "# Run one step at a time and check its result before the next.", ""];
  cutoverSteps(env).forEach((step, i, all) => {
    const number = i === all.length - 1 ? "R" : String(i + 1);
    lines.push(`# ${number}. ${step.title}`, ...step.commands, "");
  });
  return lines.join("\n");
}
