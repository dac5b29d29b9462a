/**
 * The Cloud Exchange task's containers, as ECS container definitions, built
 * from the environment's release record (modules/releases): images, memory
 * split, ports, variables, mounts, TLS and start order come from the record,
 * so this file has no release-specific branches. Pure functions; the
 * task-definition construct serializes the result. The contract they
 * implement is docs/task-contract.md.
 *
 * Containers: init and core-init (prepare volumes, then exit), mongodb,
 * rabbitmq, core and ui (essential), and in the HA variant replica-set-init.
 */
import { CloudExchangeRelease, ImageName, ImageReference, Mount, PresetName, VolumeName } from "../releases";
import { shippedScript } from "../shipped-script";
import { secretValueFrom } from "../secrets/cloud-exchange-secrets";
import { mongodbFcvStepScript } from "../upgrade/data-upgrade";

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

/** The UI port and core's internal API port (the same in every release). */
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

/** Where an HA node's RabbitMQ reports its cluster membership for its health check. */
export const CLUSTER_STATUS_FILE = "/tmp/ce-cluster-status";

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


/** Everything the containers are built from. */
export interface CloudExchangeTaskSpec {
  /** The release record the task implements. */
  readonly release: CloudExchangeRelease;
  /** Image URIs ECS pulls. */
  readonly images: Readonly<Record<ImageName, string>>;
  /** The images as configured (upstream names, for CE's update checks). */
  readonly imageReferences: Readonly<Record<ImageName, ImageReference>>;
  /** Secrets Manager secret with registry credentials, for private registries. */
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
  /** Outbound proxy; URLs either plain (no credentials) or in a secret. */
  readonly proxy?: { readonly httpUrl?: string; readonly httpsUrl?: string; readonly urlsSecretArn?: string; readonly noProxy: readonly string[] };
  /** Secret holding a PEM CA certificate. */
  readonly caCertificateSecretArn?: string;
  /** `valueFrom` of each secret value. */
  readonly secrets: {
    readonly jwtSecret: string;
    readonly maintenancePassword: string;
    /** MongoDB's root password: the cluster secret's own key (CE 6.x), or the maintenance password (CE 5.0). */
    readonly mongoRootPassword: string;
    readonly mongoConnectionString: string;
    readonly rabbitmqConnectionString: string;
    readonly rabbitmqCookie: string;
    readonly mongoReplicaKey: string;
  };
  /** awslogs destination. */
  readonly log: { readonly group: string; readonly region: string; readonly streamPrefix: string };
  /** HA node identity; undefined for standalone. */
  readonly node?: HaNodeSpec;
  /**
   * A data upgrade to run before the release's own mongod starts: the MongoDB feature-compatibility
   * steps with the image URIs ECS pulls for them (modules/upgrade). Default: none.
   */
  readonly dataUpgrade?: { readonly mongodbSteps: readonly { readonly featureCompatibilityVersion: string; readonly image: string }[] };
}

/** Where each FCV step records the version it verified: beside the data it describes, so new data has none. */
export const FCV_MARKER = "/data/db/.cloud-exchange-feature-compatibility-version";

const script = (name: string) => shippedScript(__dirname, name);

/** The init container's script: the certificate report function, then init.sh. */
export function initScript(): string {
  return `${script("certificate-report.sh")}\n${script("init.sh")}`;
}

/** The RabbitMQ entrypoint: the certificate report function, then rabbitmq-entrypoint.sh. */
export function rabbitmqEntrypointScript(): string {
  return `${script("certificate-report.sh")}\n${script("rabbitmq-entrypoint.sh")}`;
}

/** The Erlang distribution over TLS with the inter-node options init writes (CE 6.x HA). */
export function interNodeTlsArgs(): string {
  return `-proto_dist inet_tls -ssl_dist_optfile ${RABBITMQ_CONF_DIR}/inter_node_tls.options`;
}

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

