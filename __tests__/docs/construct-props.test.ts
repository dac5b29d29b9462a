/**
 * Every construct's props are documented: each field of every `*Props` or
 * `*Options` interface or type under modules/ (and the shared AwsLocation)
 * has a JSDoc comment, and every optional field's comment says what happens
 * when it is left out (its default, or that leaving it out means "none").
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const MODULES = join(ROOT, "modules");
const DOCUMENTED = /(Props|Options)$|^AwsLocation$/;
/** Words that tell a reader what an omitted field means. */
const SAYS_DEFAULT = /default|undefined|none|unset|when set|if any|omitted|left out|turns? .* off/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Members of the type literals a declaration is made of (through unions, intersections and parentheses). */
function members(node: ts.Node): ts.PropertySignature[] {
  if (ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) return node.members.filter(ts.isPropertySignature);
  if (ts.isTypeAliasDeclaration(node)) return members(node.type);
  if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) return node.types.flatMap(members);
  if (ts.isParenthesizedTypeNode(node)) return members(node.type);
  return [];
}

interface Field {
  readonly where: string;
  readonly optional: boolean;
  readonly doc: string;
}

function documentedFields(): Field[] {
  const fields: Field[] = [];
  for (const path of sourceFiles(MODULES)) {
    const text = readFileSync(path, "utf8");
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    for (const statement of file.statements) {
      if (!(ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))) continue;
      if (!DOCUMENTED.test(statement.name.text)) continue;
      for (const member of members(statement)) {
        const docs = ts.getJSDocCommentsAndTags(member).map((d) => d.getText());
        fields.push({
          where: `${relative(ROOT, path)} ${statement.name.text}.${member.name.getText()}`,
          optional: member.questionToken !== undefined,
          doc: docs.join(" "),
        });
      }
    }
  }
  return fields;
}

describe("construct props", () => {
  const fields = documentedFields();

  it("finds the props of the constructs", () => {
    const names = new Set(fields.map((f) => f.where.split(" ")[1].split(".")[0]));
    for (const name of ["CloudExchangeStackProps", "NetworkProps", "NewVpcProps", "HaClusterProps", "WorkloadProps", "AwsLocation", "FileSystemProps"]) {
      expect(names).toContain(name);
    }
    expect(fields.length).toBeGreaterThan(150);
  });

  it("documents every field", () => {
    expect(fields.filter((f) => f.doc === "").map((f) => f.where)).toEqual([]);
  });

  it("says what an optional field defaults to", () => {
    expect(fields.filter((f) => f.optional && f.doc !== "" && !SAYS_DEFAULT.test(f.doc)).map((f) => `${f.where}: ${f.doc}`)).toEqual([]);
  });
});
