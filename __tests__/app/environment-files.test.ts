/**
 * The environment files, whatever they are (the shipped examples, or yours
 * in a fork): discovered by name, valid, each building its stack, JSON-safe,
 * synthesized deterministically. Nothing here names a shipped environment;
 * the fixed expectations are about fixtures.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Testing } from "cdktf";
import { environmentFiles, environmentSources } from "../../environments";
import { sourcesFromProcess } from "../../main";
import { buildApp } from "../../modules/app";
import { derive, EnvironmentInput, parseEnvironment, parseEnvironments } from "../../modules/config";
import { defenderMemberStackName } from "../../modules/defender/defender-member-stack";
import { CloudExchangeStack } from "../../modules/stacks/cloud-exchange-stack";
import { provider6Findings } from "../support/aws-provider-6";
import { fixturesBesideEnvironments } from "../support/fixtures";
import { synthApp } from "../support/synth";

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

const sources = environmentSources();
const environments = parseEnvironments(sources);

describe("environment discovery", () => {
  it("takes every <name>.ts of a directory but index.ts and _-prefixed files", () => {
    const dir = mkdtempSync(join(tmpdir(), "ce-environments-"));
    try {
      for (const file of ["_shared.ts", "index.ts", "dev.ts", "qa-east.ts", "a1.ts", "README.md", "Upper.ts", "notes.txt", "-x.ts"]) writeFileSync(join(dir, file), "");
      expect(environmentFiles(dir)).toEqual(["a1.ts", "dev.ts", "qa-east.ts"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports an unreadable JSON environment file", () => {
    expect(() => sourcesFromProcess({ CE_ENV_FILE: join(tmpdir(), "ce-missing-environment.json") })).toThrow(/missing-environment.json \(1 problem\):\n {2}- \(file\): cannot be read: ENOENT/);
  });
});

describe("the environment files", () => {
  it("are at least one, and all valid", () => {
    expect(sources.length).toBeGreaterThan(0);
    expect(environments).toHaveLength(sources.length);
  });

  it("build one ce-<name> stack each, a member-role stack per member account, and the bootstrap stack", () => {
    const app = buildApp(environments, { outdir: "/nonexistent" });
    const expected = environments.flatMap((env) => [
      derive(env).stackName,
      ...(env.defender.enabled && env.defender.deploymentMode === "organization" ? env.defender.accounts.map((a) => defenderMemberStackName(env.name, a)) : []),
    ]);
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual([...expected, "ce-state-bootstrap"].sort());
  });

  it("use no name a test fixture synthesized beside them uses (rename the environment if this fails)", () => {
    const reserved = new Set(fixturesBesideEnvironments().map((f) => f.name));
    expect(environments.filter((env) => reserved.has(env.name)).map((env) => `${env.name} (reserved by the test fixtures: ${[...reserved].sort().join(", ")})`)).toEqual([]);
  });

  it.each(sources.map((s) => [s.source, s] as const))("%s synthesizes the same from JSON as from TypeScript", (_file, source) => {
    const fromJson = parseEnvironment(JSON.parse(JSON.stringify(source.input)), `${source.source}.json`);
    const fromTs = parseEnvironment(source.input, source.source);
    const synth = (env: typeof fromTs) => Testing.synth(new CloudExchangeStack(Testing.app(), derive(env).stackName, { environment: env }));
    expect(synth(fromJson)).toBe(synth(fromTs));
  });
});

describe("every environment file's stack", () => {
  const stacks = synthApp(sources.map((s) => s.input as EnvironmentInput));

  it.each(Object.keys(stacks).sort())("%s declares the Terraform it needs (>= 1.10, for S3-native locking)", (name) => {
    expect(stacks[name].terraform?.required_version).toBe(">= 1.10");
  });

  it.each(Object.keys(stacks).sort())("%s synthesizes nothing AWS provider 6 removed (CDK Terrain's AWS bindings are for 6 only)", (name) => {
    expect(provider6Findings(stacks[name])).toEqual([]);
  });
});

describe("synthesis of the environment files", () => {
  it("by the app command (what cdktf synth runs) is byte-identical to the app built here, one stack directory each", () => {
    const first = mkdtempSync(join(tmpdir(), "ce-synth-a-"));
    const second = mkdtempSync(join(tmpdir(), "ce-synth-b-"));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: first };
      delete env.CE_ENV_FILE;
      const command = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
      expect(command.status).toBe(0);
      buildApp(parseEnvironments(environmentSources()), { outdir: second }).synth();
      const a = tree(first);
      const b = tree(second);
      const stacks = buildApp(environments, { outdir: "/nonexistent" }).node.children.map((c) => `stacks/${c.node.id}/cdk.tf.json`);
      expect(Object.keys(a).filter((f) => f.endsWith("cdk.tf.json")).sort()).toEqual(stacks.sort());
      expect(b).toEqual(a);
    } finally {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  }, 150_000);
});
