/**
 * Mount points inside other mounts. The container runtime mounts a
 * container's volumes parents first and creates each mount point inside
 * what is already mounted; inside a read-only mount it cannot, and the task
 * stops before the container runs (runc: "mkdir ...: read-only file system").
 * So every mount point below a read-only mount must already exist: in a
 * task-local volume the init container makes it (it mounts every task-local
 * volume and runs before the others); below a read-only EFS mount nothing can
 * make it, and building such a task is refused.
 */
import { VolumeName } from "../../releases";
import { EFS_VOLUMES } from "../../storage/data-layout";
import { ContainerDefinition } from "./task-spec";

/** A mount point the runtime must find inside another container mount. */
export interface NestedMountPoint {
  /** The container. */
  readonly container: string;
  /** The volume mounted around it. */
  readonly parentVolume: VolumeName;
  /** Where that volume is mounted in the container. */
  readonly parentPath: string;
  /** Whether that mount is read-only. */
  readonly parentReadOnly: boolean;
  /** The mount point, relative to the parent mount. */
  readonly relativePath: string;
}

const clean = (path: string) => path.replace(/\/+$/, "");

/** Every mount point that lies inside another mount of the same container (the deepest enclosing one). */
export function nestedMountPoints(containers: readonly ContainerDefinition[]): NestedMountPoint[] {
  const found: NestedMountPoint[] = [];
  for (const container of containers) {
    for (const mount of container.mountPoints) {
      const path = clean(mount.containerPath);
      const parents = container.mountPoints.filter((other) => other !== mount && path.startsWith(`${clean(other.containerPath)}/`));
      if (parents.length === 0) continue;
      const parent = parents.reduce((a, b) => (clean(b.containerPath).length > clean(a.containerPath).length ? b : a));
      found.push({
        container: container.name,
        parentVolume: parent.sourceVolume as VolumeName,
        parentPath: clean(parent.containerPath),
        parentReadOnly: parent.readOnly,
        relativePath: path.slice(clean(parent.containerPath).length + 1),
      });
    }
  }
  return found;
}

/** Whether a volume lives only as long as the task (not on EFS). */
export function isTaskLocal(volume: VolumeName): boolean {
  return !EFS_VOLUMES.includes(volume);
}

/**
 * The directories the init container must make, relative to each task-local
 * volume; throws for a mount point below a read-only EFS mount.
 */
export function mountPointsToMake(containers: readonly ContainerDefinition[]): Map<VolumeName, string[]> {
  const byVolume = new Map<VolumeName, string[]>();
  for (const nested of nestedMountPoints(containers)) {
    if (!nested.parentReadOnly) continue;
    if (!isTaskLocal(nested.parentVolume)) {
      throw new Error(
        `container ${nested.container} mounts ${nested.parentPath}/${nested.relativePath} inside the read-only EFS volume ${nested.parentVolume}: nothing can make that mount point; mount the parent read-write or move the mount`,
      );
    }
    const list = byVolume.get(nested.parentVolume) ?? [];
    if (!list.includes(nested.relativePath)) list.push(nested.relativePath);
    byVolume.set(nested.parentVolume, list);
  }
  return byVolume;
}
