/**
 * Where Cloud Exchange's data lives on the file system, and which access
 * point backs which task volume. Node 1 of the HA variant uses the
 * standalone paths and access-point keys, so moving an environment from
 * standalone to HA keeps its MongoDB data as node 1's, in place.
 */
import { VOLUMES } from "../workload/container-definitions";
import { AccessPointSpec } from "./file-system";

/** Access points shared by every node, by the task volume they back: plugins, repositories, the UI certificate. */
const SHARED_BY_VOLUME: Readonly<Record<string, AccessPointSpec>> = {
  [VOLUMES.customPlugins]: { key: "custom-plugins", path: "/data/custom_plugins" },
  [VOLUMES.repos]: { key: "repos", path: "/data/repos" },
  [VOLUMES.sslCerts]: { key: "ssl-certs", path: "/data/ssl_certs" },
};
const SHARED = Object.values(SHARED_BY_VOLUME);

/** The HA coordination directory every node mounts (the VM setup's NFS directory). */
export const HA_SHARED_ACCESS_POINT: AccessPointSpec = { key: "ha-shared", path: "/data/ha-shared" };

/** Per-node data: MongoDB and RabbitMQ must never share a data directory between nodes. */
function nodeData(node: number): AccessPointSpec[] {
  if (node === 1) {
    return [
      { key: "mongo-data", path: "/data/mongo-data/data/db" },
      { key: "rabbitmq-data", path: "/data/rabbitmq-data" },
    ];
  }
  return [
    { key: `mongo-data-node-${node}`, path: `/data/nodes/node-${node}/mongo-data/data/db` },
    { key: `rabbitmq-data-node-${node}`, path: `/data/nodes/node-${node}/rabbitmq-data` },
  ];
}

/** Every access point of an environment with `nodes` nodes (1 standalone, 3 HA). */
export function accessPointsFor(nodes: number): AccessPointSpec[] {
  const perNode = Array.from({ length: nodes }, (_, i) => nodeData(i + 1)).flat();
  return [...perNode, ...SHARED, ...(nodes > 1 ? [HA_SHARED_ACCESS_POINT] : [])];
}

/** Access-point key behind each EFS-backed volume of node `node`'s task. */
export function volumeAccessPointKeys(node: number, ha: boolean): Record<string, string> {
  const [mongo, rabbitmq] = nodeData(node);
  return {
    [VOLUMES.mongoData]: mongo.key,
    [VOLUMES.rabbitmqData]: rabbitmq.key,
    ...Object.fromEntries(Object.entries(SHARED_BY_VOLUME).map(([volume, accessPoint]) => [volume, accessPoint.key])),
    ...(ha ? { [VOLUMES.haShared]: HA_SHARED_ACCESS_POINT.key } : {}),
  };
}
