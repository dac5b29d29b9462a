/**
 * Cloud Exchange 6.1.0, the supported release (ta_cloud_exchange tag
 * v6.1.0): Netskope's own MongoDB 8.0.18 and RabbitMQ 4.2.2 images, TLS
 * between the containers from an internal CA, RabbitMQ on TLS only with
 * quorum queues and Mnesia pinned by feature flags, the Medium and Large
 * profiles only. Every value below is from `docker-compose.yml`, `setup`,
 * `data/rabbitmq/custom.conf` and `data/rabbitmq/inter_node_tls.conf` at that
 * tag (line references in docs/task-contract.md), adapted to one Fargate task
 * where the task shares one network namespace (`localhost` for the service
 * names) and where nothing sources `load_env.sh`.
 */
import { CloudExchangeRelease, MemorySplit, Mount } from "./release";

const REPOSITORY = "netskopetechnicalalliances/cloudexchange";

/** Where the CA, the leaf certificate and its key live in every container that uses them (CE's paths). */
export const CERTS_DIR = "/opt/certs/mongodb_rabbitmq_certs";

/** TLS 1.3 suites CE 6.1 pins (custom.conf, mongod's opensslCipherSuiteConfig). */
export const TLS13_SUITES = ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"] as const;
/** TLS 1.2 suites CE 6.1 pins (custom.conf, mongod's opensslCipherConfig). */
export const TLS12_SUITES = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
] as const;

/**
 * RABBITMQ_FEATURE_FLAGS of CE 6.1 (docker-compose.yml L16): the absolute
 * list a fresh node starts with. `khepri_db` is not in it, so RabbitMQ 4.2
 * keeps Mnesia, which every node of a cluster must agree on.
 */
export const RABBITMQ_FEATURE_FLAGS = [
  "classic_mirrored_queue_version",
  "classic_queue_type_delivery_support",
  "detailed_queues_endpoint",
  "direct_exchange_routing_v2",
  "drop_unroutable_metric",
  "empty_basic_get_metric",
  "feature_flags_v2",
  "implicit_default_bindings",
  "listener_records_in_ets",
  "maintenance_mode_status",
  "message_containers",
  "message_containers_deaths_v2",
  "quorum_queue",
  "quorum_queue_non_voters",
  "rabbit_exchange_type_local_random",
  "rabbitmq_4.0.0",
  "rabbitmq_4.1.0",
  "rabbitmq_4.2.0",
  "restart_streams",
  "stream_filtering",
  "stream_queue",
  "stream_sac_coordinator_unblock_group",
  "stream_single_active_consumer",
  "stream_update_config_command",
  "tracking_records_in_ets",
  "user_limits",
  "virtual_host_metadata",
] as const;

/** CE's quorum work queues (start: `rabbitmq-queues add_member cloudexchange_9|6|3`). */
export const CE_QUORUM_QUEUES = ["cloudexchange_9", "cloudexchange_6", "cloudexchange_3"] as const;

/** CE 6's memory split (setup L2009-2021): RabbitMQ 6/32, MongoDB 4/32, core 18/32 of the host, UI 256 MiB. */
export function ce6MemorySplit(taskMemoryMiB: number): MemorySplit {
  return {
    rabbitmq: Math.floor((taskMemoryMiB * 6) / 32),
    mongodb: Math.floor((taskMemoryMiB * 4) / 32),
    core: Math.floor((taskMemoryMiB * 18) / 32),
    ui: 256,
  };
}

/** The TLS lines of custom.conf for one listener prefix (`ssl_options` or `management.ssl`). */
function tlsLines(prefix: string): string[] {
  return [
    `${prefix}.certfile = /etc/rabbitmq/conf.d/rabbitmq_cert.crt`,
    `${prefix}.keyfile = /etc/rabbitmq/conf.d/rabbitmq_cert_key.key`,
    `${prefix}.cacertfile = /etc/rabbitmq/conf.d/rabbitmq_cert_ca.crt`,
    `${prefix}.verify = verify_none`,
    `${prefix}.fail_if_no_peer_cert = false`,
    ...[...TLS13_SUITES, ...TLS12_SUITES].map((suite, i) => `${prefix}.ciphers.${i + 1} = ${suite}`),
    `${prefix}.honor_cipher_order = true`,
    `${prefix}.honor_ecc_order = true`,
  ];
}

