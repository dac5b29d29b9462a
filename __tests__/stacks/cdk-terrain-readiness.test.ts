/**
 * Nothing in the code blocks a move to CDK Terrain (cdktn), the community
 * continuation of CDKTF (README, "Life after CDKTF"). CDK Terrain keeps
 * CDKTF's API (its index re-exports the same modules) and renames the
 * packages; its AWS bindings are for AWS provider 6 only. So the code must:
 *
 * - import cdktf by its package name only, never a file inside the package
 *   (paths inside a package are no API and are not kept), so the move is a
 *   rename of module specifiers;
 * - use only names that a module CDK Terrain's index re-exports declares;
 * - use nothing cdktf 0.21 marks deprecated, which a continuation drops
 *   first (names, and the options given to the backends);
 * - import provider classes per resource (`@cdktf/provider-aws/lib/<resource>`),
 *   the layout @cdktn/provider-aws keeps;
 * - synthesize nothing AWS provider 6 removed (checked here on the
 *   fixtures' and scenario examples' stacks; the environment files' stacks
 *   in __tests__/app/environment-files.test.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { provider6Findings } from "../support/aws-provider-6";
import { CDK_TERRAIN_INDEX_MODULES } from "../support/cdk-terrain";
import { adoptedEnvironment, haEnvironment, variations } from "../support/fixtures";
import { scenarioExamples } from "../support/scenario-examples";
import { StackJson, synthApp } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
const CDKTF_LIB = join(dirname(require.resolve("cdktf/package.json")), "lib");

/** The project's own code: what a move to CDK Terrain would edit. */
function projectFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "cdktf.out" ? [] : walk(path);
      return entry.name.endsWith(".ts") ? [path] : [];
    });
  return [join(ROOT, "main.ts"), ...["modules", "environments", "scripts", "examples"].flatMap((dir) => walk(join(ROOT, dir)))];
}

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly names: readonly string[];
}

/** Every import declaration of a file: module specifier and the names it imports. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  return source.statements.filter(ts.isImportDeclaration).map((declaration) => {
    const bindings = declaration.importClause?.namedBindings;
    const names = bindings && ts.isNamedImports(bindings) ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : [];
    return { file: relative(ROOT, file), specifier: (declaration.moduleSpecifier as ts.StringLiteral).text, names };
  });
}

/** Every .d.ts file below cdktf's lib, relative to it. */
function declarationFiles(dir = CDKTF_LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith(".d.ts") ? [relative(CDKTF_LIB, path)] : [];
  });
}

/** The top-level module of cdktf's lib a declaration file belongs to (`backends/s3-backend.d.ts` is in `backends`). */
function moduleOf(file: string): string {
  if (file.startsWith("functions/")) return file.replace(/\.d\.ts$/, "");
  return file.split("/")[0].replace(/\.d\.ts$/, "");
}

/** The cdktf modules that declare an exported name. */
function declaringModules(name: string): string[] {
  const declares = new RegExp(`export (?:declare )?(?:abstract )?(?:class|interface|function|const|type|enum|namespace) ${name}\\b`);
  return [...new Set(declarationFiles().filter((file) => declares.test(readFileSync(join(CDKTF_LIB, file), "utf8"))).map(moduleOf))];
}

