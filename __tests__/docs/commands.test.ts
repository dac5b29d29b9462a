/**
 * `help` stays true: every command it lists is proven here, so none goes
 * stale. The cdktf CLI runs once (synth); commands that need AWS credentials
 * (deploy, diff, destroy) cannot run offline, so for them the test checks
 * that the cdktf subcommand exists (one `cdktf --help`) and that the stack
 * they name is synthesized, and the plan harness runs the pipeline's
 * terraform commands offline (__tests__/plan). `npm test`, `npm run
 * typecheck` and `npm run bench` are not run again from inside the suite:
 * the suite is `npm test`, it starts with the type check, and `npm run
 * bench` times the suite itself (its synth child is type-checked with the
 * rest). The README's npm scripts and cdktf subcommands must exist too.
 *
 * Commands that read environments run here on a fixture (a JSON file in
 * CE_ENV_FILE), so this suite holds for any set of environment files; that
 * the app command builds every environment file's stack is proven in
 * __tests__/app/environment-files.test.ts, where it runs on the environment
 * files themselves.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

import { buildApp } from "../../modules/app";
import { SERVER_SUITES } from "../../scripts/lib/server-suites";
import { parseEnvironment } from "../../modules/config";
import { adoptedEnvironment, baseEnvironment, CERTIFICATE_ARN, REGION, replicatingPrimary, STANDBY_REGION, standbyOf } from "../support/fixtures";

const ROOT = join(__dirname, "..", "..");
const help = readFileSync(join(ROOT, "help"), "utf8");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** The commands `help` lists: the text before the description column. */
function helpCommands(): string[] {
  return help
    .split("\n")
    .map((line) => line.trim().split(/\s{2,}/)[0])
    .filter((command) => /^(npm|npx|cat|terraform|CE_ENV_FILE=)/.test(command));
}

/** The subcommands `cdktf --help` lists (one CLI start for all of them). */
let cdktfCommands: Set<string> | undefined;
function cdktfSubcommands(): Set<string> {
  if (!cdktfCommands) {
    const result = run("npx cdktf --help");
    expect(result.status).toBe(0);
    cdktfCommands = new Set([...result.stdout.matchAll(/^\s+cdktf ([a-z]+)/gm)].map((m) => m[1]));
    expect(cdktfCommands.size).toBeGreaterThan(5);
  }
  return cdktfCommands;
}

function run(command: string, env: Record<string, string> = {}, timeout = 120_000) {
  return spawnSync("bash", ["-c", command], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, encoding: "utf8", timeout });
}

/** The environment the commands that read one run on. */
const CLI_ENVIRONMENT = baseEnvironment({ name: "cli", ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } });

let work: string;
let cliEnvironmentFile: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ce-commands-"));
  cliEnvironmentFile = join(work, "cli.json");
  writeFileSync(cliEnvironmentFile, JSON.stringify(CLI_ENVIRONMENT));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let synthesizedStacks: string[] | undefined;