/**
 * CE 6.1's custom.conf with the memory share filled in (CE interpolates
 * `$(RABBITMQ_RAM_RESOURCES)`; here the value is known at synthesis), and for
 * HA RabbitMQ's own quorum membership reconciliation to three members.
 */
export function ce6RabbitmqConfig(memoryMiB: number, cluster?: { readonly nodeNames: readonly string[] }): string {
  const lines = [
    "# Written by the init container from the environment; CE 6.1's data/rabbitmq/custom.conf.",
    // This file's volume hides the image's own conf.d, whose 10-defaults.conf sends the log to stdout.
    "log.console = true",
    "consumer_timeout = 2592000000",
    `disk_free_limit.absolute = ${memoryMiB}MB`,
    `total_memory_available_override_value = ${memoryMiB}MB`,
    "vm_memory_high_watermark_paging_ratio = 0.60",
    "vm_memory_high_watermark.relative = 0.80",
    "cluster_partition_handling = pause_minority",
    "listeners.tcp = none",
    "ssl_options.versions.1 = tlsv1.3",
    "ssl_options.versions.2 = tlsv1.2",
    "listeners.ssl.default = 5671",
    ...tlsLines("ssl_options"),
    "management.ssl.port = 15671",
    ...tlsLines("management.ssl"),
    "max_message_size = 134217728",
  ];
  if (cluster) {
    lines.push(
      // Peer discovery joins a blank node at boot; the entrypoint starts one only once a member answers.
      "cluster_formation.peer_discovery_backend = classic_config",
      ...cluster.nodeNames.map((node, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${node}`),
      "quorum_queue.continuous_membership_reconciliation.enabled = true",
      `quorum_queue.continuous_membership_reconciliation.target_group_size = ${cluster.nodeNames.length}`,
      "quorum_queue.continuous_membership_reconciliation.auto_remove = false",
    );
  }
  return lines.join("\n");
}

/**
 * The Erlang distribution's TLS options for a side (`server` or `client`).
 * CE's inter_node_tls.conf gives both sides `verify_none` and
 * `fail_if_no_peer_cert false`, since its certificate cannot name VM IPs;
 * here the certificate names every node, so each side verifies the other
 * against the internal CA: a node or CLI tool without a certificate from it
 * cannot join the distribution, and a client checks the node's name.
 */
function interNodeTlsOptions(side: "server" | "client"): string[] {
  return [
    '    {certfile, "/etc/rabbitmq/conf.d/rabbitmq_cert.crt"},',
    '    {keyfile, "/etc/rabbitmq/conf.d/rabbitmq_cert_key.key"},',
    '    {cacertfile, "/etc/rabbitmq/conf.d/rabbitmq_cert_ca.crt"},',
    "    {verify, verify_peer},",
    ...(side === "server" ? ["    {fail_if_no_peer_cert, true},"] : []),
    "    {versions, ['tlsv1.2', 'tlsv1.3']}",
  ];
}

/** The inter-node TLS options file: Erlang distribution over TLS for the server and the CLI tools (HA). */
export const INTER_NODE_TLS = ["[", "  {server, [", ...interNodeTlsOptions("server"), "  ]},", "  {client, [", ...interNodeTlsOptions("client"), "  ]}", "]."].join("\n");

/**
 * mongod's TLS flags (docker-compose.yml L82-84), with the certificate paths of this task. CE runs
 * `preferTLS`, which also accepts plain connections; an HA member listens on every interface, so
 * it requires TLS from every client (the project's own clients all speak TLS, CE's core too).
 */
export function mongodTlsFlags(ha: boolean): string[] {
  return ["--tlsMode", ha ? "requireTLS" : "preferTLS", ...MONGOD_TLS_FILE_FLAGS];
}

/** The certificate and protocol flags of mongod's TLS. */
const MONGOD_TLS_FILE_FLAGS = [
  "--tlsCertificateKeyFile",
  `${CERTS_DIR}/tls_cert_key.pem`,
  "--tlsCAFile",
  `${CERTS_DIR}/tls_cert_ca.crt`,
  "--tlsDisabledProtocols",
  "TLS1_0,TLS1_1",
] as const;

/** The 6.1 cipher pinning of mongod (new in 6.1.0). */
export const MONGOD_CIPHER_FLAGS = [
  "--setParameter",
  `opensslCipherSuiteConfig=${TLS13_SUITES.join(":")}`,
  "--setParameter",
  `opensslCipherConfig=${TLS12_SUITES.join(":")}`,
] as const;

/**
 * Core's mounts in CE 6 (docker-compose.yml L91-102): `ssl_certs` at /opt/certs, where core reads
 * the UI certificate (its expiry check, `/opt/certs/cte_cert.crt`) and, in its subdirectory, the
 * internal certificates (`/opt/certs/mongodb_rabbitmq_certs`); the internal certificates again in
 * the CA directory, below the custom CA volume (the init container makes that mount point, since
 * the custom CA volume is read-only and task-local).
 */
export const CE6_CORE_MOUNTS: readonly Mount[] = [
  { volume: "plugins", path: "/opt/netskope/plugins" },
  { volume: "custom-plugins", path: "/opt/netskope/plugins/custom_plugins" },
  { volume: "repos", path: "/opt/netskope/repos" },
  { volume: "custom-ca", path: "/usr/local/share/ca-certificates", readOnly: true },
  { volume: "internal-certs", path: "/usr/local/share/ca-certificates/mongodb_rabbitmq_certs", readOnly: true },
  { volume: "ui-certificate", path: "/opt/certs", readOnly: true },
  { volume: "files-data", path: "/etc/files-data" },
  { volume: "rabbitmq-data", path: "/var/lib/rabbitmq", readOnly: true },
];

/** Where CE publishes its banners, end-of-life notices included (setup, PROMOTION_BANNERS_FILE_LOCATION). */
export const PROMOTION_BANNERS_URL = "https://raw.githubusercontent.com/netskopeoss/ta_cloud_exchange/main/ce_promotions.json";

/**
 * The 6.x MongoDB connection string (load_env.sh L41-44): TLS with core's client certificate. CE
 * adds `tlsAllowInvalidHostnames=true` because its certificate cannot name the VM IPs; here the
 * certificate names localhost and every HA node, so core checks the host name.
 */
export function ce6MongoConnectionString(hosts: readonly string[], replicaSet: string | undefined, password: string): string {
  const tls = `tls=true&tlsCertificateKeyFile=${CERTS_DIR}/tls_cert_key.pem&tlsCAFile=${CERTS_DIR}/tls_cert_ca.crt`;
  return `mongodb://cteadmin:${password}@${hosts.join(",")}/cte?${replicaSet ? `replicaSet=${replicaSet}&` : ""}${tls}`;
}

export const CE_6_1: CloudExchangeRelease = {
  id: "6.1",
  version: "6.1.0",
  source: "netskopeoss/ta_cloud_exchange v6.1.0 (a8ac740)",
  images: {
    core: { repository: REPOSITORY, tag: "core6-6.1.0" },
    ui: { repository: REPOSITORY, tag: "ui6-6.1.0" },
    mongodb: { repository: REPOSITORY, tag: "mongo6-6.1.0-8.0.18" },
    rabbitmq: { repository: REPOSITORY, tag: "rabbitmq6-6.1.0-4.2.2" },
  },
  sizing: {
    presets: ["medium", "large"],
    refusal:
      "CE 6.x runs only on its Medium (8 vCPU / 16 GiB) and Large (16 vCPU / 32 GiB) profiles: its setup refuses any other CPU count, and there are no Extra-small or Small profiles any more",
    cpuUnits: [8192, 16384],
    split: ce6MemorySplit,
    hardLimits: true,
    profile: (cpu) => (cpu === 8192 ? "Medium" : cpu === 16384 ? "Large" : undefined),
    explicitWiredTigerCache: false,
  },
  tls: {
    directory: CERTS_DIR,
    leafDays: 365,
    caDays: 3650,
    subjectAltNames: ["DNS:localhost", "DNS:rabbitmq-stats", "DNS:mongodb-primary", "DNS:host.docker.internal", "IP:127.0.0.1"],
    uiCertificateDays: 365,
  },
  customCaFileName: "custom-ca.crt",
  mongodb: {
    version: "8.0",
    featureCompatibilityVersion: "7.0",
    serverFlags: (ha) => [...mongodTlsFlags(ha), ...MONGOD_CIPHER_FLAGS],
    haFlags: (replicaSet, keyFile) => ["--bind_ip_all", "--replSet", replicaSet, "--keyFile", keyFile],
    environment: {
      MONGODB_AUTOCOMPACT_ENABLED: "true",
      MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB: "1024",
      MONGODB_AUTOCOMPACT_RUN_ONCE: "false",
    },
    mounts: [{ volume: "internal-certs", path: CERTS_DIR, readOnly: true }],
    autoCompact: { freeSpaceTargetMb: 1024 },
  },
  rabbitmq: {
    version: "4.2",
    amqpPort: 5671,
    managementPort: 15671,
    scheme: "amqps",
    config: ce6RabbitmqConfig,
    interNodeTls: INTER_NODE_TLS,
    environment: {
      RABBITMQ_DISK_FREE_LIMIT_ABSOLUTE: "1",
      RABBITMQ_FEATURE_FLAGS: RABBITMQ_FEATURE_FLAGS.join(","),
      RESTART_ON_HEALTHCHECK_FAILURE: "false",
      HEALTHCHECK_FREE_DISK_SPACE_LIMIT: "40",
      HEALTHCHECK_FREE_DISK_SPACE_PATH: "/var/lib/rabbitmq",
    },
    queues: { kind: "quorum", queues: CE_QUORUM_QUEUES },
    dataDirectory: "rabbitmq4-data",
  },
  core: {
    entryPoint: ["/opt/start.sh"],
    connectionStrings: "composed-at-start",
    environment: (c) => ({
      CORE_TAG: `${c.images.core.repository}:${c.images.core.tag}`,
      UI_TAG: `${c.images.ui.repository}:${c.images.ui.tag}`,
      BETA_OPT_IN: "No",
      RESTART_ON_HEALTHCHECK_FAILURE: "false",
      HEALTHCHECK_FREE_DISK_SPACE_LIMIT: "40",
      HEALTHCHECK_FREE_DISK_SPACE_PATH: "/var/lib/rabbitmq",
      INSTALL_VERSION: "6.1.0",
      CE_PROFILE: c.profile,
      PLATFORM_PROVIDER: "aws",
      CE_AS_VM: "False",
      MONGO_CURRENT_VERSION: "8.0",
      UI_PROTOCOL: "https",
      UI_PORT: "3000",
      TLS_VERSION: c.tlsVersion,
      // Core defaults to the compose service name `ui`, which nothing resolves in an awsvpc task.
      UI_SERVICE_NAME: "localhost",
      PROMOTION_BANNERS_FILE_LOCATION: PROMOTION_BANNERS_URL,
    }),
    jwtVariables: ["JWT_SECRET"],
    mounts: CE6_CORE_MOUNTS,
    settings: [],
  },
  ui: {
    protocol: "HTTPS",
    entryPoint: ["/bin/bash", "-c", "exec ./start.sh"],
    environment: { CE_MANAGEMENT_PORT: "8000" },
    // CE also mounts the internal certificates at /data/ssl_certs/mongodb_rabbitmq_certs, as the
    // client certificate of the host management server, which Fargate cannot run: not mounted.
    mounts: [{ volume: "ui-certificate", path: "/tmp/ssl_certs" }],
  },
  mongoConnectionString: ce6MongoConnectionString,
};
