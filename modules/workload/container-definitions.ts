/**
 * The Cloud Exchange task's containers, as ECS container definitions: what
 * CE needs to start and keep its data (docs/task-contract.md), built from
 * the environment. Pure functions; the task-definition construct serializes
 * the result.
 *
 * Containers: init and core-init (prepare volumes, then exit), mongodb,
 * rabbitmq, core and ui (essential), and in the HA variant replica-set-init.
 */
import { shippedScript } from "../shipped-script";

/** One container definition, in the ECS API's shape. */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly user?: string;
  readonly cpu: number;
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

/** Volume names of the task (EFS-backed or task-local). */
export const VOLUMES = {
  /** EFS: MongoDB data. */
  mongoData: "mongo-data",
  /** EFS: RabbitMQ mnesia. */
  rabbitmqData: "rabbitmq-data",
  /** EFS: all plugins (built-in ones copied by core-init, plus installed ones). */
  customPlugins: "custom_plugins",
  /** EFS: plugin repositories. */
  repos: "repos",
  /** EFS: the UI's TLS certificate, if an operator installs one. */
  sslCerts: "ssl_certs",
  /** Task-local: MongoDB's first-start script, written by init. */
  mongoInit: "mongo-init",
  /** Task-local: the custom CA certificate, written by init. */
  certificate: "certificate",
  /** Task-local: RabbitMQ's conf.d, written by init. */
  rabbitmqConfig: "rabbitmq",
  /** Task-local: the replica-set keyfile (HA), written by init. */
  mongoKeyfile: "mongo-keyfile",
  /** EFS: the directory all HA nodes share for coordination (HA). */
  haShared: "ha-shared",
} as const;

/** Volumes backed by EFS access points; the others are task-local. */
export const EFS_VOLUMES = [VOLUMES.mongoData, VOLUMES.rabbitmqData, VOLUMES.customPlugins, VOLUMES.repos, VOLUMES.sslCerts] as const;

/** The UI port, the internal API port and the database ports. */
export const PORTS = { ui: 3000, api: 8000, mongodb: 27017, amqp: 5672, rabbitmqManagement: 15672 } as const;

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
  /** Apply the classic mirrored-queue policy (CE 5.0 with RabbitMQ 3.x). */
  readonly mirrorQueues: boolean;
  /** Path where the shared HA volume is mounted in replica-set-init. */
  readonly sharedPath: string;
  /** Ports RabbitMQ nodes use among themselves, besides AMQP and management. */
  readonly rabbitmqClusterPorts: readonly number[];
  /** The replica-set-init script. */
  readonly replicaSetInitScript: string;
}

/** Everything the containers are built from. */
export interface CloudExchangeTaskSpec {
  /** Image URIs. */
  readonly images: { readonly core: string; readonly ui: string; readonly mongodb: string; readonly rabbitmq: string };
  /** Secrets Manager secret with registry credentials, for private registries. */
  readonly repositoryCredentialsArn?: string;
  /** Task CPU units and memory (MiB). */
  readonly task: { readonly cpu: number; readonly memory: number };
  /** RABBITMQ_AVAILABLE_STORAGE, bytes. */
  readonly rabbitmqAvailableStorageBytes: number;
  /** TLS_VERSION of the UI. */
  readonly tlsVersion: string;
  /** Core settings. */
  readonly application: {
    readonly maxMaintenanceWindowMinutes: number;
    readonly pullThreads: number;
    readonly maxWaitOnLockInMinutes: number;
    readonly requestsTimeoutSeconds: number;
    readonly popenTimeoutSeconds: number;
    readonly coreLatestVersionTag: string;
    readonly uiLatestVersionTag: string;
    readonly analyticsBaseUrl: string;
    readonly extraEnvironment: Readonly<Record<string, string>>;
  };
  /** Outbound proxy; URLs either plain (no credentials) or in a secret. */
  readonly proxy?: { readonly httpUrl?: string; readonly httpsUrl?: string; readonly urlsSecretArn?: string; readonly noProxy: readonly string[] };
  /** Secret holding a PEM CA certificate. */
  readonly caCertificateSecretArn?: string;
  /** `valueFrom` of each secret value. */
  readonly secrets: {
    readonly jwtSecret: string;
    readonly maintenancePassword: string;
    readonly mongoConnectionString: string;
    readonly rabbitmqConnectionString: string;
    readonly rabbitmqCookie: string;
    readonly mongoReplicaKey: string;
  };
  /** awslogs destination. */
  readonly log: { readonly group: string; readonly region: string; readonly streamPrefix: string };
  /** HA node identity; undefined for standalone. */
  readonly node?: HaNodeSpec;
}

