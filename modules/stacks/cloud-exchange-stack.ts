/**
 * The stack of one Cloud Exchange environment (`ce-<name>`): the AWS
 * provider pinned to the environment's account and region, the S3 remote
 * state, and the modules composed for the standalone or HA variant. Both
 * variants are the same composition up to the workload: the HA variant adds
 * the Cloud Map namespace and builds three node services instead of one.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { RemoteState, stateKmsKeyOf } from "../backend/remote-state";
import { Cluster } from "../cluster/cluster";
import { defenderNames, derive, Derived, Environment } from "../config";
import { EncryptionKey } from "../encryption/encryption-key";
import { TaskRoles } from "../iam/task-roles";
import { applyPermissionsBoundary } from "../iam/permissions-boundary";
import { LoadBalancer, listenerPorts } from "../ingress/load-balancer";
import { AwsServiceEndpoints } from "../network/aws-service-endpoints";
import { foreignEcrRepositories } from "../network/endpoint-policies";
import { Network } from "../network/network";
import { SecurityGroups, UI_PORT, UiAccess } from "../network/security-groups";
import { Alarms } from "../observability/alarms";
import { LogGroups } from "../observability/log-groups";
import { CloudExchangeSecrets } from "../secrets/cloud-exchange-secrets";
import { accessPointsFor } from "../storage/data-layout";
import { FileSystem } from "../storage/file-system";
import { ecrRepositoryArn, imageUri } from "../workload/images";
import { CloudExchangeService } from "../workload/service";
import { StandaloneWorkload } from "../workload/standalone-workload";
import { HaCluster, haPeerPorts, haTopology } from "../ha/ha-cluster";
import { ReadableStack } from "./readable-stack";
import { CloudExchangeTaskSpec } from "../workload/container-definitions";
import { FargateDefenderUpdater } from "../defender/fargate-defender-updater";
import { memberScopeOf } from "../defender/member-role";
import { IMAGE_NAMES, ImageName } from "../releases";
import { DockerHubPullThroughCache } from "../registry/docker-hub-cache";
import { fcvWalkFrom50 } from "../upgrade/data-upgrade";
import { EnvironmentBackups } from "../backup/environment-backups";
import { breakGlassRoleArnOf, breakGlassRoleName, mongodumpRuns } from "../config/backup-schema";
import { MONGODB_BACKUP_PEER_PORT } from "../backup/mongodb-backup";
import { standbyKeyAliasArn } from "../config/standby-schema";
import { BackupSecret } from "../secrets/backup-secret";
import { MONGODB_BACKUPS } from "../storage/data-layout";
import { FileSystemReplication } from "../standby/file-system-replication";
import { StandaloneNodeName } from "../workload/node-names";

/** Props of {@link CloudExchangeStack}. */
export interface CloudExchangeStackProps {
  /** The validated environment. */
  readonly environment: Environment;
}

/** Tags the stack puts on every resource, on top of the environment's own. */
export function stackTags(env: Environment): Record<string, string> {
  return {
    ...env.tags,
    Project: "cloud-exchange",
    Environment: env.name,
    Variant: env.variant,
    ManagedBy: "cdktf",
  };
}

