/**
 * The restore helper (modules/restore/scripts/restore-helper.sh), run for
 * real with bash on a directory laid out as a restored file system: the move
 * puts the newest restore directory's data at the root, keeping what was
 * there; the load (against stand-ins for mongod, mongosh and mongorestore,
 * since MongoDB cannot be installed here) loads the newest dump into a fresh
 * directory of node 1, with its oplog in HA, where the other nodes' data and
 * the replica set's initiation marker are set aside so the set forms again.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restoreHelperScript } from "../../modules/restore/restore-helper-task";

const write = (path: string, text: string) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
};

describe("the restore helper", () => {
  let dir: string;
  let efs: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-restore-helper-"));
    efs = join(dir, "efs");
    mkdirSync(efs);
    mkdirSync(join(dir, "bin"));
    // mongod: --fork starts (records), --shutdown stops; mongosh answers the ping; mongorestore records and succeeds unless told.
    writeFileSync(join(dir, "bin", "mongod"), `#!/bin/bash\necho "mongod $*" >> "${join(dir, "calls")}"\n`);
    writeFileSync(join(dir, "bin", "mongosh"), `#!/bin/bash\nexit 0\n`);
    writeFileSync(join(dir, "bin", "mongorestore"), `#!/bin/bash\necho "mongorestore $*" >> "${join(dir, "calls")}"\n[ "\${FAKE_RESTORE:-ok}" = ok ]\n`);
    for (const tool of ["mongod", "mongosh", "mongorestore"]) chmodSync(join(dir, "bin", tool), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (mode: string, extra: Record<string, string> = {}) => {
    const result = spawnSync("bash", ["-c", restoreHelperScript(), "restore-helper", mode], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, CE_RESTORE_ROOT: efs, TMPDIR: dir, ...extra },
    });
    const report = result.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    return { ...result, report, calls: existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8") : "" };
  };

  describe("move", () => {
    it("puts the newest restore directory's data at the root, where the access points look, and keeps what was there", () => {
      write(join(efs, "aws-backup-restore_2026-11-28T03-00-00-000Z", "data", "mongo-data", "data", "db", "collection-1.wt"), "older");
      write(join(efs, "aws-backup-restore_2026-11-29T03-00-00-000Z", "data", "mongo-data", "data", "db", "collection-1.wt"), "newest");
      write(join(efs, "data", "mongo-data", "data", "db", "collection-1.wt"), "what was there");
      const result = run("move");
      expect(result.status).toBe(0);
      expect(readFileSync(join(efs, "data", "mongo-data", "data", "db", "collection-1.wt"), "utf8")).toBe("newest");
      const aside = readdirSync(efs).find((name) => name.startsWith("data.before-restore-"))!;
      expect(readFileSync(join(efs, aside, "mongo-data", "data", "db", "collection-1.wt"), "utf8")).toBe("what was there");
      expect(readdirSync(efs).sort()).toEqual(["aws-backup-restore_2026-11-28T03-00-00-000Z", "data", aside].sort());
      expect(result.report).toEqual([{ event: "ce-restore", mode: "move", ok: 1 }]);
    });

    it("fails when nothing was restored, or the restore holds no Cloud Exchange data, and changes nothing", () => {
      write(join(efs, "data", "repos", "x"), "kept");
      const nothing = run("move");
      expect(nothing.status).toBe(1);
      expect(nothing.stdout).toContain("no aws-backup-restore_* directory at the root of the file system");
      write(join(efs, "aws-backup-restore_2026-11-29T03-00-00-000Z", "other", "x"), "");
      const foreign = run("move");
      expect(foreign.status).toBe(1);
      expect(foreign.stdout).toContain("holds no data directory");
      expect(readFileSync(join(efs, "data", "repos", "x"), "utf8")).toBe("kept");
      expect(foreign.report).toEqual([{ event: "ce-restore", mode: "move", ok: 0 }]);
    });
  });

  describe("load", () => {
    let dumps: string;
    beforeEach(() => {
      dumps = join(efs, "data", "backups", "mongodb");
    });

    it("loads the newest dump into a fresh directory of node 1 with a private mongod, keeping the old directory", () => {
      write(join(dumps, "mongodb-20261128T023000Z.archive.gz"), "older");
      write(join(dumps, "mongodb-20261129T023000Z.archive.gz"), "newest");
      write(join(efs, "data", "mongo-data", "data", "db", "WiredTiger"), "damaged");
      const result = run("load");
      expect({ status: result.status, stdout: result.stdout }).toMatchObject({ status: 0 });
      const db = join(efs, "data", "mongo-data", "data", "db");
      expect(readdirSync(db)).toEqual([]);
      const aside = readdirSync(join(efs, "data", "mongo-data", "data")).find((n) => n.startsWith("db.before-load-"))!;
      expect(readFileSync(join(efs, "data", "mongo-data", "data", aside, "WiredTiger"), "utf8")).toBe("damaged");
      const lines = result.calls.trim().split("\n");
      expect(lines[0]).toBe(`mongod --dbpath ${db} --bind_ip 127.0.0.1 --port 27017 --fork --logpath ${join(dir, "restore-mongod.log")}`);
      expect(lines[1]).toBe(`mongorestore --archive=${join(dumps, "mongodb-20261129T023000Z.archive.gz")} --gzip --drop`);
      expect(lines[2]).toBe(`mongod --dbpath ${db} --shutdown`);
      expect(result.report).toEqual([{ event: "ce-restore", mode: "load", ok: 1 }]);
    });

    it("in HA replays the dump's oplog and sets the other nodes' data and the set's marker aside, so node 1 initiates and the others copy it", () => {
      write(join(dumps, "mongodb-20261129T023000Z.archive.gz"), "dump");
      for (const n of [2, 3]) write(join(efs, "data", "nodes", `node-${n}`, "mongo-data", "data", "db", "WiredTiger"), "stale");
      write(join(efs, "data", "ha-shared", "replica-set-initiated"), "2026-01-01");
      const result = run("load", { CE_RESTORE_HA: "true" });
      expect(result.status).toBe(0);
      expect(result.calls).toContain("--gzip --drop --oplogReplay");
      for (const n of [2, 3]) expect(readdirSync(join(efs, "data", "nodes", `node-${n}`, "mongo-data", "data", "db"))).toEqual([]);
      expect(existsSync(join(efs, "data", "ha-shared", "replica-set-initiated"))).toBe(false);
      expect(readdirSync(join(efs, "data", "ha-shared")).some((n) => n.startsWith("replica-set-initiated.before-load-"))).toBe(true);
    });

    it("fails without a dump, and stops its mongod when mongorestore fails", () => {
      const none = run("load");
      expect(none.status).toBe(1);
      expect(none.stdout).toContain("no logical dump at");
      write(join(dumps, "mongodb-20261129T023000Z.archive.gz"), "dump");
      const failed = run("load", { FAKE_RESTORE: "fails" });
      expect(failed.status).toBe(1);
      expect(failed.stdout).toContain("mongorestore failed");
      expect(failed.calls.trim().split("\n").pop()).toContain("--shutdown");
      expect(failed.report).toEqual([{ event: "ce-restore", mode: "load", ok: 0 }]);
    });
  });
});
