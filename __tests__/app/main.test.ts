/**
 * The app command (`tsx main.ts`, what `cdktf synth` runs): a JSON
 * environment file for pipelines, warnings, and a non-zero exit with one
 * line per problem before anything is synthesized. Fixtures only; what the
 * app builds from the environment files is in environment-files.test.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentWarnings, parseEnvironment } from "../../modules/config";
import { baseEnvironment, CERTIFICATE_ARN } from "../support/fixtures";

const ROOT = join(__dirname, "..", "..");

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
    writeFileSync(file, JSON.stringify(baseEnvironment({ name: "pipeline", ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } })));
    const result = runApp({ CE_ENV_FILE: file });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(join(work, "out", "stacks"))).toEqual(["ce-pipeline"]);
  });

  it("synthesizes an environment on an end-of-life release, with a one-line warning", () => {
    const file = join(work, "legacy.json");
    writeFileSync(file, JSON.stringify(baseEnvironment({ name: "legacy", release: "5.0", size: { preset: "small" }, ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } })));
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
});