/** The variables the README's set-up block exports (`export NAME=value` lines). */
function readmeSetupExports(): Record<string, string> {
  const setUp = readFileSync(join(ROOT, "README.md"), "utf8").split(/^## Set up$/m)[1]?.split(/^## /m)[0] ?? "";
  const block = /```sh\n([\s\S]*?)```/.exec(setUp)?.[1] ?? "";
  return Object.fromEntries([...block.matchAll(/^export ([A-Z_]+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
}

let synthOutput = "";
function synthStacks(): string[] {
  if (!synthesizedStacks) {
    // As the README's set-up runs it: only what its block exports, nothing this suite adds.
    const env: NodeJS.ProcessEnv = { ...process.env, ...readmeSetupExports(), CE_ENV_FILE: cliEnvironmentFile };
    if (!("CHECKPOINT_DISABLE" in readmeSetupExports())) delete env.CHECKPOINT_DISABLE;
    const result = spawnSync("bash", ["-c", `npx cdktf synth --output ${join(work, "out")}`], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
    expect(result.status).toBe(0);
    synthOutput = `${result.stdout}${result.stderr}`;
    synthesizedStacks = readdirSync(join(work, "out", "stacks")).sort();
  }
  return synthesizedStacks;
}

/** How each help command is proven. */
const RUNNERS: Record<string, () => void> = {
  "cat help": () => {
    const result = run("cat help");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("npm test");
  },
  "npm ci && npx cdktf synth": () => {
    expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toMatch(/^npm ci$/m);
    expect(synthStacks()).toEqual(["ce-cli"]);
    // The set-up exports CHECKPOINT_DISABLE=1, so cdktf calls no checkpoint service (offline, that call fails loudly).
    expect(readmeSetupExports()).toMatchObject({ CHECKPOINT_DISABLE: "1" });
    expect(synthOutput).not.toContain("checkpoint-api.hashicorp.com");
    // Without CE_ENV_FILE the same app command synthesizes every environment file (run on them there).
    expect(readFileSync(join(ROOT, "__tests__", "app", "environment-files.test.ts"), "utf8")).toContain('spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"]');
  },
  "CE_ENV_FILE=env.json npx cdktf synth": () => {
    // cdktf synth runs the app of cdktf.json with CDKTF_OUTDIR set; __tests__/app/main.test.ts runs exactly
    // that app command with CE_ENV_FILE and checks that only that environment's stack is written.
    expect(JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app).toBe("npx tsx main.ts");
    const appTest = readFileSync(join(ROOT, "__tests__", "app", "main.test.ts"), "utf8");
    expect(appTest).toContain('spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"]');
    expect(appTest).toContain("synthesizes just the environment of CE_ENV_FILE");
  },
  "npm test": () => {
    const ci = readFileSync(join(ROOT, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm test$/m);
    expect(pkg.scripts.test).toBe("tsc --noEmit && jest");
  },
  "npm run test:unit": () => {
    const result = run("npm run -s test:unit -- --listTests");
    expect(result.status).toBe(0);
    const files = result.stdout.split("\n").filter(Boolean);
    expect(files.some((f) => f.includes("__tests__/plan/"))).toBe(false);
    expect(files.some((f) => f.includes("__tests__/runner/"))).toBe(false);
    expect(files.some((f) => f.endsWith("policy-plan.test.ts"))).toBe(false);
    expect(files.some((f) => f.endsWith("your-environments.test.ts"))).toBe(false);
    expect(files.some((f) => f.endsWith("policy.test.ts"))).toBe(true);
  },
  "npm run test:under-load": () => {
    // The suites it names exist and are every suite that starts a server or a container.
    const servers = run(`npx jest --listTests ${SERVER_SUITES.join(" ")}`).stdout.split("\n").filter(Boolean).map((f) => relative(ROOT, f));
    expect(servers.filter((f) => f.startsWith("__tests__/runner/")).length).toBeGreaterThan(0);
    expect(servers).toContain("__tests__/ha/rabbitmq-membership.test.ts");
    const bad = run("npm run -s test:under-load -- many");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('the number of busy processes must be a whole number from 0 to 64, not "many"');
  },
  "npx cdktf deploy ce-state-bootstrap": () => {
    expect(cdktfSubcommands().has("deploy")).toBe(true);
    expect(buildApp([parseEnvironment(CLI_ENVIRONMENT)], { outdir: "/nonexistent" }).node.children.map((c) => c.node.id)).toContain("ce-state-bootstrap");
  },
  "npx cdktf diff ce-<name>": () => {
    expect(cdktfSubcommands().has("diff")).toBe(true);
    expect(synthStacks()).toContain("ce-cli");
  },
  "npx cdktf deploy ce-<name>": () => expect(cdktfSubcommands().has("deploy")).toBe(true),
  "npx cdktf deploy --skip-provider-lock ce-<name>": () => {
    const result = run("npx cdktf deploy --help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\s+--skip-provider-lock\s+Block `terraform provider lock` from being run/m);
  },
  "npx cdktf destroy ce-<name>": () => expect(cdktfSubcommands().has("destroy")).toBe(true),
  "terraform -chdir=cdktf.out/stacks/ce-<name> init": () => {
    // planStackDirectory runs `terraform -chdir=<synthesized stack directory> init` and `plan` with no cdktf on
    // the PATH, only a local-backend and a provider override added; the library test plans a stack so.
    const pipeline = readFileSync(join(ROOT, "__tests__", "plan", "pipeline-plan.ts"), "utf8");
    expect(pipeline).toContain("[`-chdir=${dir}`, ...args]");
    expect(pipeline).toContain('["init", "-input=false"');
    expect(readFileSync(join(ROOT, "__tests__", "plan", "library-app.test.ts"), "utf8")).toContain("await planStackDirectory(");
    expect(existsSync(join(work, "out", "stacks", "ce-cli", "cdk.tf.json")) || synthStacks().length > 0).toBe(true);
  },
  "terraform -chdir=cdktf.out/stacks/ce-<name> plan -out=tfplan": () => {
    const pipeline = readFileSync(join(ROOT, "__tests__", "plan", "pipeline-plan.ts"), "utf8");
    expect(pipeline).toContain('["plan", "-input=false"');
    expect(pipeline).toContain('"-out=tfplan"');
  },
  "npm run docs": () => {
    const result = run("npm run -s docs -- --check");
    expect(`${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  },
  "npm run cost": () => {
    const result = run("npm run -s cost", { CE_ENV_FILE: cliEnvironmentFile });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("| ce-cli | standalone |");
  },
  "npm run pin-images": () => {
    // Offline: an environment whose images are all in ECR gets the commands that read their digests;
    // the registry API path is proven against a loopback registry (__tests__/supply-chain/image-digests.test.ts).
    const file = join(work, "legacy.json");
    writeFileSync(
      file,
      JSON.stringify({ name: "legacy", accountId: "210987654321", region: "us-east-1", availabilityZones: ["us-east-1a", "us-east-1b"], release: "5.0", size: { preset: "small" }, state: { bucket: "b-state", region: "us-east-1" } }),
    );
    const result = run("npm run -s pin-images", { CE_ENV_FILE: file });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("requireDigests: true");
    expect(result.stdout).toContain("// core: aws ecr describe-images --region us-east-1 --repository-name netskope/core5 --image-ids imageTag=11062023");
    // An environment with the data upgrade also gets its MongoDB images (images.requireDigests covers them).
    const mirror = "210987654321.dkr.ecr.us-east-1.amazonaws.com/mirror";
    const upgrading = join(work, "upgrading.json");
    writeFileSync(
      upgrading,
      JSON.stringify({
        name: "upgrading", accountId: "210987654321", region: "us-east-1", availabilityZones: ["us-east-1a", "us-east-1b"], release: "6.1", size: { preset: "medium" }, state: { bucket: "b-state", region: "us-east-1" },
        images: Object.fromEntries(["core", "ui", "mongodb", "rabbitmq"].map((name) => [name, { repository: `${mirror}/${name}` }])),
        upgrade: { fromRelease: "5.0", images: Object.fromEntries(["5.0", "6.0", "7.0"].map((v) => [v, { repository: `${mirror}/mongo` }])) },
      }),
    );
    const upgraded = run("npm run -s pin-images", { CE_ENV_FILE: upgrading });
    expect(upgraded.stderr).toBe("");
    expect(upgraded.stdout).toContain(`// "6.0": aws ecr describe-images --region us-east-1 --repository-name mirror/mongo --image-ids imageTag=6.0.12`);
  },
  "npm run cutover": () => {
    const file = join(work, "adopted.json");
    writeFileSync(file, JSON.stringify(adoptedEnvironment("6.1")));
    const result = run("npm run -s cutover", { CE_ENV_FILE: file });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("# Cut-over of ce-adopted6 from the official CloudFormation stack netskope-ce");
    expect(result.stdout).toContain("npx cdktf deploy ce-adopted6");
    expect(result.stdout).toContain("for address in aws_efs_file_system.storage_file-system ");
  },
  "npm run restore -- <name> [recovery point ARN]": () => {
    // The printed steps themselves run under bash against stand-in aws and terraform, for every environment file, in
    // __tests__/restore/restore.test.ts; here, the command line on the fixture.
    const result = run("npm run -s restore -- cli", { CE_ENV_FILE: cliEnvironmentFile });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("# Restore of ce-cli from its vault ce-cli into a new file system");
    expect(result.stdout).toMatch(/^# 2\. As the break-glass role /m);
    const refused = run("npm run -s restore -- cli arn:aws:backup:xx-nowhere-1:000000000000:recovery-point:x", { CE_ENV_FILE: cliEnvironmentFile });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("where its vault is");
  },
  "npm run failover -- <standby>": () => {
    // The printed steps themselves run under bash against stand-in aws and terraform, for every standby environment
    // file, in __tests__/standby/failover.test.ts; here, the command line on a standby fixture.
    const file = join(work, "standby.json");
    writeFileSync(file, JSON.stringify(standbyOf(replicatingPrimary)));
    const result = run("npm run -s failover -- test-standby", { CE_ENV_FILE: file });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`# Failover of ce-test (${REGION}) to its standby ce-test-standby (${STANDBY_REGION})`);
    expect(result.stdout).toMatch(/^# P3\. Delete the replication from /m);
    expect(result.stdout).toMatch(/^# F5\. Deploy /m);
    const refused = run("npm run -s failover -- cli", { CE_ENV_FILE: cliEnvironmentFile });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("cli is no standby");
  },
  "terraform state pull | npm run -s purge-state-secrets": () => {
    // The purge itself is proven on a real applied state in __tests__/plan/generated-secrets-apply.test.ts; here, the command line.
    const result = run("npm run -s purge-state-secrets", {}, 60_000);
    expect(spawnSync("bash", ["-c", "echo '{\"version\":4,\"serial\":1,\"resources\":[]}' | npm run -s purge-state-secrets"], { cwd: ROOT, encoding: "utf8" }).stderr).toContain(
      "the state holds no generated value; nothing to push",
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("standard input is not a Terraform state");
  },
  "npm run task -- ce-<name> [task family] [--create-only] [--keep]": () => {
    // What the runner does with a task is proven in __tests__/runner; here, the command line: it
    // synthesizes the environment and finds the stack's task families before it needs the runner.
    const missing = run("npm run -s task -- ce-cli no-such-family --create-only", { CE_ENV_FILE: cliEnvironmentFile });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("ce-cli has no task family no-such-family; it has: ce-cli");
    const unknown = run("npm run -s task -- ce-elsewhere", { CE_ENV_FILE: cliEnvironmentFile });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("no environment has the stack ce-elsewhere; the stacks with tasks: ce-cli");
    expect(run("npm run -s task -- ce-cli --fast").stderr).toContain("unknown option --fast; allowed: --create-only, --keep");
  },
  "npm run bench": () => {
    expect(pkg.scripts.bench).toBe("tsx scripts/bench.ts");
    const tsconfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8"));
    expect(tsconfig.include).toContain("scripts/**/*.ts");
    expect(existsSync(join(ROOT, "scripts", "bench-synth.ts"))).toBe(true);
  },
  "npm run typecheck": () => {
    expect(pkg.scripts.typecheck).toBe("tsc --noEmit");
    expect(pkg.scripts.test.startsWith(`${pkg.scripts.typecheck} && `)).toBe(true);
  },
};

describe("help", () => {
  it("lists only commands this test knows how to prove", () => {
    expect(helpCommands().filter((c) => !(c in RUNNERS))).toEqual([]);
    expect(Object.keys(RUNNERS).filter((c) => !helpCommands().includes(c))).toEqual([]);
  });

  it.each(helpCommands())("%s works", (command) => {
    RUNNERS[command]();
  }, 180_000);
});

describe("README and docs", () => {
  const texts = ["README.md", "docs/runbooks.md", "docs/ha.md", "examples/README.md", "SECURITY.md"].map((f) => readFileSync(join(ROOT, f), "utf8")).join("\n");

  it("mention only npm scripts that exist", () => {
    const scripts = [...texts.matchAll(/npm run (?:-s )?([a-z:-]+)/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(3);
    expect(scripts.filter((s) => !(s in pkg.scripts))).toEqual([]);
  });

  it("mention only cdktf subcommands that exist", () => {
    const subcommands = [...new Set([...texts.matchAll(/npx cdktf ([a-z]+)/g)].map((m) => m[1]))];
    expect(subcommands.length).toBeGreaterThan(2);
    expect(subcommands.filter((sub) => !cdktfSubcommands().has(sub))).toEqual([]);
  }, 120_000);
});
