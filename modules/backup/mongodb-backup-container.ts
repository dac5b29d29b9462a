/**
 * The logical backup task's one container: the release's own MongoDB image,
 * as the database user, running scripts/mongodb-backup.sh with its root file
 * system read-only (its configuration file goes to a task-local /tmp). It
 * mounts the backup directory (the only place it writes) and, read-only, the
 * task's TLS client certificate. Pure: the construct serializes it.
 */
import { shippedScript } from "../shipped-script";
import { REPLICA_SET_NAME } from "../ha/ha-cluster";
import { ContainerDefinition, PORTS } from "../workload/container-definitions";
import { BACKUP_PASSWORD_KEY } from "../secrets/backup-secret";

/** MongoDB's backup user: MongoDB's built-in `backup` role in admin, created by the mongodb container. */
export const BACKUP_USER = "ce-backup";

/** Where the container mounts the backup directory. */
export const BACKUP_DIRECTORY = "/backups";

/** The task-local and EFS volumes of the backup task, by name. */
export const BACKUP_VOLUMES = { backups: "mongodb-backups", certificates: "internal-certs", tmp: "tmp" } as const;

/** What the container is built from. */
export interface MongodbBackupContainerSpec {
  /** Image URI of the release's MongoDB image. */
  readonly image: string;
  /** Where the certificates live in the release's containers (the release's tls.directory). */
  readonly certificatesDirectory: string;
  /** DNS names of the MongoDB nodes: the standalone node, or every HA node. */
  readonly hosts: readonly string[];
  /** The HA replica set is read (a secondary when one is up) with its oplog. */
  readonly replicaSet: boolean;
  /** Dumps kept on the file system. */
  readonly keep: number;
  /** `valueFrom` of the backup user's password. */
  readonly passwordValueFrom: string;
  /** awslogs destination. */
  readonly log: { readonly group: string; readonly region: string };
  /** Registry credentials secret, for private registries. Default: none. */
  readonly repositoryCredentialsArn?: string;
}

/** The dump's connection string: the backup user (its password comes from a file), TLS with the client certificate. */
export function backupConnectionString(spec: Pick<MongodbBackupContainerSpec, "hosts" | "replicaSet" | "certificatesDirectory">): string {
  const hosts = spec.hosts.map((h) => `${h}:${PORTS.mongodb}`).join(",");
  const tls = `tls=true&tlsCAFile=${spec.certificatesDirectory}/tls_cert_ca.crt&tlsCertificateKeyFile=${spec.certificatesDirectory}/tls_cert_key.pem`;
  const set = spec.replicaSet ? `&replicaSet=${REPLICA_SET_NAME}&readPreference=secondaryPreferred` : "";
  return `mongodb://${BACKUP_USER}@${hosts}/?authSource=admin&${tls}${set}`;
}

/** The backup script. */
export function mongodbBackupScript(): string {
  return shippedScript(__dirname, "mongodb-backup.sh");
}

/** The container. */
export function mongodbBackupContainer(spec: MongodbBackupContainerSpec): ContainerDefinition {
  return {
    name: "mongodb-backup",
    image: spec.image,
    essential: true,
    user: "1001:1001",
    cpu: 0,
    memoryReservation: 512,
    entryPoint: ["/bin/bash", "-c", mongodbBackupScript(), "mongodb-backup"],
    portMappings: [],
    environment: [
      { name: "CE_BACKUP_URI", value: backupConnectionString(spec) },
      { name: "CE_BACKUP_OPLOG", value: String(spec.replicaSet) },
      { name: "CE_BACKUP_KEEP", value: String(spec.keep) },
      { name: "CE_BACKUP_DIR", value: BACKUP_DIRECTORY },
      { name: "TMPDIR", value: "/tmp" },
    ],
    secrets: [{ name: BACKUP_PASSWORD_KEY, valueFrom: spec.passwordValueFrom }],
    mountPoints: [
      { sourceVolume: BACKUP_VOLUMES.backups, containerPath: BACKUP_DIRECTORY, readOnly: false },
      { sourceVolume: BACKUP_VOLUMES.certificates, containerPath: spec.certificatesDirectory, readOnly: true },
      { sourceVolume: BACKUP_VOLUMES.tmp, containerPath: "/tmp", readOnly: false },
    ],
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": spec.log.group, "awslogs-region": spec.log.region, "awslogs-stream-prefix": "mongodb-backup" },
    },
    readonlyRootFilesystem: true,
    linuxParameters: { initProcessEnabled: true },
    stopTimeout: 120,
    ...(spec.repositoryCredentialsArn ? { repositoryCredentials: { credentialsParameter: spec.repositoryCredentialsArn } } : {}),
  };
}