/** The contract's health-check timings for the databases and the UI. */
const HEALTH_TIMING = { interval: 10, timeout: 10, retries: 10, startPeriod: 60 } as const;

/** Health-check commands of mongodb and rabbitmq, and of the UI per protocol. */
export const HEALTH_CHECKS = {
  mongodb: `"$(command -v mongosh || command -v mongo)" --quiet --eval 'quit(db.adminCommand({ ping: 1 }).ok ? 0 : 2)' || exit 1`,
  rabbitmq: "rabbitmq-diagnostics -q ping",
  /** An HA node is also unhealthy while it runs outside its cluster (rabbitmq-cluster.sh). */
  rabbitmqHa: `rabbitmq-diagnostics -q ping && [ "$(cat ${CLUSTER_STATUS_FILE} 2>/dev/null)" != outside ]`,
  ui: {
    HTTP: `curl -f http://localhost:${PORTS.ui} || exit 1`,
    HTTPS: `curl -kfsS -o /dev/null https://localhost:${PORTS.ui}/ || exit 1`,
  },
} as const;

/** Memory of the helper containers (soft reservation each). */
export const HELPER_MEMORY = 64;

/**
 * CPU units and memory of each container for a release and task size. The
 * main containers get the release's split (a hard limit where the release
 * sets one, as CE's compose does); with soft shares core gets what the
 * helpers leave. CPU is shared by weight: MongoDB 1/4, RabbitMQ 1/8, the UI
 * 1/16, core the rest.
 */
