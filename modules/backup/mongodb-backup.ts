/**
 * The scheduled logical backup of MongoDB: an EventBridge Scheduler schedule
 * runs a one-off Fargate task (mongodb-backup-container.ts) in the
 * environment's cluster, private subnets and task security group. The task
 * has a role of its own, which the file system policy lets write only the
 * backup directory's access point and read only the TLS client certificate
 * (FileSystem.allowOnlyClient); ECS starts it with the environment's
 * execution role (image, logs, the backup secret). The task group admits
 * MongoDB's port from itself (the HA variant's peer rules, and the same rule
 * at the same address in the standalone variant: mongodbBackupPeerPort).
 */
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { scheduleEcsTask } from "../scheduling/scheduled-ecs-task";
import { policyDocument, serviceTrustPolicy } from "../iam/policy";
import { PeerPort } from "../network/security-groups";
import { PORTS } from "../workload/container-definitions";
import { escapeTemplateSequences } from "../workload/task-definition";
import { BACKUP_VOLUMES, mongodbBackupContainer, MongodbBackupContainerSpec } from "./mongodb-backup-container";

/**
 * The standalone node's MongoDB port within the task group, for the backup task: a peer rule, at the
 * address the HA variant's MongoDB peer rule has, so a move to HA changes its description in place
 * instead of deleting it while creating the same permission again (which AWS refuses as a duplicate).
 */
export const MONGODB_BACKUP_PEER_PORT: PeerPort = {
  from: PORTS.mongodb,
  to: PORTS.mongodb,
  peers: "the logical backup task",
  description: "MongoDB (TLS, client certificate)",
};

/** CPU units and MiB of the backup task (mongodump with gzip). */
export const MONGODB_BACKUP_TASK = { cpu: 1024, memory: 2048 } as const;

/** Props of {@link MongodbBackup}. */
export interface MongodbBackupProps extends AwsLocation {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** The container's settings. */
  readonly container: MongodbBackupContainerSpec;
  /** The file system. */
  readonly fileSystemId: string;
  /** Its ARN (the task role's identity policy). */
  readonly fileSystemArn: string;
  /** Access point of the backup directory. */
  readonly backupAccessPointId: string;
  /** Access point of the internal certificates. */
  readonly certificatesAccessPointId: string;
  /** The environment's task execution role. */
  readonly executionRoleArn: string;
  /** Cluster the task runs in. */
  readonly clusterArn: string;
  /** Private subnets. */
  readonly subnetIds: readonly string[];
  /** The task security group (AWS APIs, NFS to the mount targets, and MongoDB's port within the group: the peer rules). */
  readonly securityGroupId: string;
  /** EventBridge Scheduler expression and time zone. */
  readonly schedule: { readonly expression: string; readonly timezone: string };
}

/** The backup task, its role, its schedule. */
export class MongodbBackup extends Construct {
  /** The task role (the only writer of the backup directory). */
  readonly role: IamRole;
  /** The task definition. */
  readonly taskDefinition: EcsTaskDefinition;
  /** The schedule. */
  readonly schedule: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: MongodbBackupProps) {
    super(scope, id);
    const { partition, region, accountId } = props;
    const family = `${props.prefix}-mongodb-backup`;
    const trust = serviceTrustPolicy("ecs-tasks.amazonaws.com", accountId, `arn:${partition}:ecs:${region}:${accountId}:*`);
    this.role = new IamRole(this, "task-role", {
      name: family,
      description: `The ${props.prefix} logical MongoDB backup task: writes the backup directory on the file system`,
      assumeRolePolicy: trust,
    });
    new IamRolePolicy(this, "task-role-policy", {
      role: this.role.id,
      name: "write-the-backup-directory",
      policy: policyDocument([
        // The file system policy narrows this to the backup directory's access point (write) and the certificate's (read).
        { Sid: "MountTheFileSystem", Effect: "Allow", Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], Resource: props.fileSystemArn },
      ]),
    });

    const efs = (accessPointId: string) => ({
      fileSystemId: props.fileSystemId,
      transitEncryption: "ENABLED",
      authorizationConfig: { accessPointId, iam: "ENABLED" },
    });
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(MONGODB_BACKUP_TASK.cpu),
      memory: String(MONGODB_BACKUP_TASK.memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: this.role.arn,
      containerDefinitions: JSON.stringify(escapeTemplateSequences([mongodbBackupContainer(props.container)])),
      volume: [
        { name: BACKUP_VOLUMES.backups, efsVolumeConfiguration: efs(props.backupAccessPointId) },
        { name: BACKUP_VOLUMES.certificates, efsVolumeConfiguration: efs(props.certificatesAccessPointId) },
        { name: BACKUP_VOLUMES.tmp },
      ],
      skipDestroy: true,
    });

    this.schedule = scheduleEcsTask(this, {
      partition,
      region,
      accountId,
      scheduleName: family,
      description: "Runs the logical MongoDB backup (mongodump) before the file-level backup",
      scheduleExpression: props.schedule.expression,
      timezone: props.schedule.timezone,
      roleName: `${family}-schedule`,
      roleDescription: "EventBridge Scheduler runs the logical MongoDB backup task",
      policy: { name: "run-the-backup-task", runSid: "RunOnlyTheBackupTask", passSid: "HandTheBackupTaskItsRoles" },
      clusterArn: props.clusterArn,
      taskDefinitionArn: this.taskDefinition.arn,
      passRoleArns: [props.executionRoleArn, this.role.arn],
      subnetIds: props.subnetIds,
      securityGroupId: props.securityGroupId,
    });
  }
}
