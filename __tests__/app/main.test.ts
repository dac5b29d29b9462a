/**
 * The app: discovers environment files, builds one stack per environment,
 * accepts a JSON environment file for pipelines, synthesizes deterministically
 * and stops with a non-zero exit before synthesis when input is invalid.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Testing } from "cdktf";
import { environmentFiles, environmentSources } from "../../environments";
import { buildApp, sourcesFromProcess } from "../../main";
import { derive, environmentWarnings, parseEnvironment, parseEnvironments } from "../../modules/config";
import { baseEnvironment, CERTIFICATE_ARN } from "../support/fixtures";
import { CloudExchangeStack } from "../../modules/stacks/cloud-exchange-stack";

const ROOT = join(__dirname, "..", "..");

/** Every file below a directory with its content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return files;
}

describe("environment files", () => {
  it("are every environments/<name>.ts except index and _-prefixed files", () => {
    expect(environmentFiles()).toEqual(["dev.ts", "prod-standby.ts", "prod.ts", "staging.ts"]);
  });

  it("are valid and build one ce-<name> stack each plus the bootstrap stack", () => {
    const app = buildApp(parseEnvironments(environmentSources()), { outdir: "/nonexistent" });
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(["ce-dev", "ce-prod", "ce-prod-standby", "ce-staging", "ce-state-bootstrap"]);
  });

  it("keep the releases and sizes the issues ask for", () => {
    const byName = Object.fromEntries(parseEnvironments(environmentSources()).map((e) => [e.name, e]));
    expect(byName.dev).toMatchObject({ release: "6.1", variant: "standalone", size: { preset: "medium" } });
    expect(byName.staging).toMatchObject({ release: "6.1", variant: "standalone", size: { preset: "medium" } });
    expect(byName.prod).toMatchObject({ variant: "ha", size: { preset: "large" } });
  });
});

describe("synthesis", () => {
  it("is byte-identical across two runs of the same input", () => {
    const environments = parseEnvironments(environmentSources());
    const first = mkdtempSync(join(tmpdir(), "ce-synth-a-"));
    const second = mkdtempSync(join(tmpdir(), "ce-synth-b-"));
    try {
      buildApp(environments, { outdir: first }).synth();
      buildApp(parseEnvironments(environmentSources()), { outdir: second }).synth();
      const a = tree(first);
      const b = tree(second);
      expect(Object.keys(a).length).toBeGreaterThanOrEqual(4);
      expect(b).toEqual(a);
    } finally {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  });

  it("of a JSON environment file equals the TypeScript environment's", () => {
    const source = environmentSources().find((s) => s.source === "environments/staging.ts")!;
    const fromJson = parseEnvironment(JSON.parse(JSON.stringify(source.input)), "staging.json");
    const fromTs = parseEnvironment(source.input, source.source);
    const synth = (env: typeof fromTs) => Testing.synth(new CloudExchangeStack(Testing.app(), derive(env).stackName, { environment: env }));
    expect(synth(fromJson)).toBe(synth(fromTs));
  });
});

describe("warnings", () => {
  it("name an end-of-life release only once its support has ended", () => {
    const https = { ingress: { mode: "alb" as const, certificateArn: CERTIFICATE_ARN } };
    const legacy = parseEnvironment(baseEnvironment({ release: "5.0", ...https }));
    expect(environmentWarnings([legacy], ["a.ts"], "2026-01-30")).toEqual([]);
    expect(environmentWarnings([legacy], ["a.ts"], "2026-01-31")).toEqual([{ source: "a.ts", path: "release", message: expect.stringContaining("on 2026-01-31") }]);
    expect(environmentWarnings([parseEnvironment(baseEnvironment(https))], ["b.ts"], "2030-01-01")).toEqual([]);
  });

  it("name a load balancer that serves plain HTTP (ELB.1)", () => {
    expect(environmentWarnings([parseEnvironment(baseEnvironment())], ["b.ts"], "2026-01-01")).toEqual([
      {
        source: "b.ts",
        path: "ingress.certificateArn",
        message: expect.stringMatching(/^is not set: the load balancer serves plain HTTP.*Security Hub ELB.1 fails/),
      },
    ]);
  });

  it("are none for the shipped environments today but the end of CE 5.0 where one runs it", () => {
    const shipped = parseEnvironments(environmentSources());
    expect(environmentWarnings(shipped, [], "2026-11-23").filter((w) => w.path !== "release")).toEqual([]);
  });
});

describe("the cdktf app command", () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "ce-app-"));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const runApp = (env: Record<string, string>) =>
    spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: join(work, "out"), ...env },
      encoding: "utf8",
    });

  it("synthesizes just the environment of CE_ENV_FILE", () => {
    const file = join(work, "pipeline.json");
    const staging = environmentSources().find((s) => s.source === "environments/staging.ts")!.input as object;
    writeFileSync(file, JSON.stringify({ ...staging, name: "pipeline" }));
    const result = runApp({ CE_ENV_FILE: file });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(join(work, "out", "stacks"))).toEqual(["ce-pipeline"]);
  });

  it("synthesizes an environment on an end-of-life release, with a one-line warning", () => {
    const file = join(work, "legacy.json");
    const staging = environmentSources().find((s) => s.source === "environments/staging.ts")!.input as object;
    writeFileSync(file, JSON.stringify({ ...staging, name: "legacy", release: "5.0", defender: { enabled: false } }));
    const result = runApp({ CE_ENV_FILE: file });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`warning: ${file}: release: CE 5.0 reached the end of Netskope's support on 2026-01-31; move to 6.1 (docs/upgrades.md)\n`);
    expect(readdirSync(join(work, "out", "stacks"))).toEqual(["ce-legacy"]);
  });

  it("exits non-zero with one line per problem and writes no stack", () => {
    const file = join(work, "bad.json");
    writeFileSync(file, JSON.stringify({ name: "Bad Name", accountId: "1", region: "eu-west-1", availabilityZones: ["eu-west-1a"] }));
    const result = runApp({ CE_ENV_FILE: file });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Invalid environment ${file} (4 problems):`);
    expect(result.stderr).toMatch(/^ {2}- name: must be 1-16 characters/m);
    expect(result.stderr).toMatch(/^ {2}- accountId: must be a 12-digit AWS account ID \(got "1"\)/m);
    expect(result.stderr).toMatch(/^ {2}- availabilityZones: must have at least 2 items \(got 1 item\)/m);
    expect(result.stderr).toMatch(/^ {2}- state: is required/m);
    expect(existsSync(join(work, "out", "stacks"))).toBe(false);
  });

  it("reports an unreadable environment file", () => {
    expect(() => sourcesFromProcess({ CE_ENV_FILE: join(work, "missing.json") })).toThrow(/missing.json \(1 problem\):\n {2}- \(file\): cannot be read: ENOENT/);
  });
});
