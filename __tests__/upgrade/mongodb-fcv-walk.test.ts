/**
 * The MongoDB feature-compatibility walk from CE 5.0's data (FCV 5.0) to
 * CE 6.x, run for real step by step as the 6.x task runs it (each step a
 * container that must succeed before the next starts), against stand-ins:
 * MongoDB cannot be installed on the build machine, so `mongod` is a script
 * that refuses data whose FCV its version cannot open (as mongod does, with
 * mongod's message) and answers only while it runs, and `mongosh` runs the step's JavaScript against a
 * pretend server kept in a JSON file (__tests__/support/fake-mongosh.cjs).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mongodbFcvStepScript } from "../../modules/upgrade/data-upgrade";

const FAKE_MONGOSH = join(__dirname, "..", "support", "fake-mongosh.cjs");

/** A stand-in mongod of one version: refuses data it cannot open, else runs until SIGTERM. */
const FAKE_MONGOD = `#!/bin/bash
fcv="$(grep -oE '"fcv":"[0-9.]+"' "$FAKE_MONGOD_STATE" | grep -oE '[0-9]+\\.[0-9]+')"
if awk -v f="$fcv" -v v="$FAKE_MONGOD_VERSION" 'BEGIN { exit !(f > v || f < v - 1.0) }'; then
  echo "UPGRADE PROBLEM: Found an invalid featureCompatibilityVersion document (ERROR: Location4926900: Invalid feature compatibility version value '$fcv')"
  exit 62
fi
echo "$*" >> "$FAKE_MONGOD_ARGS"
trap 'rm -f "$FAKE_MONGOD_UP"; exit 0' TERM
touch "$FAKE_MONGOD_UP"
while :; do sleep 0.05; done
`;

/** The steps of the walk to CE 6.1, in the task's order, with their MongoDB versions. */
const STEPS = [
  { target: "6.0", mongod: "6.0" },
  { target: "7.0", mongod: "7.0" },
];

interface Walk {
  /** Exit status of each step that ran, in order (the walk stops at the first failure). */
  readonly statuses: number[];
  readonly output: string;
  readonly fcv: string;
  readonly marker?: string;
  readonly mongodArgs: string;
  readonly shellArgs: string;
}

