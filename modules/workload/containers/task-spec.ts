/**
 * What a Cloud Exchange task is built from (the task spec the stack fills
 * in), the shape of an ECS container definition, and the names and paths the
 * containers share.
 */
import { CloudExchangeRelease, ImageName, ImageReference, PresetName } from "../../releases";

/** One container definition, in the ECS API's shape. */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly user?: string;
  readonly cpu: number;
  readonly memory?: number;
  readonly memoryReservation: number;
  readonly entryPoint?: readonly string[];
  readonly command?: readonly string[];
  readonly portMappings: readonly { readonly containerPort: number; readonly protocol: "tcp"; readonly name: string }[];
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  readonly secrets: readonly { readonly name: string; readonly valueFrom: string }[];
  readonly mountPoints: readonly { readonly sourceVolume: string; readonly containerPath: string; readonly readOnly: boolean }[];
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: "START" | "COMPLETE" | "SUCCESS" | "HEALTHY" }[];
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly interval: number;
    readonly timeout: number;
    readonly retries: number;
    readonly startPeriod: number;
  };
  readonly logConfiguration: { readonly logDriver: "awslogs"; readonly options: Readonly<Record<string, string>> };
  readonly readonlyRootFilesystem: boolean;
  readonly linuxParameters: { readonly initProcessEnabled: boolean };
  readonly stopTimeout?: number;
  readonly repositoryCredentials?: { readonly credentialsParameter: string };
}

/** The UI port, core's internal API port and MongoDB's port (the same in every release). */
export const PORTS = { ui: 3000, api: 8000, mongodb: 27017 } as const;

/** HA node identity of one task. */
export interface HaNodeSpec {
  /** This node's DNS name. */
  readonly hostname: string;
  /** DNS names of all nodes, in node order. */
  readonly nodeHostnames: readonly string[];
  /** The node that initiates the replica set on a fresh cluster (node 1). */
  readonly seedHostname: string;
  /** MongoDB replica-set name (CE's: mongo_replica_set). */
  readonly replicaSetName: string;
  /** Path where the shared HA volume is mounted in replica-set-init. */
  readonly sharedPath: string;
  /** Ports RabbitMQ nodes use among themselves, besides AMQP and management. */
  readonly rabbitmqClusterPorts: readonly number[];
  /** The replica-set-init script. */
  readonly replicaSetInitScript: string;
  /** The RabbitMQ cluster-membership functions the node's RabbitMQ entrypoint starts with. */
  readonly rabbitmqClusterScript: string;
}

/** The operator's settings passed to core. */
export interface ApplicationSettings {
  readonly maxMaintenanceWindowMinutes: number;
  readonly pullThreads: number;
  readonly maxWaitOnLockInMinutes: number;
  readonly requestsTimeoutSeconds: number;
  readonly popenTimeoutSeconds: number;
  readonly coreLatestVersionTag?: string;
  readonly uiLatestVersionTag?: string;
  readonly analyticsBaseUrl?: string;
  readonly extraEnvironment: Readonly<Record<string, string>>;
  /** Further core variables whose values come from Secrets Manager (e.g. ANALYTICS_TOKEN). */
  readonly secretEnvironment: Readonly<Record<string, { readonly secretArn: string; readonly jsonKey?: string; readonly kmsKeyArn?: string }>>;
}

/** `valueFrom` of each secret value the containers receive. */
export interface TaskSecrets {
  /** The JWT signing secret. */
  readonly jwtSecret: string;
  /** MAINTENANCE_PASSWORD: CE's one password, of `cteadmin`, RabbitMQ's `user` and MongoDB's `root`. */
  readonly maintenancePassword: string;
  /** MAINTENANCE_PASSWORD_ESCAPED, from which CE 6.x's core composes its connection strings. */
  readonly maintenancePasswordEscaped: string;
  /** The cluster secret's MONGO_ROOT_PASSWORD: root's password before 0.2.0, from which root is moved back. */
  readonly formerRootPassword: string;
  /** The maintenance secret's MONGO_CONNECTION_STRING (CE 5.0's core). */
  readonly mongoConnectionString: string;
  /** The maintenance secret's RABBITMQ_CONNECTION_STRING (CE 5.0's core). */
  readonly rabbitmqConnectionString: string;
  /** The Erlang cookie. */
  readonly rabbitmqCookie: string;
  /** The MongoDB replica-set keyfile (HA). */
  readonly mongoReplicaKey: string;
  /** The password of MongoDB's backup user, which the mongodb container creates or updates. Default: none (no backup user). */
  readonly backupPassword?: string;
}