const script = (name: string) => shippedScript(__dirname, name);

/** The contract's health-check timings for the databases and the UI. */
const HEALTH_TIMING = { interval: 10, timeout: 10, retries: 10, startPeriod: 60 } as const;

/** Health checks of the mongodb, rabbitmq and ui containers. */
export const HEALTH_CHECKS = {
  mongodb: `"$(command -v mongosh || command -v mongo)" --quiet --eval 'quit(db.adminCommand({ ping: 1 }).ok ? 0 : 2)' || exit 1`,
  rabbitmq: "rabbitmq-diagnostics -q ping",
  ui: `curl -f http://localhost:${PORTS.ui} || exit 1`,
} as const;

/** CPU units and soft memory reservations of each container, derived from the task size. */
export function containerShares(task: { cpu: number; memory: number }, withReplicaSetInit: boolean) {
  const helperMemory = 64;
  const helpers = withReplicaSetInit ? 3 : 2;
  const rabbitmq = Math.floor((task.memory * 6) / 32);
  const mongodb = Math.floor((task.memory * 10) / 32);
  const ui = Math.max(256, Math.floor(task.memory / 32));
  const core = task.memory - rabbitmq - mongodb - ui - helpers * helperMemory;
  const cpu = {
    mongodb: Math.floor(task.cpu / 4),
    rabbitmq: Math.floor(task.cpu / 8),
    ui: Math.floor(task.cpu / 16),
  };
  return {
    memory: { mongodb, rabbitmq, ui, core, helper: helperMemory },
    cpu: { ...cpu, core: task.cpu - cpu.mongodb - cpu.rabbitmq - cpu.ui, helper: 0 },
    /** WiredTiger cache: half of MongoDB's share, at least 0.25 GB. */
    wiredTigerCacheGb: Math.max(0.25, Math.floor((mongodb / 1024 / 2) * 100) / 100),
  };
}

