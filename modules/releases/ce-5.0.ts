/**
 * Cloud Exchange 5.0, as the official CloudFormation template for Fargate
 * deploys it (netskopeoss/Netskope-CloudExchange-Amazon-ECS-Fargate, images
 * of 2023-11 from the AWS Marketplace registry): kept for parity with that
 * template and as the starting point of the upgrade to 6.x. Netskope ended
 * its support on 2026-01-31. No TLS between the containers, RabbitMQ 3.12
 * with classic queues mirrored across HA nodes, MongoDB 5.0.
 */
import { CloudExchangeRelease } from "./release";

const MARKETPLACE_REGISTRY = "709825985650.dkr.ecr.us-east-1.amazonaws.com";
const GIB = 1024 ** 3;

/** The template's conf.d settings, sized from the task; HA adds CE's partition handling and peer discovery. */
export function ce50RabbitmqConfig(memoryMiB: number, cluster?: { readonly nodeNames: readonly string[] }): string {
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

export const CE_5_0: CloudExchangeRelease = {
  id: "5.0",
  version: "5.0",
  endOfLife: "2026-01-31",
  source: "netskopeoss/Netskope-CloudExchange-Amazon-ECS-Fargate (2b98fee) and ta_cloud_exchange v5.0.1",
  images: {
    core: { repository: `${MARKETPLACE_REGISTRY}/netskope/core5`, tag: "11062023" },
    ui: { repository: `${MARKETPLACE_REGISTRY}/netskope/ui5`, tag: "11062023" },
    mongodb: { repository: `${MARKETPLACE_REGISTRY}/netskope/mongodb`, tag: "5.0" },
    rabbitmq: { repository: `${MARKETPLACE_REGISTRY}/netskope/rabbitmq`, tag: "3.12.6-management" },
  },
  sizing: {
    presets: ["extra-small", "small", "medium", "large"],
    cpuUnits: [],
    // Soft shares of the task: MongoDB 10/32, RabbitMQ 6/32 (CE's ratio), the UI 1/32 (at least 256 MiB), core the rest.
    split: (memory) => {
      const rabbitmq = Math.floor((memory * 6) / 32);
      const mongodb = Math.floor((memory * 10) / 32);
      const ui = Math.max(256, Math.floor(memory / 32));
      return { rabbitmq, mongodb, ui, core: memory - rabbitmq - mongodb - ui };
    },
    hardLimits: false,
    rabbitmqAvailableStorageBytes: { "extra-small": 40 * GIB, small: 40 * GIB, medium: 80 * GIB, large: 120 * GIB },
    explicitWiredTigerCache: true,
  },
  customCaFileName: "cert.pem",
  mongodb: {
    version: "5.0",
    featureCompatibilityVersion: "5.0",
    // The official template's layout: one password for root, cteadmin and RabbitMQ (SECURITY.md).
    serverFlags: () => [],
    haFlags: (replicaSet, keyFile) => ["--bind_ip_all", "--replSet", replicaSet, "--keyFile", keyFile],
    environment: {},
    mounts: [],
  },
  rabbitmq: {
    version: "3.12",
    amqpPort: 5672,
    managementPort: 15672,
    scheme: "amqp",
    config: ce50RabbitmqConfig,
    environment: {},
    queues: { kind: "classic-mirrored" },
    dataDirectory: "rabbitmq-data",
  },
  core: {
    connectionStrings: "from-secret",
    environment: (c) => ({
      RABBITMQ_AVAILABLE_STORAGE: String(CE_5_0.sizing.rabbitmqAvailableStorageBytes![c.preset]),
      UI_SERVICE_NAME: "localhost",
      MANAGED_CE: "false",
      CORE_LATEST_VERSION_TAG: c.application.coreLatestVersionTag ?? "netskopetechnicalalliances/cloudexchange:core5-latest",
      UI_LATEST_VERSION_TAG: c.application.uiLatestVersionTag ?? "netskopetechnicalalliances/cloudexchange:ui5-latest",
      ANALYTICS_BASE_URL: c.application.analyticsBaseUrl ?? "https://reporting.netskope.tech",
    }),
    jwtVariables: ["JWT_SECRET"],
    mounts: [
      { volume: "plugins", path: "/opt/netskope/plugins" },
      { volume: "repos", path: "/opt/netskope/repos/" },
      { volume: "custom-ca", path: "/usr/local/share/ca-certificates", readOnly: true },
    ],
    settings: ["coreLatestVersionTag", "uiLatestVersionTag", "analyticsBaseUrl"],
  },
  ui: {
    protocol: "HTTP",
    environment: {},
    mounts: [{ volume: "ui-certificate", path: "/tmp/ssl_certs" }],
  },
  mongoConnectionString: (hosts, replicaSet, password) =>
    `mongodb://cteadmin:${password}@${hosts.join(",")}/cte${replicaSet ? `?replicaSet=${replicaSet}` : ""}`,
};
