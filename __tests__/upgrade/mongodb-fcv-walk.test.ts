/**
 * The MongoDB feature-compatibility walk from CE 5.0's data (FCV 5.0, or 4.4
 * on an older deployment) to CE 6.x, run for real step by step as the 6.x
 * task runs it (each step a container that must succeed before the next
 * starts), against stand-ins: MongoDB cannot be installed on the build
 * machine, so `mongod` is a script that opens only the FCVs its version
 * opens, refuses any other data with the log line that MongoDB version
 * prints, answers only while it runs and stops on SIGTERM (cleanly unless
 * told otherwise), and `mongosh` runs the step's JavaScript against a
 * pretend server kept in a JSON file (__tests__/support/fake-mongosh.cjs).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mongodbFcvStepScript } from "../../modules/upgrade/data-upgrade";

const FAKE_MONGOSH = join(__dirname, "..", "support", "fake-mongosh.cjs");

/** The line every refusal is wrapped in: startup's fatal log entry "Wrong mongod version" (id 20573), quotes escaped as mongod's JSON log escapes them. */
const wrongMongodVersion = (error: string) =>
  `{"t":{"$date":"2024-03-06T17:32:21.846+00:00"},"s":"F",  "c":"CONTROL",  "id":20573,   "ctx":"initandlisten","msg":"Wrong mongod version","attr":{"error":"${error}"}}`;
const document = (compatibility: string) =>
  `Invalid featureCompatibilityVersion document in admin.system.version: { _id: \\"featureCompatibilityVersion\\", version: \\"@FCV@\\" }. See https://docs.mongodb.com/master/release-notes/${compatibility}-compatibility/#feature-compatibility.`;
const upgradeProblem = (reason: string, below: string) =>
  wrongMongodVersion(
    `UPGRADE PROBLEM: Found an invalid featureCompatibilityVersion document (ERROR: ${reason}). If the current featureCompatibilityVersion is below ${below}, see the documentation on upgrading at https://docs.mongodb.com/master/release-notes/${below}/#upgrade-procedures.`,
  );

/**
 * What each mongod prints when the data's FCV is one it cannot open (@FCV@: the data's), as logged by
 * the real servers; the wording of the reason is MongoDB's feature_compatibility_version_parser.cpp:
 * - 5.0: `..., found 4.2, expected '4.4' or '4.9' or '5.0. See ...` (a 5.0.1 log); the context MongoDB
 *   adds before it is not in that log, so it is left out here and the step must read "found".
 * - 6.0: `Invalid feature compatibility version value, expected '5.0' or '5.3' or '6.0. See ...`, no quoted value
 *   (uasserted(4926900, ...) in parseVersion; logs of 6.0.0 and later 6.0 releases).
 * - 7.0 and 8.0: `Invalid feature compatibility version value '4.4'; expected '6.0' or '6.3' or '7.0'. See ...` (logs
 *   of 7.0 and of 8.0, whose set is '7.0' or '7.3' or '8.0').
 * - later: `Invalid feature compatibility version value '4.4'. Expected one of the following versions: ...`
 *   (parseVersion of the current source, src/mongo/db/feature_compatibility_version_parser.cpp).
 */
const REFUSALS = {
  "5.0": upgradeProblem(
    "Invalid value for featureCompatibilityVersiondocument in admin.system.version, found @FCV@, expected '4.4' or '4.9' or '5.0. See https://docs.mongodb.com/master/release-notes/4.4-compatibility/#feature-compatibility.",
    "4.4",
  ),
  "6.0": upgradeProblem(
    `Location4926900: ${document("5.0")} :: caused by :: Invalid feature compatibility version value, expected '5.0' or '5.3' or '6.0. See https://docs.mongodb.com/master/release-notes/5.0-compatibility/#feature-compatibility.`,
    "5.0",
  ),
  "7.0": upgradeProblem(
    `Location4926900: ${document("6.0")} :: caused by :: Invalid feature compatibility version value '@FCV@'; expected '6.0' or '6.3' or '7.0'. See https://docs.mongodb.com/master/release-notes/6.0-compatibility/#feature-compatibility.`,
    "6.0",
  ),
  "8.0": upgradeProblem(
    `Location4926900: ${document("7.0")} :: caused by :: Invalid feature compatibility version value '@FCV@'; expected '7.0' or '7.3' or '8.0'. See https://docs.mongodb.com/master/release-notes/7.0-compatibility/#feature-compatibility.`,
    "7.0",
  ),
  later: upgradeProblem(
    `Location4926900: ${document("8.0")} :: caused by :: Invalid feature compatibility version value '@FCV@'. Expected one of the following versions: ''8.2', '8.0'. See https://www.mongodb.com/docs/master/release-notes/8.0-compatibility/#feature-compatibility.`,
    "8.0",
  ),
} as const;

