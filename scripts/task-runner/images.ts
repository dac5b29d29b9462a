/**
 * The images the task runner runs in place of the ones a task definition
 * names, which cannot be pulled here. Each is a root file system assembled
 * from this machine's Debian userland (bash, coreutils, openssl, Node, curl,
 * Erlang and RabbitMQ under /usr, bound read-only) and a /usr/local of its
 * own with what the image adds, plus the image's configuration (user,
 * working directory, entry point, command, variables):
 * - rabbitmq: Debian's real rabbitmq-server (3.10), with an entrypoint that
 *   adapts CE 6's 4.2 settings as the README of stand-ins/ says;
 * - mongodb: strict stand-ins for mongod and mongosh and the image's
 *   first-start entrypoint (stand-ins/);
 * - core and ui: strict stand-ins for CE's core and UI, and the core image's
 *   built-in plugins and repositories for core-init to copy;
 * - generic: the userland alone (any other image, e.g. the Defender updater:
 *   enough to create its container with its mounts and user).
 * An image's kind is read from its name (`core6-6.1.0`, `mongo:7.0.16`, ...);
 * a reference by digest alone names no kind (CE's four images share one
 * repository), and then the container's role in the task decides.
 */
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What an image stands in for. */
export type ImageKind = "core" | "ui" | "mongodb" | "rabbitmq" | "generic";

/** An image's root file system and configuration. */
export interface ImageConfig {
  readonly kind: ImageKind;
  /** The root file system to copy for each container. */
  readonly rootfs: string;
  /** The image's /usr/local, bound read-only. */
  readonly local: string;
  /** Variables the image sets (the container's own win). */
  readonly env: Readonly<Record<string, string>>;
  /** The image's default user. */
  readonly user: { readonly uid: number; readonly gid: number };
  readonly workingDir: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
}

const STAND_INS = join(__dirname, "stand-ins");
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** CE's images run their services as uid/gid 1001 (ce6-contract §2.4). */
const CE_UID = 1001;

/** The image each container of a Cloud Exchange task runs, for references that name no kind. */
const KIND_OF_CONTAINER: Readonly<Record<string, ImageKind>> = {
  init: "rabbitmq",
  rabbitmq: "rabbitmq",
  mongodb: "mongodb",
  "replica-set-init": "mongodb",
  core: "core",
  "core-init": "core",
  ui: "ui",
};

/** The kind of image a reference names, or, for a reference by digest alone, the kind its container runs. */
export function imageKindOf(image: string, container = ""): ImageKind {
  const name = image.split("@")[0].split("/").pop()!.toLowerCase();
  const tagged = name.includes(":");
  if (/rabbitmq/.test(name)) return "rabbitmq";
  if (/mongo/.test(name) && (tagged || !/cloudexchange/.test(name))) return "mongodb";
  if (/(^|[:-])core\d?[-:]/.test(name)) return "core";
  if (/(^|[:-])ui\d?[-:]/.test(name)) return "ui";
  if (!tagged) return container.startsWith("mongodb-fcv-") ? "mongodb" : (KIND_OF_CONTAINER[container] ?? "generic");
  return "generic";
}

/** MONGO_VERSION of a MongoDB image, from its tag: its last x.y.z (or x.y). */
export function mongoVersionOf(image: string): string {
  const tag = image.includes("@") ? image.split("@")[0] : image;
  const versions = [...tag.matchAll(/(\d+)\.(\d+)(?:\.(\d+))?/g)];
  const last = versions[versions.length - 1];
  return last ? `${last[1]}.${last[2]}.${last[3] ?? "0"}` : "8.0.0";
}

function write(path: string, text: string, mode = 0o644, owner?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
  if (owner !== undefined) chownSync(path, owner, owner);
}

function dir(path: string, mode = 0o755, owner?: number): void {
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
  if (owner !== undefined) chownSync(path, owner, owner);
}

