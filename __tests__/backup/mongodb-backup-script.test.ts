/**
 * The logical backup's script (modules/backup/scripts/mongodb-backup.sh),
 * run for real with bash against a stand-in mongodump that records its
 * arguments and the configuration file it was given, and writes an archive
 * or fails: a whole dump is renamed into place and the newest ones kept; a
 * failed or empty dump leaves the previous dumps alone and exits non-zero;
 * the password reaches mongodump only in a file that is gone afterwards;
 * every run ends with the JSON report the alarms count, which the alarms'
 * filter patterns select.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DUMP_REPORT_FILTERS } from "../../modules/backup/backup-alarms";
import { mongodbBackupScript } from "../../modules/backup/mongodb-backup-container";

/** mongodump: records its arguments and a copy of its --config file, then writes the archive (FAKE_DUMP=ok), nothing (empty) or fails (fail). */
const FAKE_MONGODUMP = `#!/bin/bash
echo "$*" >> "$CE_CALLS"
for a in "$@"; do case "$a" in --config=*) cp "\${a#--config=}" "$CE_DIR/config-seen.yaml" ;; --archive=*) archive="\${a#--archive=}" ;; esac; done
case "\${FAKE_DUMP:-ok}" in
  ok) printf 'archive-bytes' > "$archive" ;;
  empty) : > "$archive" ;;
  fail) echo "Failed: connection() error occurred during connection handshake" >&2; exit 1 ;;
esac
`;

/** Whether a CloudWatch Logs JSON filter of the form { ($.a = "x") && ($.b = 1) } selects a JSON line. */
function selects(pattern: string, line: string): boolean {
  const event = JSON.parse(line) as Record<string, unknown>;
  const terms = [...pattern.matchAll(/\$\.(\w+) = ("([^"]*)"|(\d+))/g)];
  if (terms.length === 0) throw new Error(`no terms in ${pattern}`);
  return terms.every(([, field, , text, number]) => (text !== undefined ? event[field] === text : event[field] === Number(number)));
}

describe("the logical backup script", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-mongodump-"));
    for (const sub of ["bin", "backups", "tmp"]) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, "bin", "mongodump"), FAKE_MONGODUMP);
    chmodSync(join(dir, "bin", "mongodump"), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const PASSWORD = 'pw "with" \\ quotes\nand a newline';
  const URI = "mongodb://ce-backup@node-1.test.cloudexchange.internal:27017/?authSource=admin&tls=true";
  const run = (scenario: Record<string, string> = {}) => {
    const result = spawnSync("bash", ["-c", mongodbBackupScript(), "mongodb-backup"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: `${join(dir, "bin")}:${process.env.PATH}`,
        CE_CALLS: join(dir, "calls"),
        CE_DIR: dir,
        CE_BACKUP_DIR: join(dir, "backups"),
        CE_BACKUP_URI: URI,
        CE_BACKUP_KEEP: "2",
        TMPDIR: join(dir, "tmp"),
        MONGO_BACKUP_PASSWORD: PASSWORD,
        ...scenario,
      },
    });
    const report = result.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    return { ...result, report, lines: result.stdout.split("\n").filter((l) => l.startsWith("{")), calls: existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8") : "" };
  };
  const dumps = () => readdirSync(join(dir, "backups")).sort();

  it("writes a whole gzip archive of every database under its final name, reports it, and leaves no password file behind", () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(dumps()).toEqual([expect.stringMatching(/^mongodb-\d{8}T\d{6}Z\.archive\.gz$/)]);
    expect(readFileSync(join(dir, "backups", dumps()[0]), "utf8")).toBe("archive-bytes");
    expect(result.calls).toMatch(new RegExp(`^--uri=${URI.replace(/[?.]/g, "\\$&")} --config=\\S+ --archive=\\S+/\\.partial-mongodb-\\S+ --gzip\\n$`));
    expect(result.report).toEqual([{ event: "ce-mongodb-backup", ok: 1, archive: dumps()[0], bytes: 13, seconds: expect.any(Number) }]);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  it("gives mongodump the password only in its configuration file, as data, never on a command line or in the log", () => {
    const result = run();
    expect(readFileSync(join(dir, "config-seen.yaml"), "utf8")).toBe(`password: ${JSON.stringify(PASSWORD)}\n`);
    expect(result.calls + result.stdout + result.stderr).not.toContain("quotes");
  });

  it("reads the oplog too in HA (one moment across the replica set)", () => {
    run({ CE_BACKUP_OPLOG: "true" });
    expect(readFileSync(join(dir, "calls"), "utf8").trim().endsWith("--gzip --oplog")).toBe(true);
  });

  it("keeps the newest dumps and removes the older ones (the recovery points keep those)", () => {
    for (const stamp of ["20250101T030000Z", "20250102T030000Z", "20250103T030000Z"]) writeFileSync(join(dir, "backups", `mongodb-${stamp}.archive.gz`), "old");
    writeFileSync(join(dir, "backups", "notes.txt"), "not a dump");
    expect(run().status).toBe(0);
    const [older, newest, notes] = dumps();
    expect([older, notes]).toEqual(["mongodb-20250103T030000Z.archive.gz", "notes.txt"]);
    expect(newest).toMatch(/^mongodb-\d{8}T\d{6}Z\.archive\.gz$/);
    expect(newest > older).toBe(true);
  });

  it.each(["fail", "empty"])("keeps the previous dumps, removes its partial file and fails when mongodump fails or writes nothing (%s)", (scenario) => {
    writeFileSync(join(dir, "backups", "mongodb-20250101T030000Z.archive.gz"), "old");
    const result = run({ FAKE_DUMP: scenario });
    expect(result.status).toBe(1);
    expect(dumps()).toEqual(["mongodb-20250101T030000Z.archive.gz"]);
    expect(result.report).toEqual([{ event: "ce-mongodb-backup", ok: 0, archive: "", bytes: 0, seconds: expect.any(Number) }]);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  it("reports in the form the alarms select: a success only by the success filter, a failure only by the failure filter", () => {
    const ok = run().lines[0];
    const failed = run({ FAKE_DUMP: "fail" }).lines[0];
    expect([selects(DUMP_REPORT_FILTERS.succeeded, ok), selects(DUMP_REPORT_FILTERS.failed, ok)]).toEqual([true, false]);
    expect([selects(DUMP_REPORT_FILTERS.succeeded, failed), selects(DUMP_REPORT_FILTERS.failed, failed)]).toEqual([false, true]);
  });
});
