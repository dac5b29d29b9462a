/**
 * `npm run bench`: the project's timings, and the only place timing budgets
 * live (no test asserts elapsed time). One run measures, printing each step
 * as it starts and ends:
 * 1. the whole-app synth in a fresh process with deep provider imports, the
 *    same synth with barrel imports, and their ratio (best of three each);
 * 2. `npm test` as CI runs it: the type check, then every Jest suite, with
 *    each suite's result printed as it finishes and the slowest listed;
 * 3. `npm run test:unit` (no servers, no plans);
 * 4. the 1,000-environment fuzz suite on its own;
 * 5. the synth and offline plan of the shipped stacks in one Terraform run.
 * Then it prints every budget with its figure, and exits non-zero when any
 * step failed or any budget was exceeded. `--quick` times one synth of each
 * kind and stops there.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { synthesizeAndPlan, shippedEnvironments } from "../__tests__/plan/planned-stacks";
import { checkProviders, terraformSetup, unavailableLine } from "../__tests__/plan/terraform-cli";

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "node_modules", ".bin");

/** The timing budgets, in seconds (2 cores, as CI). */
export const BUDGETS = {
  /** Whole-app synth of the shipped environments in a fresh process (deep imports). */
  synth: 3,
  /** Jest time of `npm test`, real RabbitMQ and the task runner included. */
  jest: 120,
  /** Jest time of `npm run test:unit` (no servers, no plans). */
  unit: 30,
  /** The fuzz suite's 1,000 generated environments, on their own. */
  fuzz: 30,
  /** Synth and offline plan of the shipped stacks in one Terraform run. */
  plan: 60,
} as const;

const fmt = (seconds: number) => `${seconds.toFixed(1)} s`;
const failures: string[] = [];
const figures: { budget: keyof typeof BUDGETS; seconds: number }[] = [];

/** Prints a step's start and end, and records a failure (a thrown error) without stopping the run. */
async function step<T>(title: string, work: () => Promise<T> | T): Promise<T | undefined> {
  process.stdout.write(`▶ ${title}\n`);
  const start = process.hrtime.bigint();
  try {
    const result = await work();
    process.stdout.write(`  done in ${fmt(Number(process.hrtime.bigint() - start) / 1e9)}\n`);
    return result;
  } catch (error) {
    failures.push(`${title}: ${(error as Error).message}`);
    process.stdout.write(`  FAILED: ${(error as Error).message}\n`);
    return undefined;
  }
}

interface SynthFigures {
  seconds: number;
  loadSeconds: number;
  synthSeconds: number;
  stacks: number;
  providerModules: number;
}