/** The FCVs each mongod opens: its own and the previous one. */
const OPENS: Record<string, string> = { "5.0": "4.4 5.0", "6.0": "5.0 6.0", "7.0": "6.0 7.0", "8.0": "7.0 8.0" };

/** A stand-in mongod of one version: refuses data it cannot open (exit 62, as mongod), else runs until SIGTERM. */
const FAKE_MONGOD = `#!/bin/bash
fcv="$(grep -oE '"fcv":"[0-9.]+"' "$FAKE_MONGOD_STATE" | grep -oE '[0-9]+\\.[0-9]+')"
echo '{"t":{"$date":"2024-03-06T17:32:20.102+00:00"},"s":"I",  "c":"CONTROL",  "id":23285,   "ctx":"-","msg":"Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols '"'"'none'"'"'"}'
case " $FAKE_MONGOD_OPENS " in
  *" $fcv "*) ;;
  *) printf '%s\\n' "\${FAKE_MONGOD_REFUSAL//@FCV@/$fcv}"
     echo '{"t":{"$date":"2024-03-06T17:32:21.846+00:00"},"s":"I",  "c":"REPL",     "id":4784900, "ctx":"initandlisten","msg":"Stepping down the ReplicationCoordinator for shutdown","attr":{"waitTimeMillis":15000}}'
     exit 62 ;;
esac
echo "$*" >> "$FAKE_MONGOD_ARGS"
echo $$ >> "$FAKE_MONGOD_PIDS"
case "\${FAKE_MONGOD_SHUTDOWN:-clean}" in
  clean) trap 'echo TERM >> "$FAKE_MONGOD_SIGNALS"; rm -f "$FAKE_MONGOD_UP"; exit 0' TERM ;;
  fails) trap 'echo TERM >> "$FAKE_MONGOD_SIGNALS"; rm -f "$FAKE_MONGOD_UP"; echo "shutdown failed" >&2; exit 14' TERM ;;
  hangs) trap 'echo TERM >> "$FAKE_MONGOD_SIGNALS"' TERM ;;
esac
for _ in $(seq 1 $(( \${FAKE_MONGOD_START_DELAY:-0} * 20 ))); do sleep 0.05; done
touch "$FAKE_MONGOD_UP"
while :; do sleep 0.05; done
`;

interface Step {
  readonly target: string;
  readonly mongod: keyof typeof REFUSALS;
}

/** The steps of the walk to CE 6.1, in the task's order, with their MongoDB versions. */
const STEPS: readonly Step[] = [
  { target: "5.0", mongod: "5.0" },
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
  /** One line per SIGTERM a stand-in mongod received. */
  readonly signals: string;
}

