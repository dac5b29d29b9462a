/**
 * replica-set-init (HA): once the node's mongod is healthy, makes the node a
 * member of CE's replica set (modules/ha/scripts/replica-set-init.sh) and
 * exits 0; core waits for that. It logs in as root over TLS with the task's
 * client certificate.
 */
import { CERTS_DIR } from "../../releases/ce-6.1";
import { mountOf, mountsOf, TaskContext, variables } from "./task-context";
import { ContainerDefinition } from "./task-spec";

/** The container's name (core waits for its success). */
export const REPLICA_SET_INIT = "replica-set-init";

/** The replica-set-init container of an HA node. */
export function replicaSetInitContainer(context: TaskContext): ContainerDefinition {
  const { spec } = context;
  const { release } = spec;
  const node = spec.node!;
  const tls = release.tls !== undefined;
  return {
    name: REPLICA_SET_INIT,
    image: spec.images.mongodb,
    ...context.helper,
    entryPoint: ["/bin/bash", "-c"],
    command: [node.replicaSetInitScript],
    portMappings: [],
    environment: variables({
      CE_NODE_HOST: node.hostname,
      CE_NODE_HOSTS: node.nodeHostnames.join(","),
      CE_SEED_HOST: node.seedHostname,
      CE_REPLICA_SET: node.replicaSetName,
      CE_SHARED_DIR: node.sharedPath,
      CE_MONGO_TLS_DIR: tls ? CERTS_DIR : undefined,
    }),
    secrets: [
      { name: "MONGO_ROOT_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
      ...(tls ? [{ name: "CE_PREVIOUS_ROOT_PASSWORD", valueFrom: spec.secrets.formerRootPassword }] : []),
    ],
    mountPoints: [mountOf("ha-shared", node.sharedPath), ...mountsOf(release.mongodb.mounts)],
    dependsOn: [{ containerName: "mongodb", condition: "HEALTHY" }],
    logConfiguration: context.log,
    readonlyRootFilesystem: true,
    ...context.common,
  };
}
