/**
 * A fork stays green: the README's "Your environments" commands, run in a
 * copy of the repository (an HA environment in an existing VPC added from
 * its scenario example, staging removed, the docs regenerated), followed by
 * every suite that reads the environment files, in one Jest process in the
 * copy. Which suites read them is Jest's own answer: those that depend on
 * environments/index.ts, the discovery (`--findRelatedTests`), except the
 * task-runner suites (they run once, in the outer run); suites that
 * plan only their own stacks or start the app on a JSON fixture do not.
 *
 * To stay cheap, the copy's plans come from this run's plan results by stack
 * content (plan-results.ts): the stacks it plans are the ones this run plans
 * anyway (the environment files, the fixtures, the scenario examples), and
 * this suite waits for those plans before it starts the copy.
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { PLAN_CACHE_VARIABLE } from "../plan/harness";
import { planAvailability } from "../plan/plan-availability";
import { planAll } from "../plan/planned-stacks";
import { SHARED_PLAN_RESULTS_VARIABLE } from "../plan/plan-results";
import { planScenarioExamples } from "../support/scenario-examples";

const ROOT = join(__dirname, "..", "..");
/** What a copy of the repository leaves out: installed packages (linked instead) and build output. */
const NOT_COPIED = new Set(["node_modules", ".git", "cdktf.out", "coverage", ".bench", ".plan-work"]);
/** The file the copy's Jest run writes its results to. */
const RESULTS = "jest-results.json";
/**
 * Bounds of the copy's steps and of its Jest run. This suite took 549 s on 2 cores with the HA suite
 * beside it, and 1,051 s in a clean-clone CI run under more load (the copy's Jest run then came within
 * 2 minutes of the former 15-minute bound); these leave room for a second run on the machine and
 * still end a hung one.
 */
const STEP_LIMIT_MS = 600_000;
const JEST_LIMIT_MS = 1_800_000;

/** The commands of the README's "Your environments" section, in order (comments and blank lines left out). */
export function documentedSteps(readme: string): string[] {
  const section = readme.split(/^### Your environments$/m)[1]?.split(/^##+ /m)[0] ?? "";
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line && !line.startsWith("#"));
}

/** Copies the repository without what NOT_COPIED names, and links the installed packages. */
function copyRepository(to: string): void {
  cpSync(ROOT, to, { recursive: true, filter: (source) => !NOT_COPIED.has(basename(source)) || source === ROOT });
  symlinkSync(realpathSync(join(ROOT, "node_modules")), join(to, "node_modules"));
}

interface SuiteResult {
  readonly name: string;
  readonly status: string;
  readonly assertionResults: ReadonlyArray<{ readonly title: string; readonly status: string; readonly failureMessages: readonly string[] }>;
  readonly message: string;
}

describe("a fork that replaces the example environments (README, Your environments)", () => {
  const steps = documentedSteps(readFileSync(join(ROOT, "README.md"), "utf8"));
  let copy: string;
  const ran: { step: string; result: SpawnSyncReturns<string> }[] = [];
  let suites: SuiteResult[] = [];
  let jest: SpawnSyncReturns<string>;

  beforeAll(async () => {
    // The plans the copy's suites read: this run's own, made once whichever suite asks first.
    if (!planAvailability().blocked) await Promise.all([planAll(), planScenarioExamples()]);
    copy = mkdtempSync(join(tmpdir(), "ce-fork-"));
    copyRepository(copy);
    const env: NodeJS.ProcessEnv = { ...process.env, [SHARED_PLAN_RESULTS_VARIABLE]: process.env[SHARED_PLAN_RESULTS_VARIABLE] || process.env[PLAN_CACHE_VARIABLE] };
    delete env.JEST_WORKER_ID;
    delete env.CE_ENV_FILE;
    for (const step of steps.filter((s) => s !== "npm test")) {
      ran.push({ step, result: spawnSync("bash", ["-c", step], { cwd: copy, env, encoding: "utf8", timeout: STEP_LIMIT_MS }) });
    }
    jest = spawnSync(
      join(copy, "node_modules", ".bin", "jest"),
      [
        "--ci",
        "--runInBand",
        "--json",
        `--outputFile=${join(copy, RESULTS)}`,
        // Jest maps dependencies only below its roots (__tests__ in package.json); the discovery is outside.
        "--roots",
        copy,
        "--findRelatedTests",
        "environments/index.ts",
        // The task-runner suites read every environment file the same way but run containers for minutes; they run
        // once, in the outer run, over its environment files (an HA one among them, or the HA fixture).
        "--testPathIgnorePatterns",
        "your-environments\\.test\\.ts",
        "/__tests__/runner/",
      ],
      { cwd: copy, env, encoding: "utf8", timeout: JEST_LIMIT_MS },
    );
    if (existsSync(join(copy, RESULTS))) suites = (JSON.parse(readFileSync(join(copy, RESULTS), "utf8")) as { testResults: SuiteResult[] }).testResults;
  }, 3 * STEP_LIMIT_MS + JEST_LIMIT_MS);

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  const suiteName = (suite: SuiteResult) => relative(copy, suite.name);

  it("documents adding an environment from a scenario example, removing one, regenerating the docs and testing", () => {
    expect(steps[0]).toMatch(/^sed .* examples\/[a-z-]+\/environment\.ts > environments\/[a-z0-9-]+\.ts$/);
    expect(steps).toEqual(expect.arrayContaining(["npm run docs", "npm test"]));
    expect(steps[steps.length - 1]).toBe("npm test");
  });

  it("runs those commands in a copy of the repository", () => {
    for (const { step, result } of ran) expect({ step, status: result.status, stderr: result.status === 0 ? "" : result.stderr }).toEqual({ step, status: 0, stderr: "" });
    const environments = readdirSync(join(copy, "environments"));
    expect(environments).toContain("ha.ts");
    expect(environments).not.toContain("staging.ts");
  });

  it("then passes every suite that reads the environment files, in one Jest process", () => {
    expect({ started: suites.length > 0, stderr: suites.length > 0 ? "" : jest.stderr.slice(-3000) }).toEqual({ started: true, stderr: "" });
    const failed = suites
      // A suite with skipped tests reports "focused"; failed is failed.
      .filter((suite) => suite.status === "failed" || suite.assertionResults.some((a) => a.status === "failed"))
      .map((suite) => {
        const failures = suite.assertionResults.filter((a) => a.status === "failed").map((a) => `${a.title}: ${a.failureMessages.join("\n").slice(0, 1500)}`);
        return `${suiteName(suite)} (${suite.status}): ${[suite.message.slice(0, 1500), ...failures].filter(Boolean).join("\n")}`;
      });
    expect(failed).toEqual([]);
  });

  it("ran the suites that read the environment files: the app, the policy suites and the offline plans among them", () => {
    const names = suites.map(suiteName);
    for (const suite of ["__tests__/app/environment-files.test.ts", "__tests__/policy/policy.test.ts", "__tests__/plan/offline-plan.test.ts", "__tests__/docs/generated-docs.test.ts"]) {
      expect(names).toContain(suite);
    }
  });
});