interface Options {
  readonly data?: boolean;
  readonly marker?: string;
  readonly steps?: readonly Step[];
  readonly shutdown?: "clean" | "fails" | "hangs";
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
  afterEach(() => {
    // A stand-in that ignored SIGTERM outlives its step, as a hung mongod would.
    const pids = existsSync(join(dir, "mongod.pids")) ? readFileSync(join(dir, "mongod.pids"), "utf8").split("\n").filter(Boolean) : [];
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  const stepEnvironment = (step: Step, options: Options): NodeJS.ProcessEnv => ({
    PATH: `${join(dir, "bin")}:${process.env.PATH}`,
    FAKE_MONGOD_STATE: join(dir, "mongod.json"),
    FAKE_MONGOD_OPENS: OPENS[step.mongod] ?? "",
    FAKE_MONGOD_REFUSAL: REFUSALS[step.mongod],
    FAKE_MONGOD_ARGS: join(dir, "mongod.args"),
    FAKE_MONGOD_PIDS: join(dir, "mongod.pids"),
    FAKE_MONGOD_SIGNALS: join(dir, "mongod.signals"),
    FAKE_MONGOD_UP: join(dir, "mongod.up"),
    FAKE_MONGOD_SHUTDOWN: options.shutdown ?? "clean",
    FAKE_MONGOSH_LOG: join(dir, "mongosh.args"),
    CE_FCV_TARGET: step.target,
    CE_UPGRADE_MARKER: join(dir, "upgrade", "mongodb-fcv"),
    CE_DB_PATH: join(dir, "db"),
    CE_MONGOD_LOG: join(dir, "mongod.log"),
    CE_START_SECONDS: "20",
    CE_STOP_SECONDS: "2",
    MONGO_ROOT_PASSWORD: "new-root-pw",
    CE_PREVIOUS_ROOT_PASSWORD: "maintenance-pw",
  });

  const prepare = (state: { fcv: string; failSetFcv?: boolean; failSetFcvTo?: string }, options: Options) => {
    writeFileSync(join(dir, "mongod.json"), JSON.stringify({ users: { root: "maintenance-pw" }, ...state }));
    if (options.data !== false) writeFileSync(join(dir, "db", "WiredTiger"), "WiredTiger\n");
    if (options.marker) writeFileSync(join(dir, "upgrade", "mongodb-fcv"), `${options.marker}\n`);
  };
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");

  const walk = (state: { fcv: string; failSetFcv?: boolean; failSetFcvTo?: string }, options: Options = {}): Walk => {
    prepare(state, options);
    const statuses: number[] = [];
    let output = "";
    for (const step of options.steps ?? STEPS) {
      const result = spawnSync("bash", ["-c", mongodbFcvStepScript()], { encoding: "utf8", timeout: 30_000, env: stepEnvironment(step, options) });
      statuses.push(result.status ?? -1);
      output += result.stdout + result.stderr;
      if (result.status !== 0) break;
    }
    return {
      statuses,
      output,
      fcv: JSON.parse(read("mongod.json")).fcv,
      marker: read("upgrade/mongodb-fcv").trim() || undefined,
      mongodArgs: read("mongod.args"),
      shellArgs: read("mongosh.args"),
      signals: read("mongod.signals"),
    };
  };

  it("walks data at FCV 5.0 (CE 5.0's) to 6.0 with MongoDB 6.0, then to 7.0 with MongoDB 7.0 (confirm: true), verified and recorded", () => {
    const result = walk({ fcv: "5.0" });
    expect(result.statuses).toEqual([0, 0, 0]);
    expect(result.fcv).toBe("7.0");
    expect(result.marker).toBe("7.0");
    expect(result.output).toContain("mongodb-upgrade [FCV 5.0]: the data is at FCV 5.0 already: recorded");
    expect(result.output).toContain("mongodb-upgrade [FCV 6.0]: FCV 5.0 -> 6.0, verified and recorded");
    expect(result.output).toContain("mongodb-upgrade [FCV 7.0]: FCV 6.0 -> 7.0, verified and recorded");
    expect(result.shellArgs).toContain("setFeatureCompatibilityVersion: '7.0', confirm: true");
    // Every mongod ran on loopback only, on the private port, with access control, on the data directory, and was stopped.
    expect(result.mongodArgs.trim().split("\n")).toEqual(Array(3).fill(`--dbpath ${join(dir, "db")} --port 27018 --bind_ip 127.0.0.1 --auth --wiredTigerCacheSizeGB 1`));
    expect(result.signals.trim().split("\n")).toEqual(["TERM", "TERM", "TERM"]);
  });

  it("walks data at FCV 4.4 (an older deployment's) through 5.0 with MongoDB 5.0 first", () => {
    const result = walk({ fcv: "4.4" });
    expect(result.statuses).toEqual([0, 0, 0]);
    expect(result.output).toContain("mongodb-upgrade [FCV 5.0]: FCV 4.4 -> 5.0, verified and recorded");
    expect(result.shellArgs).toContain("setFeatureCompatibilityVersion: '5.0' })");
    expect(result.fcv).toBe("7.0");
    expect(result.marker).toBe("7.0");
  });

  it("continues data at FCV 6.0 (a walk stopped after its second step): MongoDB 5.0 cannot open it and leaves it alone", () => {
    const result = walk({ fcv: "6.0" });
    expect(result.statuses).toEqual([0, 0, 0]);
    expect(result.output).toContain("mongodb-upgrade [FCV 5.0]: the data is at FCV 6.0, newer than this step's mongod can open: nothing to do");
    expect(result.output).toContain("mongodb-upgrade [FCV 6.0]: the data is at FCV 6.0 already: recorded");
    expect(result.output).toContain("FCV 6.0 -> 7.0, verified and recorded");
    expect(result.fcv).toBe("7.0");
  });

  it("changes nothing on data at FCV 7.0 (a re-run without the marker) that MongoDB 5.0 and 6.0 refuse, and records it once 7.0 reads it", () => {
    const result = walk({ fcv: "7.0" });
    expect(result.statuses).toEqual([0, 0, 0]);
    expect(result.output).toContain("mongodb-upgrade [FCV 5.0]: the data is at FCV 7.0, newer than this step's mongod can open: nothing to do");
    expect(result.output).toContain("mongodb-upgrade [FCV 6.0]: the data is at FCV 7.0, newer than this step's mongod can open: nothing to do");
    expect(result.output).toContain("mongodb-upgrade [FCV 7.0]: the data is at FCV 7.0 already: recorded");
    expect(result.fcv).toBe("7.0");
    expect(result.marker).toBe("7.0");
  });

  it.each<[string, Step, string, number, string]>([
    ["5.0 (found X, unquoted)", { target: "5.0", mongod: "5.0" }, "4.2", 2, "the data is at FCV 4.2, older than the walk starts from (4.4, the oldest MongoDB 5.0 opens): nothing changed. Bring it to FCV 4.4 first"],
    ["6.0 (no value in the reason: the document's)", { target: "6.0", mongod: "6.0" }, "4.4", 2, "the data is at FCV 4.4; this step needs 5.0 first: stopping, nothing changed"],
    ["6.0 on newer data", { target: "6.0", mongod: "6.0" }, "7.0", 0, "the data is at FCV 7.0, newer than this step's mongod can open: nothing to do"],
    ["7.0 ('X'; expected)", { target: "7.0", mongod: "7.0" }, "8.0", 0, "the data is at FCV 8.0, newer than this step's mongod can open: nothing to do"],
    ["8.0 ('X'; expected)", { target: "8.0", mongod: "8.0" }, "6.0", 2, "the data is at FCV 6.0; this step needs 7.0 first: stopping, nothing changed"],
  ])("reads the FCV MongoDB %s names when it refuses the data, and acts on it", (_label, step, fcv, status, message) => {
    const result = walk({ fcv }, { steps: [step] });
    expect(result.statuses).toEqual([status]);
    expect(result.output).toContain(`mongodb-upgrade [FCV ${step.target}]: ${message}`);
    expect(result.fcv).toBe(fcv);
    expect(result.marker).toBeUndefined();
  });

  it("reads the refusal of a later MongoDB (the current source's wording) and a plain-text log without the document", () => {
    const later = walk({ fcv: "8.2" }, { steps: [{ target: "8.0", mongod: "later" }] });
    expect(later.output).toContain("the data is at FCV 8.2, newer than this step's mongod can open: nothing to do");
    rmSync(join(dir, "mongod.log"));
    writeFileSync(join(dir, "bin", "mongod"), `#!/bin/sh\necho "2024-03-06T17:32:21.846+0000 F CONTROL [initandlisten] Invalid feature compatibility version value '4.4'; expected '6.0' or '6.3' or '7.0'. See the documentation."\nexit 62\n`);
    const plain = walk({ fcv: "4.4" }, { steps: [{ target: "7.0", mongod: "7.0" }] });
    expect(plain.statuses).toEqual([2]);
    expect(plain.output).toContain("the data is at FCV 4.4; this step needs 6.0 first");
  });

  it("stops with mongod's own lines when mongod stops for another reason", () => {
    writeFileSync(join(dir, "bin", "mongod"), `#!/bin/sh\necho '{"s":"E","msg":"Failed to open the data directory"}'\nexit 100\n`);
    const result = walk({ fcv: "5.0" });
    expect(result.statuses).toEqual([4]);
    expect(result.output).toContain("mongod stopped before it answered; its last lines:");
    expect(result.output).toContain("Failed to open the data directory");
  });

  it("starts no mongod at all once the walk is recorded as done (every later task start)", () => {
    const result = walk({ fcv: "7.0" }, { marker: "7.0" });
    expect(result.statuses).toEqual([0, 0, 0]);
    expect(result.mongodArgs).toBe("");
    expect(result.output).toContain("recorded at FCV 7.0 already: nothing to do");
  });

  it("does nothing on a new installation without data (CE's own mongod creates it at its version)", () => {
    const result = walk({ fcv: "8.0" }, { data: false });
    expect(result.statuses).toEqual([0, 0, 0]);
    expect(result.mongodArgs).toBe("");
    expect(result.marker).toBeUndefined();
  });

  it("stops on a failure mid-way, leaving the data on its last good FCV and the marker there, and resumes from it", () => {
    const failed = walk({ fcv: "5.0", failSetFcvTo: "7.0" });
    expect(failed.statuses).toEqual([0, 0, 3]);
    expect(failed.output).toMatch(/setting FCV 7\.0 failed \(FAILED .*simulated failure while setting the feature compatibility version\); the data stays at FCV 6\.0/);
    expect(failed.fcv).toBe("6.0");
    expect(failed.marker).toBe("6.0");
    // The next start (the cause fixed) skips the recorded steps and runs the last.
    const resumed = walk({ fcv: "6.0" }, { marker: "6.0" });
    expect(resumed.statuses).toEqual([0, 0, 0]);
    expect(resumed.output).toContain("mongodb-upgrade [FCV 6.0]: recorded at FCV 6.0 already: nothing to do");
    expect(resumed.fcv).toBe("7.0");
    expect(resumed.marker).toBe("7.0");
  });

  it("fails the step that fails, so the next never runs", () => {
    const result = walk({ fcv: "5.0", failSetFcvTo: "6.0" });
    expect(result.statuses).toEqual([0, 3]);
    expect(result.fcv).toBe("5.0");
    expect(result.marker).toBe("5.0");
  });

  it.each<["fails" | "hangs", string]>([
    ["fails", "mongod exited with status 14 when stopped, not cleanly"],
    ["hangs", "is still running 2 s after SIGTERM"],
  ])("records nothing when mongod %s on shutdown after setting the FCV, and fails the step", (shutdown, why) => {
    const result = walk({ fcv: "5.0" }, { steps: [{ target: "6.0", mongod: "6.0" }], shutdown });
    expect(result.statuses).toEqual([6]);
    expect(result.output).toContain(why);
    expect(result.output).toContain("FCV 5.0 -> 6.0 set, but mongod did not stop cleanly: nothing recorded; the next start checks the data again");
    expect(result.fcv).toBe("6.0");
    expect(result.marker).toBeUndefined();
  });

  it("forwards SIGTERM (ECS stopping the task) to its mongod and records nothing", async () => {
    const step = { target: "6.0", mongod: "6.0" } as const;
    prepare({ fcv: "5.0" }, {});
    const child = spawn("bash", ["-c", mongodbFcvStepScript()], { env: { ...stepEnvironment(step, {}), FAKE_MONGOD_START_DELAY: "30" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Wait until the step's mongod runs (it answers only after 30 s), then stop the step as ECS does.
    for (let i = 0; i < 200 && read("mongod.pids") === ""; i++) await new Promise((r) => setTimeout(r, 50));
    expect(read("mongod.pids")).not.toBe("");
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const status = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r("still running"), 10_000)))]);
    clearTimeout(timer);
    expect(status).toBe(143);
    expect(read("mongod.signals")).toBe("TERM\n");
    expect(output).toContain("mongodb-upgrade [FCV 6.0]: stopped by SIGTERM: stopping mongod, nothing recorded");
    expect(read("upgrade/mongodb-fcv")).toBe("");
    expect(JSON.parse(read("mongod.json")).fcv).toBe("5.0");
  });

  it("never puts a password on a command line or in its output", () => {
    const result = walk({ fcv: "5.0" });
    expect(result.shellArgs).toContain("process.env.CE_PREVIOUS_ROOT_PASSWORD");
    expect(result.shellArgs + result.mongodArgs + result.output).not.toMatch(/maintenance-pw|new-root-pw/);
  });
});
