/**
 * `npm run bench`: prints, from one run,
 * 1. the whole-app synth in process (fresh process, deep provider imports),
 * 2. the same synth with barrel imports, and the ratio between them,
 * 3. the whole test suite as `npm test` runs it (type check, then every Jest suite), with the
 *    slowest suites' own run times (the three-node RabbitMQ suite among them),
 * 4. the synth and offline plan time of the shipped stacks, planned in one Terraform run.
 * Synth figures are the best of three runs each, so a cold disk cache or the
 * first transpilation does not count. `--quick` times one synth of each kind
 * and stops there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { synthesizeAndPlan, shippedEnvironments } from "../__tests__/plan/planned-stacks";
import { checkProviders, terraformSetup, unavailableLine } from "../__tests__/plan/terraform-cli";
import { withExistingSecrets } from "../__tests__/support/fixtures";

const ROOT = join(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

interface SynthFigures {
  seconds: number;
  loadSeconds: number;
  synthSeconds: number;
  stacks: number;
  providerModules: number;
}

function synthOnce(barrel: boolean): SynthFigures & { wallSeconds: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync(TSX, [join(__dirname, "bench-synth.ts"), ...(barrel ? ["--barrel"] : [])], { cwd: ROOT, encoding: "utf8" });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`bench-synth failed:\n${result.stderr}`);
  return { ...(JSON.parse(result.stdout) as SynthFigures), wallSeconds };
}

function best(barrel: boolean, runs = 3): SynthFigures & { wallSeconds: number } {
  const all = Array.from({ length: runs }, () => synthOnce(barrel));
  return all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const fmt = (seconds: number) => `${seconds.toFixed(2)} s`;

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  console.log(`machine: ${cpus().length} cores, node ${process.version}${quick ? " (quick: one synth each, no tests, no plans)" : ""}`);
  const deep = best(false, quick ? 1 : 3);
  const barrel = best(true, quick ? 1 : 3);
  console.log(`whole-app synth, in process, deep imports : ${fmt(deep.seconds)} (load ${fmt(deep.loadSeconds)}, synth ${fmt(deep.synthSeconds)}; ${deep.stacks} stacks; ${deep.providerModules} provider modules loaded; process wall ${fmt(deep.wallSeconds)})`);
  console.log(`same synth with barrel imports            : ${fmt(barrel.seconds)} (load ${fmt(barrel.loadSeconds)}, synth ${fmt(barrel.synthSeconds)}; ${barrel.providerModules} provider modules loaded; process wall ${fmt(barrel.wallSeconds)})`);
  console.log(`barrel / deep ratio                       : ${(barrel.seconds / deep.seconds).toFixed(1)}x`);
  if (quick) return;

  // The whole suite exactly as `npm test` runs it: one type check, then every
  // Jest suite (plans included) on the configured workers.
  const typecheckStart = process.hrtime.bigint();
  const tsc = spawnSync(join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit"], { cwd: ROOT, encoding: "utf8" });
  const typecheckSeconds = Number(process.hrtime.bigint() - typecheckStart) / 1e9;
  const testStart = process.hrtime.bigint();
  const report = join(mkdtempSync(join(tmpdir(), "ce-bench-")), "jest.json");
  const jest = spawnSync(join(ROOT, "node_modules", ".bin", "jest"), ["--silent", "--json", `--outputFile=${report}`], { cwd: ROOT, encoding: "utf8" });
  const testSeconds = Number(process.hrtime.bigint() - testStart) / 1e9;
  const summary = /Tests:\s+(.*)/.exec(jest.stderr)?.[1] ?? "no summary";
  const suites = /Test Suites:\s+(.*)/.exec(jest.stderr)?.[1] ?? "no summary";
  console.log(`whole test suite (npm test)               : ${fmt(typecheckSeconds + testSeconds)} (tsc --noEmit ${fmt(typecheckSeconds)}, exit ${tsc.status}; jest ${fmt(testSeconds)}, suites ${suites}, tests ${summary}, exit ${jest.status})`);
  if (existsSync(report)) {
    const results = (JSON.parse(readFileSync(report, "utf8")).testResults ?? []) as { name: string; startTime: number; endTime: number; status: string }[];
    const failed = results.filter((r) => r.status === "failed").map((r) => relative(ROOT, r.name));
    if (failed.length > 0) console.log(`failed suites: ${failed.join(", ")}`);
    const timed = results
      .map((r) => ({ file: relative(ROOT, r.name), seconds: (r.endTime - r.startTime) / 1000 }))
      .sort((a, b) => b.seconds - a.seconds);
    console.log("slowest suites (their own run time, while others run beside them):");
    for (const t of timed.slice(0, 6)) console.log(`  ${t.file.padEnd(46)} ${fmt(t.seconds)}`);
  }

  const setup = terraformSetup();
  const blocked = unavailableLine(await checkProviders(setup));
  if (blocked) {
    console.log(`offline plans: not run (${blocked})`);
    return;
  }
  const sources = shippedEnvironments().map((s) => ({ ...s, input: withExistingSecrets(s.input) }));
  const planStart = process.hrtime.bigint();
  const results = [...(await synthesizeAndPlan(sources)).values()].map((r) => r.plan);
  const planSeconds = Number(process.hrtime.bigint() - planStart) / 1e9;
  const s = results[0].seconds;
  console.log(
    `synth + offline plan of ${results.length} shipped stacks in one Terraform run (${setup.mode === "mirror" ? "provider mirror" : "your Terraform's provider installation"}): ${fmt(planSeconds)} (init ${fmt(s.init)}, validate ${fmt(s.validate)}, plan ${fmt(s.plan)}, show ${fmt(s.show)})`,
  );
  for (const r of results) {
    const count = r.plan.resource_changes?.length ?? 0;
    console.log(`  ${r.stack.padEnd(20)} ${String(count).padStart(4)} resources  valid=${r.validation.valid}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
