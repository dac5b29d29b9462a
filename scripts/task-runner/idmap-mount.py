#!/usr/bin/env python3
"""Makes an idmapped bind mount: `idmap-mount.py SOURCE TARGET DISK_UID CONTAINER_UID DISK_GID CONTAINER_GID`.

Through TARGET, files SOURCE holds as DISK_UID:DISK_GID appear as CONTAINER_UID:CONTAINER_GID, and
whatever CONTAINER_UID creates is stored as DISK_UID: the way an EFS access point with a POSIX user
makes every request of a client the access point's user, whatever the client's own uid. The task
runner makes one for each container whose user differs from the access point's (Linux 5.12+,
mount_setattr with MOUNT_ATTR_IDMAP; runs as root). The user namespace that carries the mapping is
held by a short-lived `unshare --user` process and gone when this ends; the mount keeps the mapping.
"""
import ctypes
import os
import subprocess
import sys
import time

SYS_OPEN_TREE, SYS_MOVE_MOUNT, SYS_MOUNT_SETATTR = 428, 429, 442
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 1, 0o2000000
AT_FDCWD, AT_EMPTY_PATH, AT_RECURSIVE = -100, 0x1000, 0x8000
MOUNT_ATTR_IDMAP, MOVE_MOUNT_F_EMPTY_PATH = 0x00100000, 4


class MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64), ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def fail(what):
    errno = ctypes.get_errno()
    sys.stderr.write(f"idmap-mount: {what} failed: {os.strerror(errno)}\n")
    sys.exit(1)


def main():
    source, target, disk_uid, container_uid, disk_gid, container_gid = sys.argv[1:7]
    libc = ctypes.CDLL(None, use_errno=True)
    holder = subprocess.Popen(["unshare", "--user", "sleep", "30"])
    try:
        # Wait until the child runs in its own user namespace, then give that namespace the mapping.
        own = os.readlink("/proc/self/ns/user")
        deadline = time.monotonic() + 10
        while True:
            try:
                if os.readlink(f"/proc/{holder.pid}/ns/user") != own:
                    break
            except FileNotFoundError:
                pass
            if time.monotonic() > deadline:
                sys.stderr.write("idmap-mount: the user namespace holder did not start in 10 s\n")
                sys.exit(1)
            time.sleep(0.005)
        with open(f"/proc/{holder.pid}/uid_map", "w") as f:
            f.write(f"{disk_uid} {container_uid} 1\n")
        with open(f"/proc/{holder.pid}/setgroups", "w") as f:
            f.write("deny")
        with open(f"/proc/{holder.pid}/gid_map", "w") as f:
            f.write(f"{disk_gid} {container_gid} 1\n")
        userns = os.open(f"/proc/{holder.pid}/ns/user", os.O_RDONLY)
        tree = libc.syscall(SYS_OPEN_TREE, AT_FDCWD, source.encode(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)
        if tree < 0:
            fail("open_tree")
        attr = MountAttr(MOUNT_ATTR_IDMAP, 0, 0, userns)
        if libc.syscall(SYS_MOUNT_SETATTR, tree, b"", AT_EMPTY_PATH, ctypes.byref(attr), ctypes.sizeof(attr)) < 0:
            fail("mount_setattr")
        if libc.syscall(SYS_MOVE_MOUNT, tree, b"", AT_FDCWD, target.encode(), MOVE_MOUNT_F_EMPTY_PATH) < 0:
            fail("move_mount")
    finally:
        holder.kill()
        holder.wait()


main()