/** Ports of the outbound proxy: the environment's, or those of its URLs. */
export function proxyPorts(proxy: NonNullable<Environment["proxy"]>): number[] {
  if (proxy.ports) return [...proxy.ports];
  const ports = [proxy.httpUrl, proxy.httpsUrl]
    .filter((url): url is string => url !== undefined)
    .map((url) => {
      const parsed = new URL(url);
      return parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
    });
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** One environment's stack. */
export class CloudExchangeStack extends ReadableStack {
  /** The environment the stack was built from. */
  readonly environment: Environment;
  /** Values derived from the environment. */
  readonly derived: Derived;
  /** The remote state configuration. */
  readonly remoteState: RemoteState;
  /** The services running Cloud Exchange (one, or one per HA node). */
  readonly services: readonly CloudExchangeService[];

  constructor(scope: Construct, id: string, props: CloudExchangeStackProps) {
    super(scope, id);
    const env = props.environment;
    const d = derive(env);
    this.environment = env;
    this.derived = d;
    const allowDestroy = env.protection.allowDestroy;
    // The logical backup of MongoDB: where the release's task has a client certificate and a backup password exists.
    const dumpPossible = mongodumpRuns(env, d.release.tls !== undefined);
    const standaloneDump = dumpPossible && env.variant === "standalone";
    const where: AwsLocation = { accountId: env.accountId, region: env.region, partition: d.partition };

    new AwsProvider(this, "aws", {
      region: env.region,
      allowedAccountIds: [env.accountId],
      defaultTags: [{ tags: stackTags(env) }],
    });
    if (env.iam.permissionsBoundaryName) applyPermissionsBoundary(this, { policyName: env.iam.permissionsBoundaryName, ...where });
    this.remoteState = new RemoteState(this, "remote-state", {
      environmentName: env.name,
      bucket: env.state.bucket,
      region: env.state.region,
      kmsKeyArn: stateKmsKeyOf(env),
    });

    const key = new EncryptionKey(this, "encryption-key", {
      description: `Cloud Exchange ${env.name}: EFS, secrets, logs, alarm topic, ECS Exec sessions`,
      alias: d.prefix,
      ...where,
      allowCloudWatchLogs: true,
      allowCloudWatchAlarms: env.alarms.enabled,
      allowDestroy,
    });
    const logs = new LogGroups(this, "logs", {
      environmentName: env.name,
      kmsKeyArn: key.keyArn,
      retentionDays: env.logs.retentionDays,
      executeCommandAudit: env.workload.enableExecuteCommand,
      allowDestroy,
    });

    const ingress = env.ingress;
    const albPorts = ingress.mode === "alb" ? listenerPorts(ingress.certificateArn) : [];
    const network =
      env.network.mode === "new"
        ? new Network(this, "network", {
            mode: "new",
            prefix: d.prefix,
            availabilityZones: env.availabilityZones,
            vpcCidr: env.network.vpcCidr,
            privateSubnetCidrs: d.subnetCidrs!.private,
            publicSubnetCidrs: d.subnetCidrs!.public,
            clientRules:
              ingress.mode === "existing-target-group"
                ? (ingress.sourceCidrs ?? []).map((cidr) => ({ cidr, ports: [UI_PORT] }))
                : d.albAllowedCidrs.map((cidr) => ({ cidr, ports: albPorts })),
            flowLogs: env.network.flowLogs.enabled
              ? { trafficType: env.network.flowLogs.trafficType, retentionDays: env.network.flowLogs.retentionDays ?? env.logs.retentionDays, kmsKeyArn: key.keyArn }
              : undefined,
            s3GatewayEndpoint: env.network.s3GatewayEndpoint,
            confineS3GatewayEndpoint: env.proxy?.awsServiceAccess === "vpc-endpoints",
            ...where,
          })
        : new Network(this, "network", {
            mode: "existing",
            availabilityZones: env.availabilityZones,
            vpcId: env.network.vpcId,
            vpcCidr: env.network.vpcCidr,
            privateSubnetIds: env.network.privateSubnetIds,
          });

    const uiAccess: UiAccess =
      ingress.mode === "alb"
        ? { kind: "alb", clientCidrs: d.albAllowedCidrs, listenerPorts: albPorts }
        : ingress.mode === "existing-target-group"
          ? { kind: "external", sourceSecurityGroupId: ingress.sourceSecurityGroupId, sourceCidrs: ingress.sourceCidrs }
          : { kind: "none" };
    const securityGroups = new SecurityGroups(this, "security-groups", {
      prefix: d.prefix,
      vpcId: network.vpcId,
      uiAccess,
      proxy: env.proxy ? { ports: proxyPorts(env.proxy), cidrs: env.proxy.egressCidrs ?? [d.vpcCidr] } : undefined,
      awsServices:
        env.proxy?.awsServiceAccess === "vpc-endpoints"
          ? {
              via: "vpc-endpoints",
              createEndpointGroup: env.network.mode === "new",
              vpcCidr: d.vpcCidr,
              s3PrefixListId: network.newVpc?.s3GatewayEndpoint?.prefixListId ?? env.proxy.s3PrefixListId!,
            }
          : { via: "internet" },
      // The standalone node's MongoDB port for the logical backup task, at the HA peer rule's address.
      peerPorts: env.variant === "ha" ? haPeerPorts(d.release) : standaloneDump ? [MONGODB_BACKUP_PEER_PORT] : undefined,
      extraEgress: env.egressRules,
    });

    if (securityGroups.endpointSecurityGroup) {
      new AwsServiceEndpoints(this, "aws-service-endpoints", {
        prefix: d.prefix,
        ...where,
        pullRepositoryArns: foreignEcrRepositories(env),
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        securityGroupId: securityGroups.endpointSecurityGroup.id,
        executeCommand: env.workload.enableExecuteCommand,
      });
    }

    const release = d.release;
    const topology = env.variant === "ha" ? haTopology(d.haNamespace) : undefined;
    // A standby holds its services at zero tasks, on a replica it cannot write, until it is promoted.
    const standbyHeld = env.standby !== undefined && !env.standby.promoted;
    const secretReplicas = env.replication ? [{ region: env.replication.region, kmsKeyId: standbyKeyAliasArn(env.accountId, env.replication) }] : undefined;
    const secrets = new CloudExchangeSecrets(
      this,
      "secrets",
      env.secrets.mode === "generate"
        ? {
            mode: "generate",
            namePrefix: `ce/${env.name}`,
            kmsKeyArn: key.keyArn,
            recoveryWindowDays: env.secrets.recoveryWindowDays,
            release,
            topology: topology?.connections ?? { mongoHosts: ["localhost:27017"], rabbitmqHosts: ["localhost"] },
            allowDestroy,
            replicas: secretReplicas,
          }
        : { ...env.secrets, mode: "existing" },
    );
    // The logical backup's password (releases with TLS inside the task, whose MongoDB has the backup user).
    // Kept whether or not the dump runs (the secret holds a value the data's backup user has).
    const backupSecret = !release.tls
      ? undefined
      : env.secrets.mode === "generate"
        ? new BackupSecret(this, "backup-secret", {
            mode: "generate",
            name: `ce/${env.name}/backup`,
            kmsKeyArn: key.keyArn,
            recoveryWindowDays: env.secrets.recoveryWindowDays,
            replicas: secretReplicas,
            allowDestroy,
          })
        : env.secrets.backupSecretArn
          ? new BackupSecret(this, "backup-secret", { mode: "existing", secretArn: env.secrets.backupSecretArn })
          : undefined;

    const storage = new FileSystem(this, "storage", {
      prefix: d.prefix,
      kmsKeyArn: key.keyArn,
      throughputMode: env.storage.throughputMode,
      subnets: network.privateSubnets,
      securityGroupId: securityGroups.fileSystemSecurityGroup.id,
      accessPoints: [...accessPointsFor(d.nodeCount, release), ...(dumpPossible ? [MONGODB_BACKUPS] : [])],
      allowDestroy,
      adopt: env.adopt,
      restored: env.storage.restoredFileSystem,
      standby: env.standby ? { promoted: env.standby.promoted } : undefined,
    });

    const images = d.images;
    const pullThrough = env.images.pullThroughCache
      ? new DockerHubPullThroughCache(this, "docker-hub-cache", {
          ...where,
          repositoryPrefix: env.images.pullThroughCache.repositoryPrefix ?? `${d.prefix}-docker-hub`,
          credentialsSecretArn: env.images.pullThroughCache.credentialsSecretArn,
        })
      : undefined;
    const cache = pullThrough?.cache;
    const extraSecretArns = [
      env.caCertificateSecretArn,
      env.proxy?.urlsSecretArn,
      env.images.registryCredentialsSecretArn,
      backupSecret?.secretArn,
      ...Object.values(env.application.secretEnvironment).map((s) => s.secretArn),
    ].filter((arn, i, all): arn is string => arn !== undefined && all.indexOf(arn) === i);
    const upgradeSteps = env.upgrade ? fcvWalkFrom50(images.mongodb, env.upgrade.featureCompatibilityVersion, env.upgrade.images) : [];
    const ecrRepositories = [...new Set([...IMAGE_NAMES.map((name) => images[name]), ...upgradeSteps.map((s) => s.image)].map((image) => ecrRepositoryArn(image, cache)))]
      .filter((arn): arn is string => arn !== undefined)
      .sort();
    const roles = new TaskRoles(this, "iam", {
      prefix: d.prefix,
      ...where,
      existingExecutionRoleArn: env.iam.executionRoleArn,
      existingTaskRoleArn: env.iam.taskRoleArn,
      execution: {
        ecrRepositoryArns: ecrRepositories,
        pullThroughCacheRepositoryArns: cache ? ecrRepositories.filter((arn) => arn.includes(`:repository/${cache.repositoryPrefix}/`)) : [],
        logGroupArn: logs.containers.arn,
        secretArns: [...secrets.secretArns, ...extraSecretArns],
        kmsKeyArns: [
          ...new Set([
            ...secrets.kmsKeyArns,
            // A standby reads replicas of the primary's secrets, encrypted under its own key.
            ...(env.standby ? [key.keyArn] : []),
            ...Object.values(env.application.secretEnvironment).flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : [])),
          ]),
        ],
      },
      task: {
        fileSystemArn: storage.fileSystemArn,
        execute: logs.executeCommand ? { kmsKeyArn: key.keyArn, logGroupArn: logs.executeCommand.arn } : undefined,
      },
    });

    const cluster = env.cluster.existingClusterName
      ? new Cluster(this, "cluster", { mode: "existing", name: env.cluster.existingClusterName, ...where })
      : new Cluster(this, "cluster", {
          mode: "new",
          name: d.prefix,
          executeCommand: logs.executeCommand ? { kmsKeyArn: key.keyArn, logGroupName: logs.executeCommand.name } : undefined,
        });

    // The standalone node's name, which the logical backup reaches its MongoDB by (HA names its nodes itself).
    const nodeName = standaloneDump ? new StandaloneNodeName(this, "ha", { prefix: d.prefix, namespace: d.haNamespace, vpcId: network.vpcId }) : undefined;
    const backups = new EnvironmentBackups(this, "backup", {
      ...where,
      prefix: d.prefix,
      settings: env.backup,
      kmsKeyArn: key.keyArn,
      breakGlassRoleArn: breakGlassRoleArnOf(env),
      createBreakGlassRole: env.backup.breakGlassRoleArn ? undefined : breakGlassRoleName(env.name),
      fileSystemArn: storage.fileSystemArn,
      recoveryPointTags: { Project: "cloud-exchange", Environment: env.name },
      allowDestroy,
      mongodump:
        dumpPossible && !standbyHeld
          ? {
              container: {
                image: imageUri(images.mongodb, cache),
                certificatesDirectory: release.tls!.directory,
                hosts: topology?.hostnames ?? [nodeName!.hostname],
                replicaSet: topology !== undefined,
                keep: env.backup.mongodump.keep,
                passwordValueFrom: backupSecret!.password,
                log: { group: logs.containers.name, region: env.region },
                repositoryCredentialsArn: env.images.registryCredentialsSecretArn,
              },
              fileSystemId: storage.fileSystemId,
              fileSystemArn: storage.fileSystemArn,
              backupAccessPointId: storage.accessPoints.get(MONGODB_BACKUPS.key)!.id,
              certificatesAccessPointId: storage.accessPoints.get("internal-certs")!.id,
              executionRoleArn: roles.executionRoleArn,
              clusterArn: cluster.clusterArn,
              subnetIds: network.privateSubnetIds,
              securityGroupId: securityGroups.taskSecurityGroup.id,
            }
          : undefined,
    });
    const dump = backups.mongodump;
    storage.allowOnlyClient(
      roles.taskRoleArn,
      dump
        ? {
            roleArn: dump.role.arn,
            writeAccessPointArn: storage.accessPoints.get(MONGODB_BACKUPS.key)!.arn,
            readAccessPointArns: [storage.accessPoints.get("internal-certs")!.arn],
          }
        : undefined,
    );
    const replication = env.replication
      ? new FileSystemReplication(this, "replication", {
          prefix: d.prefix,
          sourceFileSystemId: storage.fileSystemId,
          region: env.replication.region,
          destinationFileSystemId: env.replication.fileSystemId,
          lagAlarmMinutes: env.replication.lagAlarmMinutes,
          allowDestroy,
        })
      : undefined;

    const loadBalancer =
      ingress.mode === "alb"
        ? new LoadBalancer(this, "ingress", {
            prefix: d.prefix,
            ...where,
            vpcId: network.vpcId,
            subnetIds: network.privateSubnetIds,
            securityGroupId: securityGroups.loadBalancerSecurityGroup!.id,
            certificateArn: ingress.certificateArn,
            sslPolicy: d.albSslPolicy,
            deletionProtection: ingress.deletionProtection && !allowDestroy,
            idleTimeoutSeconds: ingress.idleTimeoutSeconds,
            accessLogRetentionDays: ingress.accessLogRetentionDays ?? env.logs.retentionDays,
            allowDestroy,
            targetProtocol: release.ui.protocol,
          })
        : undefined;
    const targetGroupArn = loadBalancer?.targetGroup.arn ?? (ingress.mode === "existing-target-group" ? ingress.targetGroupArn : undefined);

    const spec: CloudExchangeTaskSpec = {
      release,
      images: Object.fromEntries(IMAGE_NAMES.map((name) => [name, imageUri(images[name], cache)])) as Record<ImageName, string>,
      imageReferences: images,
      repositoryCredentialsArn: env.images.registryCredentialsSecretArn,
      task: d.task,
      preset: env.size.preset,
      tlsVersion: env.tlsVersion,
      internalTls: env.internalTls,
      application: env.application,
      proxy: env.proxy
        ? { httpUrl: env.proxy.httpUrl, httpsUrl: env.proxy.httpsUrl, urlsSecretArn: env.proxy.urlsSecretArn, noProxy: env.proxy.noProxy }
        : undefined,
      caCertificateSecretArn: env.caCertificateSecretArn,
      secrets: {
        jwtSecret: secrets.jwtSecretArn,
        maintenancePassword: secrets.maintenance("MAINTENANCE_PASSWORD"),
        backupPassword: backupSecret?.password,
        maintenancePasswordEscaped: secrets.maintenance("MAINTENANCE_PASSWORD_ESCAPED"),
        formerRootPassword: secrets.cluster("MONGO_ROOT_PASSWORD"),
        mongoConnectionString: secrets.maintenance("MONGO_CONNECTION_STRING"),
        rabbitmqConnectionString: secrets.maintenance("RABBITMQ_CONNECTION_STRING"),
        rabbitmqCookie: secrets.cluster("RABBITMQ_COOKIE"),
        mongoReplicaKey: secrets.cluster("MONGO_REPLICA_KEY"),
      },
      log: { group: logs.containers.name, region: env.region, streamPrefix: env.name },
      hostname: nodeName?.hostname,
      dataUpgrade:
        upgradeSteps.length > 0
          ? { mongodbSteps: upgradeSteps.map((s) => ({ featureCompatibilityVersion: s.featureCompatibilityVersion, image: imageUri(s.image, cache) })) }
          : undefined,
    };
    const workloadCommon = {
      prefix: d.prefix,
      spec,
      fileSystem: storage,
      executionRoleArn: roles.executionRoleArn,
      taskRoleArn: roles.taskRoleArn,
      clusterArn: cluster.clusterArn,
      securityGroupIds: [securityGroups.taskSecurityGroup.id],
      platformVersion: env.workload.platformVersion,
      enableExecuteCommand: env.workload.enableExecuteCommand,
      targetGroupArn,
      desiredCount: standbyHeld ? 0 : 1,
      dependsOn: [...storage.mountTargets, ...(loadBalancer?.listeners ?? []), ...(pullThrough ? [pullThrough.rule, pullThrough.repositoryTemplate] : [])],
    };

    let ha: HaCluster | undefined;
    if (env.variant === "ha") {
      ha = new HaCluster(this, "ha", {
        ...workloadCommon,
        namespace: d.haNamespace,
        vpcId: network.vpcId,
        subnets: network.privateSubnets,
      });
      this.services = ha.services;
    } else {
      const workload = new StandaloneWorkload(this, "workload", {
        ...workloadCommon,
        subnetIds: network.privateSubnetIds,
        serviceRegistryArn: nodeName?.discovery.arn,
      });
      this.services = [workload.service];
    }

    if (env.alarms.enabled) {
      const alarms = new Alarms(this, "alarms", {
        prefix: d.prefix,
        ...where,
        kmsKeyArn: key.keyArn,
        emails: env.alarms.emails,
        clusterName: cluster.clusterName,
        // A held standby runs no task: nothing to watch until it is promoted.
        services: standbyHeld ? [] : this.services.map((s, i) => ({ label: ha ? `node-${i + 1}` : "service", serviceName: s.service.name })),
        cpuUtilizationPercent: env.alarms.cpuUtilizationPercent,
        memoryUtilizationPercent: env.alarms.memoryUtilizationPercent,
        evaluationPeriods: env.alarms.evaluationPeriods,
        loadBalancer: loadBalancer
          ? { targetGroupArnSuffix: loadBalancer.targetGroup.arnSuffix, loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix }
          : undefined,
        replicaSet: ha ? { logGroupName: logs.containers.name } : undefined,
        rabbitmqMembership: ha ? { logGroupName: logs.containers.name } : undefined,
        certificates: release.tls ? { logGroupName: logs.containers.name, renewBeforeDays: env.internalTls.renewBeforeDays } : undefined,
      });
      backups.addAlarms(alarms.topic.arn, logs.containers.name);
      replication?.addLagAlarm(alarms.topic.arn);
    }

    if (env.defender.enabled) {
      // Its outputs (defender-task-definition, -subnet-ids, -security-group-id) are plain values, never a command.
      new FargateDefenderUpdater(this, "defender", {
        prefix: d.prefix,
        ...where,
        settings: env.defender,
        names: defenderNames(env),
        logRetentionDays: env.defender.logRetentionDays ?? env.logs.retentionDays,
        memberScope: memberScopeOf(env, env.accountId),
        kmsKeyArn: key.keyArn,
        clusterArn: cluster.clusterArn,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
      });
    }

    const output = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description });
    if (loadBalancer) {
      output("load-balancer-dns-name", loadBalancer.loadBalancer.dnsName, "DNS name of the internal load balancer");
      output(
        "ui-url",
        `${ingress.mode === "alb" && ingress.certificateArn ? "https" : "http"}://${loadBalancer.loadBalancer.dnsName}`,
        "Where users reach the Cloud Exchange UI (point your DNS name here when the certificate is for another name)",
      );
    }
    output("cluster-name", cluster.clusterName, "ECS cluster of the services");
    output("service-names", this.services.map((s) => s.service.name), "ECS services running Cloud Exchange");
    output("file-system-id", storage.fileSystemId, "EFS file system holding all Cloud Exchange data");
    output("log-group-name", logs.containers.name, "CloudWatch log group of the containers");
    output("backup-vault-name", backups.vault.vaultName, "AWS Backup vault of the environment (restores: docs/runbooks.md#restore)");
    output("private-subnet-ids", network.privateSubnetIds, "Private subnets of the tasks and mount targets");
    output("task-security-group-id", securityGroups.taskSecurityGroup.id, "Security group of the tasks");
    output("file-system-security-group-id", securityGroups.fileSystemSecurityGroup.id, "Security group of the file system's mount targets");
    output(
      "secret-arns",
      { jwt_secret: secrets.jwtSecretArn, maintenance: secrets.maintenanceSecretArn, cluster: secrets.clusterSecretArn },
      "Secrets Manager ARNs (never the values)",
    );
    if (ha) output("node-hostnames", ha.hostnames, "DNS names of the HA nodes in the Cloud Map namespace");
  }
}
