/**
 * `help` stays true: every command it lists is run here (or by .ci/run), so
 * none goes stale. Commands that need AWS credentials (deploy, diff,
 * destroy) cannot run offline; for them the test checks that the cdktf
 * subcommand exists and that the stack they name is synthesized, and the
 * plan harness runs the pipeline's terraform commands offline. The README's
 * npm scripts and cdktf subcommands must exist too.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentSources } from "../../environments";

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

function run(command: string, env: Record<string, string> = {}, timeout = 120_000) {
  return spawnSync("bash", ["-c", command], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, encoding: "utf8", timeout });
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ce-commands-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let synthesizedStacks: string[] | undefined;
function synthStacks(): string[] {
  if (!synthesizedStacks) {
    const result = run(`npx cdktf synth --output ${join(work, "out")}`);
    expect(result.status).toBe(0);
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
    expect(synthStacks()).toEqual(["ce-dev", "ce-prod", "ce-staging", "ce-state-bootstrap"]);
  },
  "CE_ENV_FILE=env.json npx cdktf synth": () => {
    const file = join(work, "env.json");
    const dev = environmentSources().find((s) => s.source === "environments/dev.ts")!.input as object;
    writeFileSync(file, JSON.stringify({ ...dev, name: "fromjson" }));
    const result = run(`npx cdktf synth --output ${join(work, "json-out")}`, { CE_ENV_FILE: file });
    expect(result.status).toBe(0);
    expect(readdirSync(join(work, "json-out", "stacks"))).toEqual(["ce-fromjson"]);
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
    expect(files.some((f) => f.endsWith("policy-plan.test.ts"))).toBe(false);
    expect(files.some((f) => f.endsWith("policy.test.ts"))).toBe(true);
  },
  "npx cdktf deploy ce-state-bootstrap": () => {
    expect(run("npx cdktf deploy --help").status).toBe(0);
    expect(synthStacks()).toContain("ce-state-bootstrap");
  },
  "npx cdktf diff ce-<name>": () => {
    expect(run("npx cdktf diff --help").status).toBe(0);
    expect(synthStacks()).toEqual(expect.arrayContaining(["ce-dev", "ce-staging", "ce-prod"]));
  },
  "npx cdktf deploy ce-<name>": () => expect(run("npx cdktf deploy --help").status).toBe(0),
  "npx cdktf destroy ce-<name>": () => expect(run("npx cdktf destroy --help").status).toBe(0),
  "terraform -chdir=cdktf.out/stacks/ce-<name> init": () => {
    const harness = readFileSync(join(ROOT, "__tests__", "plan", "harness.ts"), "utf8");
    expect(harness).toContain('terraform("init"');
    expect(existsSync(join(work, "out", "stacks", "ce-dev", "cdk.tf.json")) || synthStacks().length > 0).toBe(true);
  },
  "terraform -chdir=cdktf.out/stacks/ce-<name> plan -out=tfplan": () => {
    const harness = readFileSync(join(ROOT, "__tests__", "plan", "harness.ts"), "utf8");
    expect(harness).toContain('terraform("plan"');
    expect(harness).toContain('"-out=tfplan"');
  },
  "npm run docs": () => {
    const result = run("npm run -s docs -- --check");
    expect(`${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  },
  "npm run cost": () => {
    const result = run("npm run -s cost");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("| ce-prod | ha |");
  },
  "npm run bench": () => {
    const result = run("npm run -s bench -- --quick");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/barrel \/ deep ratio\s+: \d+\.\dx/);
  },
  "npm run typecheck": () => expect(run("npm run -s typecheck").status).toBe(0),
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
    const scripts = [...texts.matchAll(/npm run (?:-s )?([a-z:]+)/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(3);
    expect(scripts.filter((s) => !(s in pkg.scripts))).toEqual([]);
  });

  it("mention only cdktf subcommands that exist", () => {
    const subcommands = [...new Set([...texts.matchAll(/npx cdktf ([a-z]+)/g)].map((m) => m[1]))];
    expect(subcommands.length).toBeGreaterThan(2);
    for (const sub of subcommands) expect({ sub, status: run(`npx cdktf ${sub} --help`).status }).toEqual({ sub, status: 0 });
  }, 120_000);
});
