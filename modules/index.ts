/**
 * The public entry point of the library: what an app of your own imports to
 * build Cloud Exchange stacks without forking this project (README: "Fork or
 * import"). Everything exported here is covered by the versioning rule in
 * CHANGELOG.md; anything imported from a deeper path is internal and may
 * change in any release.
 *
 * - the environment model: `defineEnvironment` to write one with type
 *   checking, `parseEnvironment(s)` to validate one (defaults applied,
 *   every problem named with its field), and the types;
 * - `buildApp`: the whole app of a set of environments, as `cdktf synth`
 *   builds it from environments/;
 * - the stacks (`CloudExchangeStack`, `StateBootstrapStack`,
 *   `DefenderMemberStack`) and every construct they are made of, each with
 *   its typed props, to compose stacks of your own.
 */

// The environment model.
export { defineEnvironment } from "./config/define-environment";
export { environmentWarnings, parseEnvironment, parseEnvironments, problemsOf, readEnvironmentFile } from "./config/load";
export type { EnvironmentSource } from "./config/load";
export type { Environment, EnvironmentInput } from "./config/schema";
export { derive } from "./config/derive";
export type { Derived } from "./config/derive";
export { ConfigError } from "./config/errors";
export type { ConfigProblem } from "./config/errors";

// The app of a set of environments.
export { buildApp, stateBuckets } from "./app";
export type { BuildOptions } from "./app";

// Stacks.
export { ReadableStack } from "./stacks/readable-stack";
export { CloudExchangeStack } from "./stacks/cloud-exchange-stack";
export type { CloudExchangeStackProps } from "./stacks/cloud-exchange-stack";
export { STATE_BOOTSTRAP_STACK, StateBootstrapStack } from "./backend/state-bootstrap-stack";
export type { StateBootstrapStackProps, StateBucketSpec, StateWriters } from "./backend/state-bootstrap-stack";
export { DefenderMemberStack, defenderMemberStackName } from "./defender/defender-member-stack";
export type { DefenderMemberStackProps } from "./defender/defender-member-stack";

// The constructs the stacks are made of.
export type { AwsLocation } from "./aws-location";
export { RemoteState } from "./backend/remote-state";
export type { RemoteStateProps } from "./backend/remote-state";
export { BackupAlarms } from "./backup/backup-alarms";
export type { BackupAlarmsProps } from "./backup/backup-alarms";
export { FileSystemBackupPlan } from "./backup/backup-plan";
export type { FileSystemBackupPlanProps } from "./backup/backup-plan";
export { BackupServiceRole } from "./backup/backup-service-role";
export type { BackupServiceRoleProps } from "./backup/backup-service-role";
export { EnvironmentBackupVault } from "./backup/backup-vault";
export type { EnvironmentBackupVaultProps } from "./backup/backup-vault";
export { BreakGlassRole } from "./backup/break-glass-role";
export type { BreakGlassRoleProps } from "./backup/break-glass-role";
export { EnvironmentBackups } from "./backup/environment-backups";
export type { EnvironmentBackupsProps } from "./backup/environment-backups";
export { MongodbBackup } from "./backup/mongodb-backup";
export type { MongodbBackupProps } from "./backup/mongodb-backup";
export { HardenedBucket } from "./buckets/hardened-bucket";
export type { HardenedBucketProps } from "./buckets/hardened-bucket";
export { Cluster } from "./cluster/cluster";
export type { ClusterProps } from "./cluster/cluster";
export { DefenderMemberRole } from "./defender/member-role";
export type { DefenderMemberRoleProps } from "./defender/member-role";
export { FargateDefenderUpdater } from "./defender/fargate-defender-updater";
export type { FargateDefenderUpdaterProps } from "./defender/fargate-defender-updater";
export { EncryptionKey } from "./encryption/encryption-key";
export type { EncryptionKeyProps } from "./encryption/encryption-key";
export { HaCluster } from "./ha/ha-cluster";
export type { HaClusterProps } from "./ha/ha-cluster";
export { TaskRoles } from "./iam/task-roles";
export type { TaskRolesProps } from "./iam/task-roles";
export { LoadBalancer } from "./ingress/load-balancer";
export type { LoadBalancerProps } from "./ingress/load-balancer";
export { AwsServiceEndpoints } from "./network/aws-service-endpoints";
export type { AwsServiceEndpointsProps } from "./network/aws-service-endpoints";
export { Network } from "./network/network";
export type { NetworkProps } from "./network/network";
export { NewVpc } from "./network/new-vpc";
export type { NewVpcProps } from "./network/new-vpc";
export { SecurityGroups } from "./network/security-groups";
export type { SecurityGroupsProps } from "./network/security-groups";
export { Alarms } from "./observability/alarms";
export type { AlarmsProps } from "./observability/alarms";
export { LogGroups } from "./observability/log-groups";
export type { LogGroupsProps } from "./observability/log-groups";
export { DockerHubPullThroughCache } from "./registry/docker-hub-cache";
export type { DockerHubPullThroughCacheProps } from "./registry/docker-hub-cache";
export { BackupSecret } from "./secrets/backup-secret";
export type { BackupSecretProps } from "./secrets/backup-secret";
export { CloudExchangeSecrets } from "./secrets/cloud-exchange-secrets";
export type { CloudExchangeSecretsProps } from "./secrets/cloud-exchange-secrets";
export { ForgottenResources } from "./secrets/forgotten-resources";
export type { ForgottenResourcesProps } from "./secrets/forgotten-resources";
export { GeneratedPassword } from "./secrets/generated-password";
export type { GeneratedPasswordProps } from "./secrets/generated-password";
export { FileSystemReplication } from "./standby/file-system-replication";
export type { FileSystemReplicationProps } from "./standby/file-system-replication";
export { FileSystem } from "./storage/file-system";
export type { FileSystemProps } from "./storage/file-system";
export { StandaloneNodeName } from "./workload/node-names";
export type { StandaloneNodeNameProps } from "./workload/node-names";
export { CloudExchangeService } from "./workload/service";
export type { CloudExchangeServiceProps } from "./workload/service";
export { StandaloneWorkload } from "./workload/standalone-workload";
export type { StandaloneWorkloadProps } from "./workload/standalone-workload";
export { CloudExchangeTaskDefinition } from "./workload/task-definition";
export type { CloudExchangeTaskDefinitionProps } from "./workload/task-definition";
export type { WorkloadProps } from "./workload/workload-node";
