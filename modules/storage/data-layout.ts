/**
 * Where Cloud Exchange's data lives on the file system, and which access
 * point backs which task volume, per release. Node 1 of the HA variant uses
 * the standalone paths and access-point keys, so moving an environment from
 * standalone to HA keeps its data as node 1's, in place; the keys the CE 5.0
 * layout had keep their paths, so an upgrade to 6.x finds MongoDB's data,
 * the plugins and the repositories where they were. RabbitMQ 4 gets a new,
 * empty directory (3.x data cannot be opened by it); the old one stays on the
 * file system until the operator deletes it.
 */
import { CloudExchangeRelease, VolumeName } from "../releases";
import { AccessPointSpec } from "./file-system";

/** Task volumes backed by EFS; the others are task-local (written by the init container). */
export const EFS_VOLUMES: readonly VolumeName[] = [
  "mongo-data",
  "rabbitmq-data",
  "plugins",
  "custom-plugins",
  "repos",
  "ui-certificate",
  "internal-certs",
  "internal-ca",
  "files-data",
  "ha-shared",
];

/**
 * Access points every node shares, by the task volume they back. The keys
 * are Terraform addresses: never rename one. `custom-plugins` is the
 * official template's name for the directory that holds every plugin; CE 6
 * mounts its `custom_plugins` subdirectory separately.
 */
const SHARED_BY_VOLUME: Readonly<Partial<Record<VolumeName, AccessPointSpec>>> = {
  plugins: { key: "custom-plugins", path: "/data/custom_plugins" },
  "custom-plugins": { key: "custom-plugins-subdir", path: "/data/custom_plugins/custom_plugins" },
  repos: { key: "repos", path: "/data/repos" },
  "ui-certificate": { key: "ssl-certs", path: "/data/ssl_certs" },
  "internal-certs": { key: "internal-certs", path: "/data/ssl_certs/mongodb_rabbitmq_certs" },
  "internal-ca": { key: "internal-ca", path: "/data/internal-ca", permissions: "0700" },
  "ha-shared": { key: "ha-shared", path: "/data/ha-shared" },
};

/**
 * Where the logical MongoDB backup writes its dumps: a directory of its own
 * under /data (so the file-level backup takes the dumps into the vault, and
 * a restore moves them back with the rest), behind an access point only the
 * backup task mounts and only the backup role may write through
 * (FileSystem.allowOnlyClients).
 */
export const MONGODB_BACKUPS: AccessPointSpec = { key: "mongodb-backups", path: "/data/backups/mongodb", permissions: "0700" };

/** Per-node data: MongoDB, RabbitMQ and files-data must never share a directory between nodes. */
function nodeData(volume: "mongo-data" | "rabbitmq-data" | "files-data", node: number, release: CloudExchangeRelease): AccessPointSpec {
  const directory = volume === "mongo-data" ? "mongo-data" : volume === "rabbitmq-data" ? release.rabbitmq.dataDirectory : "files-data";
  const within = volume === "mongo-data" ? "/data/db" : "";
  if (node === 1) return { key: directory, path: `/data/${directory}${within}` };
  return { key: `${directory}-node-${node}`, path: `/data/nodes/node-${node}/${directory}${within}` };
}

/** The EFS volumes a release's task mounts. */
export function efsVolumesOf(release: CloudExchangeRelease, ha: boolean): VolumeName[] {
  const used = new Set<VolumeName>(["mongo-data", "rabbitmq-data", "plugins", "repos", "ui-certificate"]);
  for (const m of [...release.core.mounts, ...release.ui.mounts, ...release.mongodb.mounts]) used.add(m.volume);
  if (release.tls) ["internal-certs", "internal-ca"].forEach((v) => used.add(v as VolumeName));
  if (ha) used.add("ha-shared");
  return EFS_VOLUMES.filter((v) => used.has(v));
}

/** The access point backing each EFS volume of node `node`'s task. */
export function nodeAccessPoints(node: number, ha: boolean, release: CloudExchangeRelease): Partial<Record<VolumeName, AccessPointSpec>> {
  return Object.fromEntries(
    efsVolumesOf(release, ha).map((volume) => [
      volume,
      volume === "mongo-data" || volume === "rabbitmq-data" || volume === "files-data" ? nodeData(volume, node, release) : SHARED_BY_VOLUME[volume]!,
    ]),
  );
}

/** Every access point of an environment with `nodes` nodes (1 standalone, 3 HA), each once. */
export function accessPointsFor(nodes: number, release: CloudExchangeRelease): AccessPointSpec[] {
  const byKey = new Map<string, AccessPointSpec>();
  for (let n = 1; n <= nodes; n++) {
    for (const spec of Object.values(nodeAccessPoints(n, nodes > 1, release))) byKey.set(spec!.key, spec!);
  }
  return [...byKey.values()];
}

/** Access-point key behind each EFS-backed volume of node `node`'s task. */
export function volumeAccessPointKeys(node: number, ha: boolean, release: CloudExchangeRelease): Record<string, string> {
  return Object.fromEntries(Object.entries(nodeAccessPoints(node, ha, release)).map(([volume, spec]) => [volume, spec!.key]));
}