/** RabbitMQ's conf.d file: the template's settings, sized from the task, plus clustering for HA. */
export function rabbitmqConfig(memoryMiB: number, cluster?: { readonly nodeNames: readonly string[] }): string {
  const lines = [
    "# Written by the init container from the environment; do not edit in place.",
    "log.console = true",
    "consumer_timeout = 86400000",
    `total_memory_available_override_value = ${memoryMiB}MB`,
    `disk_free_limit.absolute = ${memoryMiB}MB`,
    "vm_memory_high_watermark_paging_ratio = 0.60",
    "vm_memory_high_watermark.relative = 0.80",
  ];
  if (cluster) {
    lines.push(
      "cluster_partition_handling = pause_minority",
      "cluster_formation.peer_discovery_backend = classic_config",
      ...cluster.nodeNames.map((node, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${node}`),
    );
  }
  return lines.join("\n");
}

const env = (entries: Record<string, string | number | undefined>) =>
  Object.entries(entries)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([name, value]) => ({ name, value: String(value) }));

/** NO_PROXY: local services, the task metadata endpoints, the HA namespace and the environment's entries. */
export function noProxyList(spec: CloudExchangeTaskSpec): string {
  const entries = ["localhost", "127.0.0.1", "169.254.169.254", "169.254.170.2"];
  if (spec.node) entries.push(`.${spec.node.hostname.split(".").slice(1).join(".")}`);
  return [...new Set([...entries, ...(spec.proxy?.noProxy ?? [])])].join(",");
}

/** The containers of one Cloud Exchange task. */
export function cloudExchangeContainers(spec: CloudExchangeTaskSpec): ContainerDefinition[] {
  const node = spec.node;
  const shares = containerShares(spec.task, node !== undefined);
  const log = {
    logDriver: "awslogs" as const,
    options: {
      "awslogs-group": spec.log.group,
      "awslogs-region": spec.log.region,
      "awslogs-stream-prefix": spec.log.streamPrefix,
    },
  };
  const credentials = spec.repositoryCredentialsArn ? { repositoryCredentials: { credentialsParameter: spec.repositoryCredentialsArn } } : {};
  const health = (command: string) => ({ command: ["CMD-SHELL", command], ...HEALTH_TIMING });
  const mount = (sourceVolume: string, containerPath: string, readOnly = false) => ({ sourceVolume, containerPath, readOnly });
  const proxy = spec.proxy;
  const proxyVariables = proxy ? { HTTP_PROXY: proxy.httpUrl, HTTPS_PROXY: proxy.httpsUrl, NO_PROXY: noProxyList(spec) } : {};
  const proxySecrets = proxy?.urlsSecretArn
    ? [
        { name: "HTTP_PROXY", valueFrom: `${proxy.urlsSecretArn}:HTTP_PROXY::` },
        { name: "HTTPS_PROXY", valueFrom: `${proxy.urlsSecretArn}:HTTPS_PROXY::` },
      ]
    : [];
  const common = { linuxParameters: { initProcessEnabled: true }, ...credentials };

  const rabbitmqNodeName = node ? `rabbit@${node.hostname}` : "rabbit@localhost";
  const init: ContainerDefinition = {
    name: "init",
    image: spec.images.mongodb,
    essential: false,
    cpu: shares.cpu.helper,
    memoryReservation: shares.memory.helper,
    entryPoint: ["/bin/sh", "-c"],
    command: [script("init.sh")],
    portMappings: [],
    environment: env({
      CE_RABBITMQ_CONF: rabbitmqConfig(shares.memory.rabbitmq, node ? { nodeNames: node.nodeHostnames.map((h) => `rabbit@${h}`) } : undefined),
    }),
    secrets: [
      ...(spec.caCertificateSecretArn ? [{ name: "CUSTOM_CA_CERT", valueFrom: spec.caCertificateSecretArn }] : []),
      ...(node ? [{ name: "MONGO_REPLICA_KEY", valueFrom: spec.secrets.mongoReplicaKey }] : []),
    ],
    mountPoints: [
      mount(VOLUMES.mongoInit, "/docker-entrypoint-initdb.d"),
      mount(VOLUMES.certificate, "/certificate"),
      mount(VOLUMES.rabbitmqConfig, "/rabbitmq-conf"),
      ...(node ? [mount(VOLUMES.mongoKeyfile, "/mongo-keyfile")] : []),
    ],
    logConfiguration: log,
    readonlyRootFilesystem: true,
    ...common,
  };

  const coreInit: ContainerDefinition = {
    name: "core-init",
    image: spec.images.core,
    essential: false,
    cpu: shares.cpu.helper,
    memoryReservation: shares.memory.helper,
    entryPoint: ["/bin/sh", "-c"],
    command: [
      "set -eu; cp -R /opt/netskope/plugins/. /data/ && echo 'core-init: copied the built-in plugins to EFS'; " +
        "cp -R /opt/netskope/repos/. /repos/ && echo 'core-init: copied the plugin repositories to EFS'",
    ],
    portMappings: [],
    environment: [],
    secrets: [],
    mountPoints: [mount(VOLUMES.customPlugins, "/data"), mount(VOLUMES.repos, "/repos")],
    logConfiguration: log,
    readonlyRootFilesystem: true,
    ...common,
  };

  const mongodbCommand = ["mongod", "--wiredTigerCacheSizeGB", String(shares.wiredTigerCacheGb)];
  if (node) mongodbCommand.push("--bind_ip_all", "--replSet", node.replicaSetName, "--keyFile", "/etc/cloud-exchange/mongo/keyfile");
  const mongodb: ContainerDefinition = {
    name: "mongodb",
    image: spec.images.mongodb,
    essential: true,
    user: "1001:1001",
    cpu: shares.cpu.mongodb,
    memoryReservation: shares.memory.mongodb,
    command: mongodbCommand,
    portMappings: [{ containerPort: PORTS.mongodb, protocol: "tcp", name: "mongodb" }],
    environment: env({
      MONGO_INITDB_ROOT_USERNAME: "root",
      MONGO_INITDB_DATABASE: "cte",
      MONGODB_USERNAME: "cteadmin",
      ...proxyVariables,
    }),
    secrets: [
      { name: "MONGO_INITDB_ROOT_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
      { name: "MONGODB_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
      ...proxySecrets,
    ],
    mountPoints: [
      mount(VOLUMES.mongoData, "/data/db"),
      mount(VOLUMES.mongoInit, "/docker-entrypoint-initdb.d", true),
      ...(node ? [mount(VOLUMES.mongoKeyfile, "/etc/cloud-exchange/mongo", true)] : []),
    ],
    dependsOn: [{ containerName: "init", condition: "SUCCESS" }],
    healthCheck: health(HEALTH_CHECKS.mongodb),
    logConfiguration: log,
    readonlyRootFilesystem: false,
    stopTimeout: 120,
    ...common,
  };

  const rabbitmqPorts = [
    { containerPort: PORTS.amqp, protocol: "tcp" as const, name: "amqp" },
    { containerPort: PORTS.rabbitmqManagement, protocol: "tcp" as const, name: "rabbitmq-management" },
    ...(node?.rabbitmqClusterPorts ?? []).map((port) => ({ containerPort: port, protocol: "tcp" as const, name: `rabbitmq-${port}` })),
  ];
  const rabbitmq: ContainerDefinition = {
    name: "rabbitmq",
    image: spec.images.rabbitmq,
    essential: true,
    user: "1001:1001",
    cpu: shares.cpu.rabbitmq,
    memoryReservation: shares.memory.rabbitmq,
    entryPoint: ["/bin/bash", "-c"],
    command: [script("rabbitmq-entrypoint.sh")],
    portMappings: rabbitmqPorts,
    environment: env({
      RABBITMQ_NODENAME: rabbitmqNodeName,
      RABBITMQ_USE_LONGNAME: node ? "true" : undefined,
      CE_RABBITMQ_HOSTNAME: node?.hostname,
      ERL_INETRC: node ? "/var/lib/rabbitmq/.inetrc" : undefined,
      RABBITMQ_DEFAULT_USER: "user",
      CE_MIRROR_QUEUES: node?.mirrorQueues ? "true" : undefined,
    }),
    secrets: [
      { name: "RABBITMQ_DEFAULT_PASS", valueFrom: spec.secrets.maintenancePassword },
      { name: "RABBITMQ_COOKIE", valueFrom: spec.secrets.rabbitmqCookie },
    ],
    mountPoints: [mount(VOLUMES.rabbitmqConfig, "/etc/rabbitmq/conf.d", true), mount(VOLUMES.rabbitmqData, "/var/lib/rabbitmq/mnesia/")],
    dependsOn: [{ containerName: "init", condition: "SUCCESS" }],
    healthCheck: health(HEALTH_CHECKS.rabbitmq),
    logConfiguration: log,
    readonlyRootFilesystem: false,
    stopTimeout: 120,
    ...common,
  };

  const app = spec.application;
  const core: ContainerDefinition = {
    name: "core",
    image: spec.images.core,
    essential: true,
    cpu: shares.cpu.core,
    memoryReservation: shares.memory.core,
    portMappings: [{ containerPort: PORTS.api, protocol: "tcp", name: "api" }],
    environment: env({
      JWT_ALGORITHM: "HS256",
      ENABLE_CELERY_BEAT: "true",
      RABBITMQ_AVAILABLE_STORAGE: spec.rabbitmqAvailableStorageBytes,
      MAX_MAINTENANCE_WINDOW_MINUTES: app.maxMaintenanceWindowMinutes,
      PULL_THREADS: app.pullThreads,
      MAX_WAIT_ON_LOCK_IN_MINUTES: app.maxWaitOnLockInMinutes,
      REQUESTS_TIMEOUT: app.requestsTimeoutSeconds,
      POPEN_TIMEOUT: app.popenTimeoutSeconds,
      UI_SERVICE_NAME: "localhost",
      MANAGED_CE: "false",
      CORE_LATEST_VERSION_TAG: app.coreLatestVersionTag,
      UI_LATEST_VERSION_TAG: app.uiLatestVersionTag,
      ANALYTICS_BASE_URL: app.analyticsBaseUrl,
      ...proxyVariables,
      ...(node
        ? {
            HA_ENABLED: "True",
            HA_IP_LIST: node.nodeHostnames.join(","),
            HA_CURRENT_NODE: node.hostname,
            HA_PRIMARY_NODE_IP: node.seedHostname,
            UI_PROTOCOL: "http",
            UI_PORT: PORTS.ui,
          }
        : {}),
      ...app.extraEnvironment,
    }),
    secrets: [
      { name: "JWT_SECRET", valueFrom: spec.secrets.jwtSecret },
      { name: "MONGO_CONNECTION_STRING", valueFrom: spec.secrets.mongoConnectionString },
      { name: "RABBITMQ_CONNECTION_STRING", valueFrom: spec.secrets.rabbitmqConnectionString },
      ...proxySecrets,
    ],
    mountPoints: [
      mount(VOLUMES.customPlugins, "/opt/netskope/plugins"),
      mount(VOLUMES.repos, "/opt/netskope/repos/"),
      mount(VOLUMES.certificate, "/usr/local/share/ca-certificates", true),
    ],
    dependsOn: [
      { containerName: "init", condition: "SUCCESS" },
      { containerName: "core-init", condition: "SUCCESS" },
      { containerName: "mongodb", condition: "HEALTHY" },
      { containerName: "rabbitmq", condition: "HEALTHY" },
    ],
    logConfiguration: log,
    readonlyRootFilesystem: false,
    ...common,
  };

  const ui: ContainerDefinition = {
    name: "ui",
    image: spec.images.ui,
    essential: true,
    cpu: shares.cpu.ui,
    memoryReservation: shares.memory.ui,
    portMappings: [{ containerPort: PORTS.ui, protocol: "tcp", name: "ui" }],
    environment: env({ TLS_VERSION: spec.tlsVersion, CE_API_URL: "http://localhost", CE_API_PORT: PORTS.api }),
    secrets: [],
    mountPoints: [mount(VOLUMES.sslCerts, "/tmp/ssl_certs")],
    dependsOn: [{ containerName: "core", condition: "START" }],
    healthCheck: health(HEALTH_CHECKS.ui),
    logConfiguration: log,
    readonlyRootFilesystem: false,
    ...common,
  };

  const containers = [init, coreInit, mongodb, rabbitmq, core, ui];
  if (node) {
    containers.push({
      name: "replica-set-init",
      image: spec.images.mongodb,
      essential: false,
      cpu: shares.cpu.helper,
      memoryReservation: shares.memory.helper,
      entryPoint: ["/bin/bash", "-c"],
      command: [node.replicaSetInitScript],
      portMappings: [],
      environment: env({
        CE_NODE_HOST: node.hostname,
        CE_NODE_HOSTS: node.nodeHostnames.join(","),
        CE_SEED_HOST: node.seedHostname,
        CE_REPLICA_SET: node.replicaSetName,
        CE_SHARED_DIR: node.sharedPath,
      }),
      secrets: [{ name: "MAINTENANCE_PASSWORD", valueFrom: spec.secrets.maintenancePassword }],
      mountPoints: [mount(VOLUMES.haShared, node.sharedPath)],
      dependsOn: [{ containerName: "mongodb", condition: "HEALTHY" }],
      logConfiguration: log,
      readonlyRootFilesystem: true,
      ...common,
    });
  }
  return containers;
}
