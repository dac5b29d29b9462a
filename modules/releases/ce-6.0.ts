/**
 * Cloud Exchange 6.0.1 (ta_cloud_exchange tag v6.0.1), kept because it is
 * cheap: the 6.1 record with 6.0.1's images and its differences (diff
 * v6.0.1..v6.1.0): no cipher pinning in mongod or RabbitMQ's listeners, no
 * autoCompact, a CA of 3650 days, and core still given the JWT secret as
 * CHAINLIT_AUTH_SECRET, the update-check images and the analytics URL.
 */
import { CE_6_1, ce6RabbitmqConfig, mongodTlsFlags } from "./ce-6.1";
import { CloudExchangeRelease } from "./release";

const REPOSITORY = "netskopetechnicalalliances/cloudexchange";

/** 6.0.1's custom.conf: 6.1's without the cipher lists (they are new in 6.1.0). */
function ce60RabbitmqConfig(memoryMiB: number, cluster?: { readonly nodeNames: readonly string[] }): string {
  return ce6RabbitmqConfig(memoryMiB, cluster)
    .split("\n")
    .filter((line) => !/\.(ciphers\.\d+|honor_cipher_order|honor_ecc_order) =/.test(line))
    .join("\n")
    .replace("CE 6.1's data/rabbitmq/custom.conf", "CE 6.0.1's data/rabbitmq/custom.conf");
}

export const CE_6_0: CloudExchangeRelease = {
  ...CE_6_1,
  id: "6.0",
  version: "6.0.1",
  source: "netskopeoss/ta_cloud_exchange v6.0.1 (720b1c6)",
  images: {
    core: { repository: REPOSITORY, tag: "core6-6.0.1" },
    ui: { repository: REPOSITORY, tag: "ui6-6.0.1" },
    mongodb: { repository: REPOSITORY, tag: "mongo8-8.0.17" },
    rabbitmq: { repository: REPOSITORY, tag: "rabbitmq4-4.2.2" },
  },
  tls: { ...CE_6_1.tls!, caDays: 3650 },
  mongodb: {
    ...CE_6_1.mongodb,
    serverFlags: mongodTlsFlags,
    environment: {},
    autoCompact: undefined,
  },
  rabbitmq: { ...CE_6_1.rabbitmq, config: ce60RabbitmqConfig },
  core: {
    ...CE_6_1.core,
    environment: (c) => ({
      ...CE_6_1.core.environment(c),
      INSTALL_VERSION: "6.0.1",
      CORE_LATEST_VERSION_TAG: c.application.coreLatestVersionTag ?? `${REPOSITORY}:core5-latest`,
      UI_LATEST_VERSION_TAG: c.application.uiLatestVersionTag ?? `${REPOSITORY}:ui5-latest`,
      ANALYTICS_BASE_URL: c.application.analyticsBaseUrl ?? "https://reporting.netskope.tech",
      ANALYTICS_SERVER_CONNECTIVITY: "True",
    }),
    jwtVariables: ["JWT_SECRET", "CHAINLIT_AUTH_SECRET"],
    settings: ["coreLatestVersionTag", "uiLatestVersionTag", "analyticsBaseUrl"],
  },
};