/** The userland every image shares: merged-/usr links, the usual directories, a minimal /etc. */
function baseRootfs(root: string, users: readonly [string, number, string][]): void {
  dir(root);
  for (const [link, target] of [["bin", "usr/bin"], ["lib", "usr/lib"], ["lib64", "usr/lib64"], ["sbin", "usr/sbin"]]) symlinkSync(target, join(root, link));
  for (const d of ["usr", "proc", "sys", "dev", "run", "opt", "home", "mnt", "data", "var/lib", "etc/ssl/certs"]) dir(join(root, d));
  for (const d of ["tmp", "var/tmp"]) dir(join(root, d), 0o1777);
  dir(join(root, "root"), 0o700);
  write(join(root, "etc/passwd"), ["root:x:0:0:root:/root:/bin/bash", ...users.map(([name, uid, home]) => `${name}:x:${uid}:${uid}::${home}:/bin/bash`), "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin", ""].join("\n"));
  write(join(root, "etc/group"), ["root:x:0:", ...users.map(([name, uid]) => `${name}:x:${uid}:`), "nogroup:x:65534:", ""].join("\n"));
  write(join(root, "etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
  write(join(root, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n");
  write(join(root, "etc/resolv.conf"), "");
  // The dynamic linker's cache and OpenSSL's default configuration belong to the userland, not to an application.
  copyFileSync("/etc/ld.so.cache", join(root, "etc/ld.so.cache"));
  if (existsSync("/etc/ssl/openssl.cnf")) copyFileSync("/etc/ssl/openssl.cnf", join(root, "etc/ssl/openssl.cnf"));
}

/** A /usr/local with the stand-in programs `programs` (name -> stand-in file) and their shared modules. */
function localWith(local: string, programs: Readonly<Record<string, string>>, modules: readonly string[]): void {
  const lib = join(local, "lib", "ce-stand-ins");
  dir(lib);
  for (const file of modules) copyFileSync(join(STAND_INS, file), join(lib, file));
  dir(join(local, "bin"));
  for (const [name, file] of Object.entries(programs)) {
    if (file.endsWith(".sh")) write(join(local, "bin", name), `#!/bin/bash\nexec /bin/bash ${join("/usr/local/lib/ce-stand-ins", file)} "$@"\n`, 0o755);
    else write(join(local, "bin", name), `#!/bin/sh\nexec node ${join("/usr/local/lib/ce-stand-ins", file)} "$@"\n`, 0o755);
  }
}

/** Builds the images of one runner under `directory`, each on first use. */
export class ImageStore {
  private readonly built = new Map<string, ImageConfig>();

  constructor(private readonly directory: string) {}

  /** The image that stands in for `image`, run by the container `container`. */
  imageFor(image: string, container: string): ImageConfig {
    const kind = imageKindOf(image, container);
    const key = kind === "mongodb" ? `mongodb-${mongoVersionOf(image)}` : kind;
    let config = this.built.get(key);
    if (!config) {
      config = this.build(kind, join(this.directory, key), image);
      this.built.set(key, config);
    }
    return config;
  }

  private build(kind: ImageKind, at: string, image: string): ImageConfig {
    const rootfs = join(at, "rootfs");
    const local = join(at, "local");
    dir(local);
    const base = { kind, rootfs, local, env: { PATH }, user: { uid: 0, gid: 0 }, workingDir: "/", entrypoint: [] as string[], cmd: ["/bin/sh"] };
    switch (kind) {
      case "rabbitmq": {
        baseRootfs(rootfs, [["rabbitmq", CE_UID, "/var/lib/rabbitmq"]]);
        dir(join(rootfs, "var/lib/rabbitmq"), 0o755, CE_UID);
        dir(join(rootfs, "var/log/rabbitmq"), 0o755, CE_UID);
        write(join(rootfs, "etc/rabbitmq/conf.d/10-defaults.conf"), "loopback_users.guest = false\nlog.console = true\n");
        write(join(rootfs, "etc/rabbitmq/enabled_plugins"), "[rabbitmq_management].\n");
        localWith(local, { "docker-entrypoint.sh": "rabbitmq-docker-entrypoint.sh" }, ["rabbitmq-docker-entrypoint.sh"]);
        return {
          ...base,
          env: { PATH: `/usr/lib/rabbitmq/bin:${PATH}`, HOME: "/var/lib/rabbitmq", ERL_CRASH_DUMP: "/tmp/erl_crash.dump" },
          workingDir: "/var/lib/rabbitmq",
          entrypoint: ["docker-entrypoint.sh"],
          cmd: ["rabbitmq-server"],
        };
      }
      case "mongodb": {
        baseRootfs(rootfs, [["mongodb", CE_UID, "/data/db"]]);
        for (const d of ["data/db", "data/configdb"]) dir(join(rootfs, d), 0o755, CE_UID);
        dir(join(rootfs, "docker-entrypoint-initdb.d"));
        localWith(
          local,
          { "docker-entrypoint.sh": "mongo-docker-entrypoint.sh", mongod: "mongod.cjs", mongosh: "mongosh.cjs" },
          ["mongo-docker-entrypoint.sh", "mongod.cjs", "mongosh.cjs", "mongo-request.cjs", "mongo-wire.cjs"],
        );
        return { ...base, env: { PATH, HOME: "/data/db", MONGO_VERSION: mongoVersionOf(image) }, entrypoint: ["docker-entrypoint.sh"], cmd: ["mongod"] };
      }
      case "core": {
        baseRootfs(rootfs, [["cloudexchange", CE_UID, "/opt/netskope"]]);
        write(join(rootfs, "opt/netskope/plugins/netskope_example/main.py"), "# a built-in plugin of the core image\n");
        write(join(rootfs, "opt/netskope/repos/default/README"), "the built-in plugin repository\n");
        for (const d of ["opt/certs", "etc/files-data", "var/lib/rabbitmq"]) dir(join(rootfs, d));
        write(join(rootfs, "opt/start.sh"), "#!/bin/sh\nexec node /usr/local/lib/ce-stand-ins/core.cjs \"$@\"\n", 0o755);
        localWith(local, {}, ["core.cjs", "mongo-wire.cjs"]);
        cpSync(join(__dirname, "..", "..", "node_modules", "amqplib"), join(local, "lib", "ce-stand-ins", "node_modules", "amqplib"), { recursive: true });
        dir(join(local, "share/ca-certificates"));
        return { ...base, user: { uid: CE_UID, gid: CE_UID }, workingDir: "/opt/netskope", cmd: ["/opt/start.sh"] };
      }
      case "ui": {
        baseRootfs(rootfs, [["cloudexchange", CE_UID, "/opt/ui"]]);
        write(join(rootfs, "opt/ui/start.sh"), "#!/bin/sh\nexec node /usr/local/lib/ce-stand-ins/ui.cjs \"$@\"\n", 0o755);
        localWith(local, {}, ["ui.cjs"]);
        return { ...base, user: { uid: CE_UID, gid: CE_UID }, workingDir: "/opt/ui", cmd: ["./start.sh"] };
      }
      default:
        baseRootfs(rootfs, []);
        return base;
    }
  }
}