describe("MongoDB FCV walk from CE 5.0 to 6.x", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-fcv-"));
    for (const d of ["bin", "db", "upgrade"]) mkdirSync(join(dir, d));
    writeFileSync(join(dir, "bin", "mongod"), FAKE_MONGOD);
    writeFileSync(join(dir, "bin", "mongosh"), `#!/bin/sh\nexec node "${FAKE_MONGOSH}" "$@"\n`);
    chmodSync(join(dir, "bin", "mongod"), 0o755);
    chmodSync(join(dir, "bin", "mongosh"), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const walk = (state: { fcv: string; failSetFcv?: boolean; failSetFcvTo?: string }, options: { data?: boolean; marker?: string; steps?: typeof STEPS } = {}): Walk => {
    writeFileSync(join(dir, "mongod.json"), JSON.stringify({ users: { root: "maintenance-pw" }, ...state }));
    if (options.data !== false) writeFileSync(join(dir, "db", "WiredTiger"), "WiredTiger\n");
    if (options.marker) writeFileSync(join(dir, "upgrade", "mongodb-fcv"), `${options.marker}\n`);
    const statuses: number[] = [];
    let output = "";
    for (const step of options.steps ?? STEPS) {
      const result = spawnSync("bash", ["-c", mongodbFcvStepScript()], {
        encoding: "utf8",
        timeout: 30_000,
        env: {
          PATH: `${join(dir, "bin")}:${process.env.PATH}`,
          FAKE_MONGOD_STATE: join(dir, "mongod.json"),
          FAKE_MONGOD_VERSION: step.mongod,
          FAKE_MONGOD_ARGS: join(dir, "mongod.args"),
          FAKE_MONGOD_UP: join(dir, "mongod.up"),
          FAKE_MONGOSH_LOG: join(dir, "mongosh.args"),
          CE_FCV_TARGET: step.target,
          CE_UPGRADE_MARKER: join(dir, "upgrade", "mongodb-fcv"),
          CE_DB_PATH: join(dir, "db"),
          CE_MONGOD_LOG: join(dir, "mongod.log"),
          CE_START_SECONDS: "20",
          MONGO_ROOT_PASSWORD: "new-root-pw",
          CE_PREVIOUS_ROOT_PASSWORD: "maintenance-pw",
        },
      });
      statuses.push(result.status ?? -1);
      output += result.stdout + result.stderr;
      if (result.status !== 0) break;
    }
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
    return {
      statuses,
      output,
      fcv: JSON.parse(read("mongod.json")).fcv,
      marker: read("upgrade/mongodb-fcv").trim() || undefined,
      mongodArgs: read("mongod.args"),
      shellArgs: read("mongosh.args"),
    };
  };

  it("walks data at FCV 5.0 to 6.0 with MongoDB 6.0, then to 7.0 with MongoDB 7.0 (confirm: true), verified and recorded", () => {
    const result = walk({ fcv: "5.0" });
    expect(result.statuses).toEqual([0, 0]);
    expect(result.fcv).toBe("7.0");
    expect(result.marker).toBe("7.0");
    expect(result.output).toContain("mongodb-upgrade [FCV 6.0]: FCV 5.0 -> 6.0, verified and recorded");
    expect(result.output).toContain("mongodb-upgrade [FCV 7.0]: FCV 6.0 -> 7.0, verified and recorded");
    expect(result.shellArgs).toContain("setFeatureCompatibilityVersion: '7.0', confirm: true");
    // mongod ran on loopback only, on the private port, with access control, on the data directory.
    expect(result.mongodArgs.trim().split("\n")[0]).toBe(`--dbpath ${join(dir, "db")} --port 27018 --bind_ip 127.0.0.1 --auth --wiredTigerCacheSizeGB 1`);
  });

  it("continues data at FCV 6.0 (a walk stopped after its first step) with only the second", () => {
    const result = walk({ fcv: "6.0" });
    expect(result.statuses).toEqual([0, 0]);
    expect(result.output).toContain("mongodb-upgrade [FCV 6.0]: the data is at FCV 6.0 already: recorded");
    expect(result.output).toContain("FCV 6.0 -> 7.0, verified and recorded");
    expect(result.fcv).toBe("7.0");
  });

  it("changes nothing on data at FCV 7.0 that MongoDB 6.0 cannot open, and records it once 7.0 reads it", () => {
    const result = walk({ fcv: "7.0" });
    expect(result.statuses).toEqual([0, 0]);
    expect(result.output).toContain("mongodb-upgrade [FCV 6.0]: the data is at FCV 7.0, newer than this step's mongod can open: nothing to do");
    expect(result.output).toContain("mongodb-upgrade [FCV 7.0]: the data is at FCV 7.0 already: recorded");
    expect(result.fcv).toBe("7.0");
    expect(result.marker).toBe("7.0");
  });

  it("starts no mongod at all once the walk is recorded as done (every later task start)", () => {
    const result = walk({ fcv: "7.0" }, { marker: "7.0" });
    expect(result.statuses).toEqual([0, 0]);
    expect(result.mongodArgs).toBe("");
    expect(result.output).toContain("recorded at FCV 7.0 already: nothing to do");
  });

  it("does nothing on a new installation without data (CE's own mongod creates it at its version)", () => {
    const result = walk({ fcv: "8.0" }, { data: false });
    expect(result.statuses).toEqual([0, 0]);
    expect(result.mongodArgs).toBe("");
    expect(result.marker).toBeUndefined();
  });

  it("stops on a failure mid-way, leaving the data on its last good FCV and the marker there, and resumes from it", () => {
    const failed = walk({ fcv: "5.0", failSetFcvTo: "7.0" });
    expect(failed.statuses).toEqual([0, 3]);
    expect(failed.output).toMatch(/setting FCV 7\.0 failed \(FAILED .*simulated failure while setting the feature compatibility version\); the data stays at FCV 6\.0/);
    expect(failed.fcv).toBe("6.0");
    expect(failed.marker).toBe("6.0");
    // The next start (the cause fixed) skips the first step and runs the second.
    const resumed = walk({ fcv: "6.0" }, { marker: "6.0" });
    expect(resumed.statuses).toEqual([0, 0]);
    expect(resumed.output).toContain("mongodb-upgrade [FCV 6.0]: recorded at FCV 6.0 already: nothing to do");
    expect(resumed.fcv).toBe("7.0");
    expect(resumed.marker).toBe("7.0");
  });

  it("fails the first step on a failure, so the second never runs", () => {
    const result = walk({ fcv: "5.0", failSetFcv: true });
    expect(result.statuses).toEqual([3]);
    expect(result.fcv).toBe("5.0");
    expect(result.marker).toBeUndefined();
  });

  it("refuses data at an FCV the walk does not start from, changing nothing", () => {
    const result = walk({ fcv: "4.4" }, { steps: [{ target: "6.0", mongod: "5.0" }] });
    expect(result.statuses).toEqual([2]);
    expect(result.output).toContain("the data is at FCV 4.4; this step needs 5.0 first: stopping, nothing changed");
    expect(result.fcv).toBe("4.4");
  });

  it("never puts a password on a command line or in its output", () => {
    const result = walk({ fcv: "5.0" });
    expect(result.shellArgs).toContain("process.env.CE_PREVIOUS_ROOT_PASSWORD");
    expect(result.shellArgs + result.mongodArgs + result.output).not.toMatch(/maintenance-pw|new-root-pw/);
  });
});