export function containerShares(release: CloudExchangeRelease, task: { cpu: number; memory: number }, withReplicaSetInit: boolean) {
  const helpers = withReplicaSetInit ? 3 : 2;
  const split = release.sizing.split(task.memory);
  const memory = { ...split, core: release.sizing.hardLimits ? split.core : split.core - helpers * HELPER_MEMORY, helper: HELPER_MEMORY };
  const cpu = {
    mongodb: Math.floor(task.cpu / 4),
    rabbitmq: Math.floor(task.cpu / 8),
    ui: Math.floor(task.cpu / 16),
  };
  return {
    memory,
    hardLimits: release.sizing.hardLimits,
    cpu: { ...cpu, core: task.cpu - cpu.mongodb - cpu.rabbitmq - cpu.ui, helper: 0 },
    /** WiredTiger cache, where the release sets it: half of MongoDB's share, at least 0.25 GB. */
    wiredTigerCacheGb: release.sizing.explicitWiredTigerCache ? Math.max(0.25, Math.floor((split.mongodb / 1024 / 2) * 100) / 100) : undefined,
  };
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

/** The leaf certificate's SAN: the release's names, plus the HA node names. */
export function subjectAltNames(release: CloudExchangeRelease, node?: HaNodeSpec): string[] {
  return [...(release.tls?.subjectAltNames ?? []), ...(node?.nodeHostnames ?? []).map((h) => `DNS:${h}`)];
}

/** The containers of one Cloud Exchange task. */
export function cloudExchangeContainers(spec: CloudExchangeTaskSpec): ContainerDefinition[] {
  const { release, node } = spec;
  const tls = release.tls;
  const shares = containerShares(release, spec.task, node !== undefined);
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
  const mount = (volume: VolumeName, containerPath: string, readOnly = false) => ({ sourceVolume: volume, containerPath, readOnly });
  const mounts = (list: readonly Mount[]) => list.map((m) => mount(m.volume, m.path, m.readOnly ?? false));
  const limit = (memory: number) => (shares.hardLimits ? { memory, memoryReservation: memory } : { memoryReservation: memory });
  const proxy = spec.proxy;
  const proxyVariables = proxy ? { HTTP_PROXY: proxy.httpUrl, HTTPS_PROXY: proxy.httpsUrl, NO_PROXY: noProxyList(spec) } : {};
  const proxySecrets = proxy?.urlsSecretArn
    ? [
        { name: "HTTP_PROXY", valueFrom: secretValueFrom({ secretArn: proxy.urlsSecretArn, jsonKey: "HTTP_PROXY" }) },
        { name: "HTTPS_PROXY", valueFrom: secretValueFrom({ secretArn: proxy.urlsSecretArn, jsonKey: "HTTPS_PROXY" }) },
      ]
    : [];
  const common = { linuxParameters: { initProcessEnabled: true }, ...credentials };
  const rabbitmqNodeName = node ? `rabbit@${node.hostname}` : "rabbit@localhost";
  const helper = { essential: false, cpu: shares.cpu.helper, memoryReservation: shares.memory.helper };

  // The data upgrade's MongoDB steps, one after another after init, all before the release's mongod (modules/upgrade).
  const fcvSteps: ContainerDefinition[] = [];
  for (const step of spec.dataUpgrade?.mongodbSteps ?? []) {
    fcvSteps.push({
      name: `mongodb-fcv-${step.featureCompatibilityVersion.replace(".", "-")}`,
      image: step.image,
      user: "1001:1001",
      ...helper,
      entryPoint: ["/bin/bash", "-c", mongodbFcvStepScript(), "mongodb-fcv-step"],
      portMappings: [],
      environment: env({ CE_FCV_TARGET: step.featureCompatibilityVersion, CE_UPGRADE_MARKER: FCV_MARKER }),
      secrets: [
        { name: "MONGO_ROOT_PASSWORD", valueFrom: spec.secrets.mongoRootPassword },
        { name: "CE_PREVIOUS_ROOT_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
      ],
      mountPoints: [mount("mongo-data", "/data/db")],
      dependsOn: [{ containerName: fcvSteps.length > 0 ? fcvSteps[fcvSteps.length - 1].name : "init", condition: "SUCCESS" }],
      logConfiguration: log,
      // mongod and mongosh write to /tmp and $HOME while the step runs; CE's own containers have not started yet.
      readonlyRootFilesystem: false,
      // The step forwards SIGTERM to its mongod and waits for a clean shutdown (CE_STOP_SECONDS, 100 s).
      stopTimeout: 120,
      ...common,
    });
  }

  const init: ContainerDefinition = {
    name: "init",
    // The RabbitMQ images ship the openssl CLI the certificates are made with.
    image: spec.images.rabbitmq,
    user: "0",
    ...helper,
    entryPoint: ["/bin/sh", "-c"],
    command: [initScript()],
    portMappings: [],
    environment: env({
      CE_RABBITMQ_CONF: release.rabbitmq.config(shares.memory.rabbitmq, node ? { nodeNames: node.nodeHostnames.map((h) => `rabbit@${h}`) } : undefined),
      CE_INTER_NODE_TLS: node ? release.rabbitmq.interNodeTls : undefined,
      CE_CUSTOM_CA_FILE: release.customCaFileName,
      ...(tls
        ? {
            CE_TLS_DIR: INIT_PATHS.internalCerts,
            CE_TLS_CA_DIR: INIT_PATHS.internalCa,
            CE_UI_CERT_DIR: INIT_PATHS.uiCertificate,
            CE_TLS_SAN: subjectAltNames(release, node).join(","),
            CE_TLS_LEAF_DAYS: tls.leafDays,
            CE_TLS_CA_DAYS: tls.caDays,
            CE_TLS_UI_DAYS: tls.uiCertificateDays,
            CE_TLS_RENEW_DAYS: spec.internalTls.renewBeforeDays,
            CE_TLS_ROTATION: spec.internalTls.rotation,
          }
        : {}),
    }),
    secrets: [
      ...(spec.caCertificateSecretArn ? [{ name: "CUSTOM_CA_CERT", valueFrom: spec.caCertificateSecretArn }] : []),
      ...(node ? [{ name: "MONGO_REPLICA_KEY", valueFrom: spec.secrets.mongoReplicaKey }] : []),
    ],
    mountPoints: [
      mount("mongo-init", INIT_PATHS.mongoInit),
      mount("custom-ca", INIT_PATHS.customCa),
      mount("rabbitmq-config", INIT_PATHS.rabbitmqConfig),
      ...(node ? [mount("mongo-keyfile", INIT_PATHS.mongoKeyfile)] : []),
      ...(tls
        ? [mount("internal-certs", INIT_PATHS.internalCerts), mount("internal-ca", INIT_PATHS.internalCa), mount("ui-certificate", INIT_PATHS.uiCertificate)]
        : []),
    ],
    logConfiguration: log,
    readonlyRootFilesystem: true,
    ...common,
  };

  // core-init copies the image's built-in plugins and repositories to EFS, and
  // makes the custom plugins directory a package, as CE's setup does.
  const nestedCustomPlugins = release.core.mounts.some((m) => m.volume === "custom-plugins");
  const coreInit: ContainerDefinition = {
    name: "core-init",
    image: spec.images.core,
    ...helper,
    entryPoint: ["/bin/sh", "-c"],
    command: [
      "set -eu; cp -R /opt/netskope/plugins/. /data/ && echo 'core-init: copied the built-in plugins to EFS'; " +
        "cp -R /opt/netskope/repos/. /repos/ && echo 'core-init: copied the plugin repositories to EFS'" +
        (nestedCustomPlugins ? "; touch /data/custom_plugins/__init__.py && echo 'core-init: custom_plugins is a package'" : ""),
    ],
    portMappings: [],
    environment: [],
    secrets: [],
    mountPoints: [
      mount("plugins", "/data"),
      ...(nestedCustomPlugins ? [mount("custom-plugins", "/data/custom_plugins")] : []),
      mount("repos", "/repos"),
    ],
    logConfiguration: log,
    readonlyRootFilesystem: true,
    ...common,
  };

  const keyFile = "/etc/cloud-exchange/mongo/keyfile";
  const mongodFlags = [
    ...(shares.wiredTigerCacheGb !== undefined ? ["--wiredTigerCacheSizeGB", String(shares.wiredTigerCacheGb)] : []),
    ...release.mongodb.serverFlags,
    ...(node ? release.mongodb.haFlags(node.replicaSetName, keyFile) : []),
  ];
  const mongodb: ContainerDefinition = {
    name: "mongodb",
    image: spec.images.mongodb,
    essential: true,
    user: "1001:1001",
    cpu: shares.cpu.mongodb,
    ...limit(shares.memory.mongodb),
    ...(tls
      ? { entryPoint: ["/bin/bash", "-c", script("mongodb-entrypoint.sh"), "mongodb-entrypoint"], command: mongodFlags }
      : { command: ["mongod", ...mongodFlags] }),
    portMappings: [{ containerPort: PORTS.mongodb, protocol: "tcp", name: "mongodb" }],
    environment: env({
      MONGO_INITDB_ROOT_USERNAME: "root",
      MONGO_INITDB_DATABASE: "cte",
      MONGODB_USERNAME: "cteadmin",
      ...release.mongodb.environment,
      HA_IP_LIST: node && release.mongodb.autoCompact ? node.nodeHostnames.join(",") : undefined,
      ...proxyVariables,
    }),
    secrets: [
      { name: "MONGO_INITDB_ROOT_PASSWORD", valueFrom: spec.secrets.mongoRootPassword },
      { name: "MONGODB_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
      // Data made before root had its own password: the entrypoint moves root off the maintenance password.
      ...(release.mongodb.ownRootPassword ? [{ name: "CE_PREVIOUS_ROOT_PASSWORD", valueFrom: spec.secrets.maintenancePassword }] : []),
      ...proxySecrets,
    ],
    mountPoints: [
      mount("mongo-data", "/data/db"),
      mount("mongo-init", "/docker-entrypoint-initdb.d", true),
      ...mounts(release.mongodb.mounts),
      ...(node ? [mount("mongo-keyfile", "/etc/cloud-exchange/mongo", true)] : []),
    ],
    dependsOn: [
      { containerName: "init", condition: "SUCCESS" },
      ...(fcvSteps.length > 0 ? [{ containerName: fcvSteps[fcvSteps.length - 1].name, condition: "SUCCESS" as const }] : []),
    ],
    healthCheck: health(HEALTH_CHECKS.mongodb),
    logConfiguration: log,
    readonlyRootFilesystem: false,
    stopTimeout: 120,
    ...common,
  };

  const rabbitmqPorts = [
    { containerPort: release.rabbitmq.amqpPort, protocol: "tcp" as const, name: "amqp" },
    { containerPort: release.rabbitmq.managementPort, protocol: "tcp" as const, name: "rabbitmq-management" },
    ...(node?.rabbitmqClusterPorts ?? []).map((port) => ({ containerPort: port, protocol: "tcp" as const, name: `rabbitmq-${port}` })),
  ];
  const rabbitmq: ContainerDefinition = {
    name: "rabbitmq",
    image: spec.images.rabbitmq,
    essential: true,
    user: "1001:1001",
    cpu: shares.cpu.rabbitmq,
    ...limit(shares.memory.rabbitmq),
    entryPoint: ["/bin/bash", "-c"],
    command: [node ? `${node.rabbitmqClusterScript}\n${rabbitmqEntrypointScript()}` : rabbitmqEntrypointScript()],
    portMappings: rabbitmqPorts,
    environment: env({
      RABBITMQ_NODENAME: rabbitmqNodeName,
      RABBITMQ_USE_LONGNAME: node ? "true" : undefined,
      CE_RABBITMQ_HOSTNAME: node?.hostname,
      ERL_INETRC: node ? "/var/lib/rabbitmq/.inetrc" : undefined,
      RABBITMQ_DEFAULT_USER: "user",
      RABBITMQ_RAM_RESOURCES: shares.hardLimits ? shares.memory.rabbitmq : undefined,
      ...release.rabbitmq.environment,
      ...(node && release.rabbitmq.interNodeTls
        ? { RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: interNodeTlsArgs(), RABBITMQ_CTL_ERL_ARGS: interNodeTlsArgs() }
        : {}),
      ...(node
        ? {
            CE_RABBITMQ_PEERS: node.nodeHostnames.map((h) => `rabbit@${h}`).join(","),
            CE_RABBITMQ_SEED: `rabbit@${node.seedHostname}`,
            CE_SHARED_DIR: node.sharedPath,
            CE_QUORUM_QUEUES: release.rabbitmq.queues.kind === "quorum" ? release.rabbitmq.queues.queues.join(",") : undefined,
            CE_CLUSTER_STATUS_FILE: CLUSTER_STATUS_FILE,
          }
        : {}),
      CE_MIRROR_QUEUES: node && release.rabbitmq.queues.kind === "classic-mirrored" ? "true" : undefined,
      CE_CERTIFICATE_FILE: tls ? `${RABBITMQ_CONF_DIR}/rabbitmq_cert.crt` : undefined,
    }),
    secrets: [
      { name: "RABBITMQ_DEFAULT_PASS", valueFrom: spec.secrets.maintenancePassword },
      { name: "RABBITMQ_COOKIE", valueFrom: spec.secrets.rabbitmqCookie },
    ],
    mountPoints: [
      mount("rabbitmq-config", RABBITMQ_CONF_DIR, true),
      mount("rabbitmq-data", "/var/lib/rabbitmq/mnesia/"),
      ...(node ? [mount("ha-shared", node.sharedPath)] : []),
    ],
    dependsOn: [{ containerName: "init", condition: "SUCCESS" }],
    healthCheck: health(node ? HEALTH_CHECKS.rabbitmqHa : HEALTH_CHECKS.rabbitmq),
    logConfiguration: log,
    readonlyRootFilesystem: false,
    stopTimeout: 120,
    ...common,
  };

  const app = spec.application;
  const context = {
    profile: release.sizing.profile?.(spec.task.cpu),
    preset: spec.preset,
    images: spec.imageReferences,
    tlsVersion: spec.tlsVersion,
    ha: node !== undefined,
    application: app,
  };
  const core: ContainerDefinition = {
    name: "core",
    image: spec.images.core,
    essential: true,
    cpu: shares.cpu.core,
    ...limit(shares.memory.core),
    ...(release.core.entryPoint ? { entryPoint: release.core.entryPoint } : {}),
    portMappings: [{ containerPort: PORTS.api, protocol: "tcp", name: "api" }],
    environment: env({
      JWT_ALGORITHM: "HS256",
      ENABLE_CELERY_BEAT: "true",
      MAX_MAINTENANCE_WINDOW_MINUTES: app.maxMaintenanceWindowMinutes,
      PULL_THREADS: app.pullThreads,
      MAX_WAIT_ON_LOCK_IN_MINUTES: app.maxWaitOnLockInMinutes,
      REQUESTS_TIMEOUT: app.requestsTimeoutSeconds,
      POPEN_TIMEOUT: app.popenTimeoutSeconds,
      ...release.core.environment(context),
      ...proxyVariables,
      ...(node
        ? {
            HA_ENABLED: "True",
            HA_IP_LIST: node.nodeHostnames.join(","),
            HA_CURRENT_NODE: node.hostname,
            HA_PRIMARY_NODE_IP: node.seedHostname,
            UI_PROTOCOL: release.ui.protocol.toLowerCase(),
            UI_PORT: PORTS.ui,
          }
        : {}),
      ...app.extraEnvironment,
    }),
    secrets: [
      ...release.core.jwtVariables.map((name) => ({ name, valueFrom: spec.secrets.jwtSecret })),
      { name: "MONGO_CONNECTION_STRING", valueFrom: spec.secrets.mongoConnectionString },
      { name: "RABBITMQ_CONNECTION_STRING", valueFrom: spec.secrets.rabbitmqConnectionString },
      ...proxySecrets,
      ...Object.entries(app.secretEnvironment).map(([name, secret]) => ({ name, valueFrom: secretValueFrom(secret) })),
    ],
    mountPoints: mounts(release.core.mounts),
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
    ...limit(shares.memory.ui),
    ...(release.ui.entryPoint ? { entryPoint: release.ui.entryPoint } : {}),
    portMappings: [{ containerPort: PORTS.ui, protocol: "tcp", name: "ui" }],
    environment: env({ TLS_VERSION: spec.tlsVersion, CE_API_URL: "http://localhost", CE_API_PORT: PORTS.api, ...release.ui.environment }),
    secrets: [],
    mountPoints: mounts(release.ui.mounts),
    dependsOn: [{ containerName: "core", condition: "START" }],
    healthCheck: health(HEALTH_CHECKS.ui[release.ui.protocol]),
    logConfiguration: log,
    readonlyRootFilesystem: false,
    ...common,
  };

  const containers = [init, ...fcvSteps, coreInit, mongodb, rabbitmq, core, ui];
  if (node) {
    containers.push({
      name: "replica-set-init",
      image: spec.images.mongodb,
      ...helper,
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
      secrets: [
        { name: "MONGO_ROOT_PASSWORD", valueFrom: spec.secrets.mongoRootPassword },
        ...(release.mongodb.ownRootPassword ? [{ name: "CE_PREVIOUS_ROOT_PASSWORD", valueFrom: spec.secrets.maintenancePassword }] : []),
      ],
      mountPoints: [mount("ha-shared", node.sharedPath)],
      dependsOn: [{ containerName: "mongodb", condition: "HEALTHY" }],
      logConfiguration: log,
      readonlyRootFilesystem: true,
      ...common,
    });
  }
  return containers;
}
