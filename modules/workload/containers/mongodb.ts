/**
 * The mongodb container: CE's MongoDB image as uid 1001 on the node's data
 * access point. Releases with TLS inside the task start mongod through the
 * project's entrypoint (scripts/mongodb-entrypoint.sh: mongod gets ECS's stop
 * signal; root is moved back to the maintenance password where an earlier
 * version of this project had moved it; CE 6.1's autoCompact), with CE's TLS
 * flags, and as an HA member with the replica set and keyfile.
 */
import { CERTS_DIR } from "../../releases/ce-6.1";
import { shippedScript } from "../../shipped-script";
import { healthCheck, HEALTH_CHECKS } from "./health-checks";
import { mountOf, mountsOf, TaskContext, variables } from "./task-context";
import { ContainerDefinition, MONGO_KEYFILE_DIR, PORTS } from "./task-spec";

/** The mongodb entrypoint (releases with TLS inside the task). */
export function mongodbEntrypointScript(): string {
  return shippedScript(`${__dirname}/..`, "mongodb-entrypoint.sh");
}

/** mongod's flags: the cache size where the release sets it, the release's server flags, the HA flags. */
export function mongodFlags(context: TaskContext): string[] {
  const { release, node } = context.spec;
  return [
    ...(context.shares.wiredTigerCacheGb !== undefined ? ["--wiredTigerCacheSizeGB", String(context.shares.wiredTigerCacheGb)] : []),
    ...release.mongodb.serverFlags(node !== undefined),
    ...(node ? release.mongodb.haFlags(node.replicaSetName, `${MONGO_KEYFILE_DIR}/keyfile`) : []),
  ];
}

/** The mongodb container; it starts after init and after the last data-upgrade step, if any. */
export function mongodbContainer(context: TaskContext, lastUpgradeStep?: string): ContainerDefinition {
  const { spec, shares } = context;
  const { release, node } = spec;
  const tls = release.tls !== undefined;
  return {
    name: "mongodb",
    image: spec.images.mongodb,
    essential: true,
    user: "1001:1001",
    cpu: shares.cpu.mongodb,
    ...context.limit(shares.memory.mongodb),
    ...(tls
      ? { entryPoint: ["/bin/bash", "-c", mongodbEntrypointScript(), "mongodb-entrypoint"], command: mongodFlags(context) }
      : { command: ["mongod", ...mongodFlags(context)] }),
    portMappings: [{ containerPort: PORTS.mongodb, protocol: "tcp", name: "mongodb" }],
    environment: variables({
      MONGO_INITDB_ROOT_USERNAME: "root",
      MONGO_INITDB_DATABASE: "cte",
      MONGODB_USERNAME: "cteadmin",
      ...release.mongodb.environment,
      HA_IP_LIST: node && release.mongodb.autoCompact ? node.nodeHostnames.join(",") : undefined,
      CE_MONGO_TLS_DIR: tls ? CERTS_DIR : undefined,
      ...context.proxyVariables,
    }),
    secrets: [
      // Root and cteadmin share the maintenance password, as CE's setup keeps them (CE 6.1's core logs in as root with it).
      { name: "MONGO_INITDB_ROOT_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
      { name: "MONGODB_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
      // Root's password before 0.2.0, from which the entrypoint moves root back.
      ...(tls ? [{ name: "CE_PREVIOUS_ROOT_PASSWORD", valueFrom: spec.secrets.formerRootPassword }] : []),
      // The backup user's password: created with the data (init.sh's first-start script), kept by the entrypoint.
      ...(tls && spec.secrets.backupPassword ? [{ name: "MONGO_BACKUP_PASSWORD", valueFrom: spec.secrets.backupPassword }] : []),
      ...context.proxySecrets,
    ],
    mountPoints: [
      mountOf("mongo-data", "/data/db"),
      mountOf("mongo-init", "/docker-entrypoint-initdb.d", true),
      ...mountsOf(release.mongodb.mounts),
      ...(node ? [mountOf("mongo-keyfile", MONGO_KEYFILE_DIR, true)] : []),
    ],
    dependsOn: [
      { containerName: "init", condition: "SUCCESS" },
      ...(lastUpgradeStep ? [{ containerName: lastUpgradeStep, condition: "SUCCESS" as const }] : []),
    ],
    healthCheck: healthCheck(tls ? HEALTH_CHECKS.mongodbTls : HEALTH_CHECKS.mongodb),
    logConfiguration: context.log,
    readonlyRootFilesystem: false,
    stopTimeout: 120,
    ...context.common,
  };
}
