/**
 * The project as a library: its public entry point (modules/index.ts)
 * exports every construct and the environment helpers, and the example app
 * in examples/library-app builds a stack from that entry point alone, which
 * synthesizes with its own main.ts and plans offline with plain Terraform in
 * the synthesized directory.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { Construct } from "constructs";
import ts from "typescript";
import * as library from "../../modules";
import { describePlans } from "../plan/plan-availability";
import { planStackDirectory } from "../plan/pipeline-plan";
import { PlanJson } from "../plan/harness";

const ROOT = join(__dirname, "..", "..");
const MODULES = join(ROOT, "modules");
const EXAMPLE = join(ROOT, "examples", "library-app");

/** Every .ts file below a directory. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The construct classes a module file exports, by name. */
function constructClassesOf(file: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(file) as Record<string, unknown>;
  return Object.entries(exported)
    .filter(([, value]) => typeof value === "function" && (value as { prototype?: unknown }).prototype instanceof Construct)
    .map(([name]) => name);
}

/** The module specifiers a TypeScript file imports. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

describe("the public entry point (modules/index.ts)", () => {
  it("exports every construct class under modules/", () => {
    const constructs = sourceFiles(MODULES)
      .filter((file) => file !== join(MODULES, "index.ts"))
      .flatMap((file) => constructClassesOf(file).map((name) => ({ name, file: relative(ROOT, file) })));
    expect(constructs.length).toBeGreaterThan(20);
    const exported = library as Record<string, unknown>;
    expect(constructs.filter(({ name }) => exported[name] === undefined).map(({ name, file }) => `${name} (${file})`)).toEqual([]);
  });

  it("exports defineEnvironment, the typing helper of environment files", () => {
    const input = { name: "x", accountId: "123456789012", region: "us-east-1", availabilityZones: ["us-east-1a", "us-east-1b"], state: { bucket: "b-state", region: "us-east-1" } };
    expect(library.defineEnvironment(input)).toBe(input);
  });

  it("refuses a bad environment with the field and what is allowed, before anything is built", () => {
    expect(() => library.parseEnvironment({ name: "x", accountId: "1", region: "us-east-1", availabilityZones: ["us-east-1a", "us-east-1b"], state: { bucket: "b-state", region: "us-east-1" } }, "app.ts")).toThrow(
      /app\.ts \(1 problem\):\n {2}- accountId: must be a 12-digit AWS account ID \(got "1"\)/,
    );
  });
});

describe("the example app (examples/library-app)", () => {
  const main = join(EXAMPLE, "main.ts");
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };

  it("imports nothing from the project but its public entry point", () => {
    const imports = importsOf(main);
    const project = imports.filter((specifier) => specifier.startsWith("."));
    expect(project.map((specifier) => relative(ROOT, resolve(dirname(main), specifier)))).toEqual(["modules"]);
    const packages = imports.filter((specifier) => !specifier.startsWith("."));
    const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
    expect(packages.filter((specifier) => !(packageOf(specifier) in pkg.dependencies))).toEqual([]);
  });

  let out: string;
  let synth: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "ce-library-app-"));
    synth = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"], {
      cwd: EXAMPLE,
      env: { ...process.env, CDKTF_OUTDIR: out },
      encoding: "utf8",
      timeout: 120_000,
    });
  }, 150_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("synthesizes its own stack with its own main.ts", () => {
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    expect(readdirSync(join(out, "stacks"))).toEqual(["ce-library"]);
    const stack = JSON.parse(readFileSync(join(out, "stacks", "ce-library", "cdk.tf.json"), "utf8"));
    expect(Object.keys(stack.resource.aws_cloudwatch_dashboard)).toEqual(["dashboard"]);
    expect(stack.resource.aws_cloudwatch_dashboard.dashboard.dashboard_body).toContain("${aws_ecs_service.workload_service_service.name}");
    expect(Object.keys(stack.resource.aws_ecs_service)).toEqual(["workload_service_service"]);
  });

  describePlans("planned offline with plain terraform in the synthesized directory", () => {
    let plan: PlanJson;
    beforeAll(async () => {
      plan = await planStackDirectory(join(out, "stacks", "ce-library"));
    }, 300_000);

    it("creates the library's resources and the app's own dashboard, and nothing else", () => {
      const changes = plan.resource_changes ?? [];
      expect(new Set(changes.flatMap((c) => c.change.actions))).toEqual(new Set(["create"]));
      expect(changes.find((c) => c.address === "aws_cloudwatch_dashboard.dashboard")!.change.after).toMatchObject({ dashboard_name: "ce-library-services" });
      expect(changes.filter((c) => c.type === "aws_ecs_service").map((c) => c.address)).toEqual(["aws_ecs_service.workload_service_service"]);
      expect(existsSync(join(out, "stacks", "ce-library", ".terraform"))).toBe(true);
    });
  });
});