function synthOnce(barrel: boolean): SynthFigures {
  const result = spawnSync(join(BIN, "tsx"), [join(__dirname, "bench-synth.ts"), ...(barrel ? ["--barrel"] : [])], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`bench-synth${barrel ? " --barrel" : ""} exited ${result.status}: ${result.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(result.stdout) as SynthFigures;
}

function best(barrel: boolean, runs: number): SynthFigures {
  return Array.from({ length: runs }, () => synthOnce(barrel)).reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

interface JestRun {
  seconds: number;
  exitCode: number | null;
  summary: string;
  suites: { file: string; seconds: number; status: string; message: string }[];
}

/** Runs Jest with these arguments, printing each suite's result as it finishes. */
function jest(args: readonly string[]): Promise<JestRun> {
  const dir = mkdtempSync(join(tmpdir(), "ce-bench-"));
  const report = join(dir, "jest.json");
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, "jest"), ["--silent", "--json", `--outputFile=${report}`, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let tail = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      tail = (tail + chunk).slice(-20_000);
      for (const line of chunk.split("\n")) if (/^(PASS|FAIL) /.test(line)) process.stdout.write(`  ${line}\n`);
    });
    child.on("error", reject);
    child.on("close", (exitCode) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      try {
        const results = (JSON.parse(readFileSync(report, "utf8")).testResults ?? []) as { name: string; startTime: number; endTime: number; status: string; message?: string }[];
        const suites = results.map((r) => ({ file: relative(ROOT, r.name), seconds: (r.endTime - r.startTime) / 1000, status: r.status, message: r.message ?? "" }));
        resolve({ seconds, exitCode, summary: /Tests:\s+(.*)/.exec(tail)?.[1] ?? "no summary", suites });
      } catch {
        reject(new Error(`jest ${args.join(" ")} wrote no report (exit ${exitCode}): ${tail.trim().split("\n").slice(-5).join(" | ")}`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** A Jest run that fails the bench when any suite failed. */
async function jestStep(title: string, budget: keyof typeof BUDGETS | undefined, args: readonly string[]): Promise<JestRun | undefined> {
  return step(title, async () => {
    const run = await jest(args);
    if (budget) figures.push({ budget, seconds: run.seconds });
    process.stdout.write(`  jest ${fmt(run.seconds)}: ${run.summary}\n`);
    const failed = run.suites.filter((s) => s.status === "failed").map((s) => s.file);
    // Why each failed suite failed (Jest runs --silent here): its failure messages, cut to a screenful each.
    for (const s of run.suites.filter((s) => s.status === "failed")) process.stdout.write(`  ${s.file} failed:\n${s.message.slice(0, 4000)}\n`);
    if (run.exitCode !== 0) throw new Error(`jest exited ${run.exitCode}${failed.length > 0 ? `; failed: ${failed.join(", ")}` : ""}`);
    return run;
  });
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  console.log(`machine: ${cpus().length} cores, node ${process.version}${quick ? " (quick: one synth each, no tests, no plans)" : ""}`);

  await step(`whole-app synth, deep and barrel imports (best of ${quick ? 1 : 3} each)`, () => {
    const deep = best(false, quick ? 1 : 3);
    const barrel = best(true, quick ? 1 : 3);
    figures.push({ budget: "synth", seconds: deep.seconds });
    console.log(`  deep imports  : ${fmt(deep.seconds)} (load ${fmt(deep.loadSeconds)}, synth ${fmt(deep.synthSeconds)}; ${deep.stacks} stacks; ${deep.providerModules} provider modules)`);
    console.log(`  barrel imports: ${fmt(barrel.seconds)} (load ${fmt(barrel.loadSeconds)}, synth ${fmt(barrel.synthSeconds)}; ${barrel.providerModules} provider modules)`);
    console.log(`  barrel / deep : ${(barrel.seconds / deep.seconds).toFixed(1)}x`);
  });

  if (!quick) {
    await step("type check (tsc --noEmit)", () => {
      const tsc = spawnSync(join(BIN, "tsc"), ["--noEmit"], { cwd: ROOT, encoding: "utf8" });
      if (tsc.status !== 0) throw new Error(`tsc exited ${tsc.status}: ${tsc.stdout.trim().split("\n").slice(0, 3).join(" | ")}`);
    });
    const all = await jestStep("npm test's Jest run (every suite)", "jest", []);
    if (all) {
      console.log("  slowest suites (their own run time, while others run beside them):");
      for (const s of [...all.suites].sort((a, b) => b.seconds - a.seconds).slice(0, 8)) console.log(`    ${s.file.padEnd(48)} ${fmt(s.seconds)}`);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const unitArgs = pkg.scripts["test:unit"].replace(/^jest\s*/, "").match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ""));
    await jestStep("npm run test:unit's Jest run", "unit", unitArgs);
    await jestStep("the fuzz suite on its own (1,000 environments)", "fuzz", ["__tests__/config/fuzz.test.ts"]);

    await step("synth and offline plan of the shipped stacks, one Terraform run", async () => {
      const setup = terraformSetup();
      const blocked = unavailableLine(await checkProviders(setup));
      if (blocked) throw new Error(blocked);
      const start = process.hrtime.bigint();
      const results = [...(await synthesizeAndPlan(shippedEnvironments())).values()].map((r) => r.plan);
      figures.push({ budget: "plan", seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      const s = results[0].seconds;
      console.log(`  init ${fmt(s.init)}, validate ${fmt(s.validate)}, plan ${fmt(s.plan)}, show ${fmt(s.show)} (${setup.mode === "mirror" ? "provider mirror" : "your Terraform's provider installation"})`);
      for (const r of results) console.log(`    ${r.stack.padEnd(20)} ${String(r.plan.resource_changes?.length ?? 0).padStart(4)} resources  valid=${r.validation.valid}`);
      const invalid = results.filter((r) => !r.validation.valid).map((r) => r.stack);
      if (invalid.length > 0) throw new Error(`invalid: ${invalid.join(", ")}`);
    });
  }

  console.log("budgets:");
  for (const { budget, seconds } of figures) {
    const over = seconds > BUDGETS[budget];
    console.log(`  ${budget.padEnd(6)} ${fmt(seconds).padStart(8)} of ${fmt(BUDGETS[budget])}${over ? "  OVER BUDGET" : ""}`);
    if (over) failures.push(`budget ${budget}: ${fmt(seconds)} > ${fmt(BUDGETS[budget])}`);
  }
  if (failures.length > 0) {
    console.log(`bench failed (${failures.length}):`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
