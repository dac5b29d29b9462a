/**
 * The core container: CE's API and workers, started after its databases are
 * healthy and, on an HA node, after the node is a replica-set member. On
 * releases that compose core's connection strings at start, the project's
 * entrypoint (scripts/core-entrypoint.sh) builds MONGO_CONNECTION_STRING and
 * RABBITMQ_CONNECTION_STRING from the escaped maintenance password and the
 * task's topology, as CE's own load_env.sh does, then runs the release's
 * entry point.
 */
import { connectionStrings } from "../../releases";
import { secretValueFrom } from "../../secrets/cloud-exchange-secrets";
import { shippedScript } from "../../shipped-script";
import { mountsOf, TaskContext, variables } from "./task-context";
import { ContainerDefinition, PORTS } from "./task-spec";

/** The placeholder core's entrypoint replaces with the escaped maintenance password. */
export const PASSWORD_PLACEHOLDER = "@MAINTENANCE_PASSWORD_ESCAPED@";

/** The core entrypoint that composes the connection strings. */
export function coreEntrypointScript(): string {
  return shippedScript(`${__dirname}/..`, "core-entrypoint.sh");
}

/** The connection strings of this task with the password left as {@link PASSWORD_PLACEHOLDER}. */
export function connectionTemplates(context: TaskContext): { mongo: string; rabbitmq: string } {
  const { release, node } = context.spec;
  const topology = node
    ? { mongoHosts: node.nodeHostnames.map((h) => `${h}:${PORTS.mongodb}`), replicaSet: node.replicaSetName, rabbitmqHosts: node.nodeHostnames }
    : { mongoHosts: [`localhost:${PORTS.mongodb}`], rabbitmqHosts: ["localhost"] };
  return connectionStrings(release, topology, PASSWORD_PLACEHOLDER);
}

/** The core container; `haMember` names the container that ends once an HA node is a replica-set member. */
export function coreContainer(context: TaskContext, haMember?: string): ContainerDefinition {
  const { spec, shares } = context;
  const { release, node } = spec;
  const app = spec.application;
  const composed = release.core.connectionStrings === "composed-at-start";
  const templates = composed ? connectionTemplates(context) : undefined;
  const releaseContext = {
    profile: release.sizing.profile?.(spec.task.cpu),
    preset: spec.preset,
    images: spec.imageReferences,
    tlsVersion: spec.tlsVersion,
    ha: node !== undefined,
    application: app,
  };
  return {
    name: "core",
    image: spec.images.core,
    essential: true,
    cpu: shares.cpu.core,
    ...context.limit(shares.memory.core),
    ...(composed
      ? { entryPoint: ["/bin/bash", "-c", coreEntrypointScript(), "core-entrypoint", ...(release.core.entryPoint ?? [])] }
      : release.core.entryPoint
        ? { entryPoint: release.core.entryPoint }
        : {}),
    portMappings: [{ containerPort: PORTS.api, protocol: "tcp", name: "api" }],
    environment: variables({
      JWT_ALGORITHM: "HS256",
      ENABLE_CELERY_BEAT: "true",
      MAX_MAINTENANCE_WINDOW_MINUTES: app.maxMaintenanceWindowMinutes,
      PULL_THREADS: app.pullThreads,
      MAX_WAIT_ON_LOCK_IN_MINUTES: app.maxWaitOnLockInMinutes,
      REQUESTS_TIMEOUT: app.requestsTimeoutSeconds,
      POPEN_TIMEOUT: app.popenTimeoutSeconds,
      ...release.core.environment(releaseContext),
      ...context.proxyVariables,
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
      CE_MONGO_CONNECTION_TEMPLATE: templates?.mongo,
      CE_RABBITMQ_CONNECTION_TEMPLATE: templates?.rabbitmq,
      ...app.extraEnvironment,
    }),
    secrets: [
      ...release.core.jwtVariables.map((name) => ({ name, valueFrom: spec.secrets.jwtSecret })),
      ...(composed
        ? [{ name: "MAINTENANCE_PASSWORD_ESCAPED", valueFrom: spec.secrets.maintenancePasswordEscaped }]
        : [
            { name: "MONGO_CONNECTION_STRING", valueFrom: spec.secrets.mongoConnectionString },
            { name: "RABBITMQ_CONNECTION_STRING", valueFrom: spec.secrets.rabbitmqConnectionString },
          ]),
      ...context.proxySecrets,
      ...Object.entries(app.secretEnvironment).map(([name, secret]) => ({ name, valueFrom: secretValueFrom(secret) })),
    ],
    mountPoints: mountsOf(release.core.mounts),
    dependsOn: [
      { containerName: "init", condition: "SUCCESS" },
      { containerName: "core-init", condition: "SUCCESS" },
      { containerName: "mongodb", condition: "HEALTHY" },
      { containerName: "rabbitmq", condition: "HEALTHY" },
      // Core's client names the replica set: before the node is a member it cannot connect and exits.
      ...(haMember ? [{ containerName: haMember, condition: "SUCCESS" as const }] : []),
    ],
    logConfiguration: context.log,
    readonlyRootFilesystem: false,
    ...context.common,
  };
}
