/**
 * The project as a library: its public entry point (modules/index.ts)
 * exports every construct and the environment helpers, and the example app
 * in examples/library-app imports nothing of the project but that entry
 * point. That the app synthesizes with its own main.ts and plans offline is
 * __tests__/plan/library-app.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Construct } from "constructs";
import ts from "typescript";
import * as library from "../../modules";

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
});
