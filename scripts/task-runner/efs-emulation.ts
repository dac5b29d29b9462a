/**
 * EFS as the task runner gives it: one host directory per file system, an
 * access point a directory in it at its root path, created (when missing)
 * with the access point's owner and permissions, as EFS creates it on first
 * use. Through an access point every request runs as its POSIX user: a
 * container whose own user differs gets an idmapped mount (idmap-mount.py)
 * in which its uid stands for the access point's, so what it writes is owned
 * by the access point's user and it may do what that user may. Nested
 * access points share the tree, as on EFS (the internal certificates are a
 * subdirectory of the UI certificate's directory).
 *
 * Not emulated: TLS and IAM on the mount (the file system policy), quotas.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AccessPointModel } from "./task-model";

const IDMAP_HELPER = join(__dirname, "idmap-mount.py");

/** The file systems of one runner, and the idmapped mounts it made. */
export class EfsEmulation {
  private readonly roots = new Map<string, string>();
  private readonly mounts: string[] = [];
  private next = 0;

  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  /** The host directory of a file system (made on first use). */
  fileSystemRoot(fileSystem: string): string {
    let root = this.roots.get(fileSystem);
    if (!root) {
      root = join(this.directory, `fs-${this.roots.size + 1}`);
      mkdirSync(root, { recursive: true, mode: 0o755 });
      this.roots.set(fileSystem, root);
    }
    return root;
  }

  /** The access point's directory, created as EFS creates it (owner and permissions of its creation info). */
  accessPointDirectory(accessPoint: AccessPointModel): string {
    let path = this.fileSystemRoot(accessPoint.fileSystem);
    for (const part of accessPoint.rootPath.split("/").filter(Boolean)) {
      path = join(path, part);
      if (existsSync(path)) continue;
      mkdirSync(path);
      chownSync(path, accessPoint.creation.uid, accessPoint.creation.gid);
      chmodSync(path, accessPoint.creation.permissions);
    }
    return path;
  }

  /**
   * What to bind into a container running as `uid:gid`: the directory
   * itself when that is the access point's user, else an idmapped mount of it.
   */
  mountSource(accessPoint: AccessPointModel, uid: number, gid: number): string {
    const directory = this.accessPointDirectory(accessPoint);
    if (uid === accessPoint.posixUser.uid && gid === accessPoint.posixUser.gid) return directory;
    const target = join(this.directory, `idmapped-${++this.next}`);
    mkdirSync(target);
    execFileSync("python3", [IDMAP_HELPER, directory, target, String(accessPoint.posixUser.uid), String(uid), String(accessPoint.posixUser.gid), String(gid)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.mounts.push(target);
    return target;
  }

  /** Unmounts every idmapped mount. */
  unmount(): void {
    for (const target of this.mounts.splice(0)) {
      try {
        execFileSync("umount", ["-l", target], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
  }
}