/** Everything the containers are built from. */
export interface CloudExchangeTaskSpec {
  /** The release record the task implements. */
  readonly release: CloudExchangeRelease;
  /** Image URIs ECS pulls. */
  readonly images: Readonly<Record<ImageName, string>>;
  /** The images as configured (upstream names, for CE's update checks). */
  readonly imageReferences: Readonly<Record<ImageName, ImageReference>>;
  /** Secrets Manager secret with registry credentials, for private registries. Default: none. */
  readonly repositoryCredentialsArn?: string;
  /** Task CPU units and memory (MiB). */
  readonly task: { readonly cpu: number; readonly memory: number };
  /** The size preset. */
  readonly preset: PresetName;
  /** TLS_VERSION of the UI. */
  readonly tlsVersion: string;
  /** Renewal of the generated certificates (releases with TLS inside the task). */
  readonly internalTls: { readonly renewBeforeDays: number; readonly rotation: number };
  /** Core settings. */
  readonly application: ApplicationSettings;
  /** Outbound proxy; URLs either plain (no credentials) or in a secret. Default: none. */
  readonly proxy?: { readonly httpUrl?: string; readonly httpsUrl?: string; readonly urlsSecretArn?: string; readonly noProxy: readonly string[] };
  /** Secret holding a PEM CA certificate. Default: none. */
  readonly caCertificateSecretArn?: string;
  /** `valueFrom` of each secret value. */
  readonly secrets: TaskSecrets;
  /** awslogs destination. */
  readonly log: { readonly group: string; readonly region: string; readonly streamPrefix: string };
  /** HA node identity. Default: none (standalone). */
  readonly node?: HaNodeSpec;
  /**
   * The standalone node's DNS name (Cloud Map), added to the internal certificate's names so a client
   * outside the task (the logical backup) checks the host it reaches. Default: none.
   */
  readonly hostname?: string;
  /**
   * A data upgrade to run before the release's own mongod starts: the MongoDB feature-compatibility
   * steps with the image URIs ECS pulls for them (modules/upgrade). Default: none.
   */
  readonly dataUpgrade?: { readonly mongodbSteps: readonly { readonly featureCompatibilityVersion: string; readonly image: string }[] };
}

/** Where an HA node's RabbitMQ reports its cluster membership for its health check. */
export const CLUSTER_STATUS_FILE = "/tmp/ce-cluster-status";

/** Where each FCV step records the version it verified: beside the data it describes, so new data has none. */
export const FCV_MARKER = "/data/db/.cloud-exchange-feature-compatibility-version";

/** Where the init container mounts what it writes. */
export const INIT_PATHS = {
  mongoInit: "/docker-entrypoint-initdb.d",
  customCa: "/custom-ca",
  rabbitmqConfig: "/rabbitmq-conf",
  mongoKeyfile: "/mongo-keyfile",
  internalCerts: "/certs",
  internalCa: "/certs-ca",
  uiCertificate: "/ui-certificate",
} as const;

/** RabbitMQ's conf.d, where init's settings and certificate copies are mounted. */
export const RABBITMQ_CONF_DIR = "/etc/rabbitmq/conf.d";

/** Where the HA mongod reads its replica-set keyfile (a task-local volume init writes). */
export const MONGO_KEYFILE_DIR = "/etc/cloud-exchange/mongo";
