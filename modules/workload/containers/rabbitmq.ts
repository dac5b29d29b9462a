/**
 * The rabbitmq container: CE's RabbitMQ image as uid 1001, its settings and
 * certificate copies from init in conf.d, its data on the node's access
 * point. The entrypoint (scripts/rabbitmq-entrypoint.sh) installs the Erlang
 * cookie and hands over to the server; an HA node first runs the cluster
 * membership step (modules/ha/scripts/rabbitmq-cluster.sh) and talks Erlang
 * distribution over TLS.
 */
import { shippedScript } from "../../shipped-script";
import { healthCheck, HEALTH_CHECKS } from "./health-checks";
import { mountOf, TaskContext, variables } from "./task-context";
import { CLUSTER_STATUS_FILE, ContainerDefinition, RABBITMQ_CONF_DIR } from "./task-spec";

const script = (name: string) => shippedScript(`${__dirname}/..`, name);

/** The RabbitMQ entrypoint: the certificate report function, then rabbitmq-entrypoint.sh. */
export function rabbitmqEntrypointScript(): string {
  return `${script("certificate-report.sh")}\n${script("rabbitmq-entrypoint.sh")}`;
}

/** The Erlang distribution over TLS with the inter-node options init writes (CE 6.x HA). */
export function interNodeTlsArgs(): string {
  return `-proto_dist inet_tls -ssl_dist_optfile ${RABBITMQ_CONF_DIR}/inter_node_tls.options`;
}

/** The rabbitmq container. */
export function rabbitmqContainer(context: TaskContext): ContainerDefinition {
  const { spec, shares } = context;
  const { release, node } = spec;
  const queues = release.rabbitmq.queues;
  return {
    name: "rabbitmq",
    image: spec.images.rabbitmq,
    essential: true,
    user: "1001:1001",
    cpu: shares.cpu.rabbitmq,
    ...context.limit(shares.memory.rabbitmq),
    entryPoint: ["/bin/bash", "-c"],
    command: [node ? `${node.rabbitmqClusterScript}\n${rabbitmqEntrypointScript()}` : rabbitmqEntrypointScript()],
    portMappings: [
      { containerPort: release.rabbitmq.amqpPort, protocol: "tcp", name: "amqp" },
      { containerPort: release.rabbitmq.managementPort, protocol: "tcp", name: "rabbitmq-management" },
      ...(node?.rabbitmqClusterPorts ?? []).map((port) => ({ containerPort: port, protocol: "tcp" as const, name: `rabbitmq-${port}` })),
    ],
    environment: variables({
      RABBITMQ_NODENAME: node ? `rabbit@${node.hostname}` : "rabbit@localhost",
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
            CE_QUORUM_QUEUES: queues.kind === "quorum" ? queues.queues.join(",") : undefined,
            CE_CLUSTER_STATUS_FILE: CLUSTER_STATUS_FILE,
          }
        : {}),
      CE_MIRROR_QUEUES: node && queues.kind === "classic-mirrored" ? "true" : undefined,
      CE_CERTIFICATE_FILE: release.tls ? `${RABBITMQ_CONF_DIR}/rabbitmq_cert.crt` : undefined,
    }),
    secrets: [
      { name: "RABBITMQ_DEFAULT_PASS", valueFrom: spec.secrets.maintenancePassword },
      { name: "RABBITMQ_COOKIE", valueFrom: spec.secrets.rabbitmqCookie },
    ],
    mountPoints: [
      mountOf("rabbitmq-config", RABBITMQ_CONF_DIR, true),
      mountOf("rabbitmq-data", "/var/lib/rabbitmq/mnesia/"),
      ...(node ? [mountOf("ha-shared", node.sharedPath)] : []),
    ],
    dependsOn: [{ containerName: "init", condition: "SUCCESS" }],
    healthCheck: healthCheck(node ? HEALTH_CHECKS.rabbitmqHa : HEALTH_CHECKS.rabbitmq),
    logConfiguration: context.log,
    readonlyRootFilesystem: false,
    stopTimeout: 120,
    ...context.common,
  };
}