/** Names cdktf 0.21 marks @deprecated in a declaration file: classes, functions and members. */
function deprecatedIn(file: string): string[] {
  const text = readFileSync(join(CDKTF_LIB, file), "utf8");
  return [...text.matchAll(/@deprecated[^]*?\*\/\s*(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:readonly\s+)?(?:class\s+|interface\s+|function\s+|const\s+|type\s+)?([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
}

/** The keys of the object literals a file passes to `new <className>(scope, { ... })`. */
function optionsGivenTo(file: string, className: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const keys: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText() === className) {
      for (const argument of node.arguments ?? []) {
        if (ts.isObjectLiteralExpression(argument)) keys.push(...argument.properties.map((p) => p.name?.getText() ?? "").filter(Boolean));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return keys;
}

const imports = projectFiles().flatMap(importsOf);
const cdktf = imports.filter((i) => i.specifier === "cdktf" || i.specifier.startsWith("cdktf/"));

describe("ready for CDK Terrain", () => {
  it("imports cdktf by its package name only, never a file inside it", () => {
    expect(cdktf.length).toBeGreaterThan(10);
    expect(cdktf.filter((i) => i.specifier !== "cdktf").map((i) => `${i.file}: ${i.specifier}`)).toEqual([]);
  });

  it("pins the cdktf whose index re-exports exactly the modules CDK Terrain's index does", () => {
    const index = readFileSync(join(CDKTF_LIB, "index.d.ts"), "utf8");
    const modules = [...index.matchAll(/^export \* from "\.\/([^"]+)";$/gm)].map((m) => m[1]);
    expect(modules).toEqual([...CDK_TERRAIN_INDEX_MODULES]);
  });

  it("uses only names a module of CDK Terrain's index declares", () => {
    const names = [...new Set(cdktf.flatMap((i) => i.names))].sort();
    expect(names.length).toBeGreaterThan(8);
    const kept = new Set<string>(CDK_TERRAIN_INDEX_MODULES);
    const outside = names.map((name) => ({ name, modules: declaringModules(name) })).filter(({ modules }) => modules.length === 0 || !modules.some((m) => kept.has(m)));
    expect(outside).toEqual([]);
  });

  it("uses nothing cdktf 0.21 marks deprecated: no deprecated name, no deprecated backend option", () => {
    const deprecatedNames = new Set(declarationFiles().filter((f) => !f.startsWith("backends/")).flatMap(deprecatedIn));
    expect([...deprecatedNames]).toEqual(expect.arrayContaining(["Resource", "ComplexComputedList"]));
    expect(cdktf.flatMap((i) => i.names.filter((n) => deprecatedNames.has(n)).map((n) => `${i.file}: ${n}`))).toEqual([]);
    const s3Deprecated = deprecatedIn("backends/s3-backend.d.ts");
    expect(s3Deprecated).toEqual(expect.arrayContaining(["endpoint", "roleArn", "forcePathStyle"]));
    const backendUses = projectFiles().flatMap((file) => [
      ...optionsGivenTo(file, "S3Backend").filter((key) => s3Deprecated.includes(key)).map((key) => `${relative(ROOT, file)}: S3Backend ${key}`),
      ...optionsGivenTo(file, "LocalBackend").filter((key) => deprecatedIn("backends/local-backend.d.ts").includes(key)).map((key) => `${relative(ROOT, file)}: LocalBackend ${key}`),
    ]);
    expect(backendUses).toEqual([]);
  });

  it("reaches inside cdktf only in the tests' stack-trace switch (setup-after-env.ts), which a move renames with the rest", () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []));
    const inside = walk(join(ROOT, "__tests__")).filter((file) => /["']cdktf\/lib\//.test(readFileSync(file, "utf8")));
    expect(inside.map((file) => relative(ROOT, file))).toEqual(["__tests__/support/setup-after-env.ts"]);
  });

  it("imports AWS provider classes per resource, the layout CDK Terrain's AWS bindings keep", () => {
    const provider = imports.filter((i) => i.specifier.startsWith("@cdktf/provider-aws"));
    expect(provider.length).toBeGreaterThan(20);
    expect(provider.filter((i) => !/^@cdktf\/provider-aws\/lib\/[a-z0-9-]+$/.test(i.specifier)).map((i) => `${i.file}: ${i.specifier}`)).toEqual([]);
  });
});

describe("ready for AWS provider 6 (CDK Terrain's AWS bindings)", () => {
  const stacks: Record<string, StackJson> = {
    ...synthApp([...Object.values(variations()), haEnvironment({ name: "hagen" }), adoptedEnvironment("5.0"), adoptedEnvironment("6.1")]),
    ...synthApp(scenarioExamples().map((e) => e.input)),
  };

  it.each(Object.keys(stacks).sort())("%s synthesizes nothing AWS provider 6 removed", (name) => {
    expect(provider6Findings(stacks[name])).toEqual([]);
  });

  it("finds a removed argument, a removed resource type and a changed attribute when a stack has one", () => {
    const mutated = JSON.parse(JSON.stringify(stacks["ce-newhttp"])) as StackJson & { resource: Record<string, Record<string, any>> };
    Object.values(mutated.resource.aws_eip)[0].vpc = true;
    mutated.resource.aws_simpledb_domain = { legacy: { name: "x" } };
    Object.values(mutated.resource.aws_ssm_parameter ?? (mutated.resource.aws_ssm_parameter = { p: {} }))[0].value = "${aws_s3_bucket.ingress_access-log-bucket_bucket.region}";
    expect(provider6Findings(mutated).map((f) => f.message)).toEqual(
      expect.arrayContaining([
        "argument vpc was removed; use domain",
        "resource type aws_simpledb_domain was removed",
        "its region attribute is now Enhanced Region Support's; read bucket_region",
      ]),
    );
  });
});
