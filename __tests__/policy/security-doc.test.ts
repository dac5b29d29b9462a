/**
 * SECURITY.md says only what the suite proves: every statement of "What the
 * stacks guarantee" names its proof (a test by file and title, or a control),
 * every proof exists, every control id the document mentions is one the
 * suite runs, every Terraform type or property a statement names is read by
 * one of its proofs, every environment field it names exists, and the
 * control tables list exactly the suite's controls and exceptions.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentFieldPaths } from "../../scripts/lib/environment-reference";
import { CONTROLS } from "./controls";
import { EXCEPTIONS } from "./exceptions";
import { PLAN_CONTROLS } from "./plan-controls";

const ROOT = join(__dirname, "..", "..");
const text = readFileSync(join(ROOT, "SECURITY.md"), "utf8");

/** Rows of the markdown table that follows a header line starting with `header`. */
function table(header: string): string[][] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(header));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split("|").slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

interface Statement {
  readonly claim: string;
  readonly tests: { file: string; title: string }[];
  readonly controls: string[];
}

/** The statements of "What the stacks guarantee": bullets, each with its Proof line. */
function statements(): Statement[] {
  const section = text.slice(text.indexOf("## What the stacks guarantee"), text.indexOf("\n## ", text.indexOf("## What the stacks guarantee") + 5));
  return section
    .split(/\n- /)
    .slice(1)
    .map((bullet) => {
      const body = bullet.split(/\n#{2,3} /)[0];
      const [claim, proof = ""] = body.split(/\n\s+Proof: /);
      return {
        claim: claim.replace(/\s+/g, " "),
        tests: [...proof.matchAll(/`(__tests__\/[^`]+\.ts)` › “([^”]+)”/g)].map((m) => ({ file: m[1], title: m[2] })),
        controls: [...proof.matchAll(/control `([^`]+)`/g)].map((m) => m[1]),
      };
    });
}

const knownControls = new Set([...CONTROLS, ...PLAN_CONTROLS].flatMap((c) => [c.id, ...c.id.split("/")]));
const CONTROL_ID = /\b(?:ECS|EFS|ELB|S3|EC2|CloudWatch|KMS|SNS|IAM|SecretsManager)\.\d+\b|\bCKV_AWS_\d+\b|\bCE-\d+\b/g;
const source = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** A test file's source with the test helpers it imports (relative imports inside __tests__): what the test reads with. */
function testSources(file: string): string {
  const code = source(file);
  const helpers = [...code.matchAll(/from "(\.{1,2}\/[^"]+)"/g)]
    .map((m) => join(file, "..", `${m[1]}.ts`))
    .filter((helper) => helper.startsWith("__tests__/") && existsSync(join(ROOT, helper)));
  return [code, ...helpers.map(source)].join("\n");
}

describe("SECURITY.md", () => {
  const all = statements();

  it("states its guarantees, each with a proof", () => {
    expect(all.length).toBeGreaterThan(20);
    for (const s of all) expect({ claim: s.claim.slice(0, 80), proofs: s.tests.length + s.controls.length > 0 }).toEqual({ claim: s.claim.slice(0, 80), proofs: true });
  });

  it("names only tests that exist, by file and title", () => {
    for (const { file, title } of all.flatMap((s) => s.tests)) {
      expect({ file, exists: existsSync(join(ROOT, file)) }).toEqual({ file, exists: true });
      const code = source(file);
      expect({ file, title, found: code.includes(`"${title}"`) || code.includes(`\`${title}\``) }).toEqual({ file, title, found: true });
    }
  });

  it("mentions only controls the suite runs", () => {
    const mentioned = [...new Set(text.match(CONTROL_ID) ?? [])];
    expect(mentioned.length).toBeGreaterThan(20);
    expect(mentioned.filter((id) => !knownControls.has(id))).toEqual([]);
    for (const id of all.flatMap((s) => s.controls)) expect({ id, known: knownControls.has(id) }).toEqual({ id, known: true });
  });

  it("names in each statement only Terraform types and properties one of its proofs reads", () => {
    const checked: string[] = [];
    for (const s of all) {
      const proofSources = [...s.tests.map((t) => testSources(t.file)), ...(s.controls.length > 0 ? [source("__tests__/policy/controls.ts")] : [])].join("\n");
      const terraformNames = [...s.claim.matchAll(/`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`/g)].map((m) => m[1]);
      for (const name of terraformNames) {
        checked.push(name);
        expect({ claim: s.claim.slice(0, 60), name, readByAProof: proofSources.includes(name) }).toEqual({ claim: s.claim.slice(0, 60), name, readByAProof: true });
      }
    }
    expect(checked.length).toBeGreaterThan(0);
  });

  it("names only environment fields the schema has", () => {
    const fields = new Set(environmentFieldPaths());
    const topLevel = new Set([...fields].map((f) => f.split(".")[0]));
    const mentioned = [...text.matchAll(/`([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)*)`/g)].map((m) => m[1]).filter((t) => topLevel.has(t.split(".")[0]));
    expect(mentioned.length).toBeGreaterThan(8);
    expect(mentioned.filter((f) => !fields.has(f))).toEqual([]);
  });

  it("lists every synthesized-JSON control with the suite's title, in the suite's order", () => {
    const rows = table("| Control | Requirement | Status |");
    expect(rows.map(([id, title]) => `${id} ${title}`)).toEqual(CONTROLS.map((c) => `${c.id} ${c.title}`));
  });

  it("marks exactly the controls with exceptions as such", () => {
    const rows = table("| Control | Requirement | Status |");
    const withExceptions = new Set(EXCEPTIONS.map((e) => e.control));
    for (const [id, , status] of rows) {
      expect({ id, exception: status.startsWith("exception") }).toEqual({ id, exception: withExceptions.has(id) });
    }
  });

  it("lists every plan-level control with the suite's title", () => {
    const rows = table("| Control | Requirement (on planned values) |");
    expect(rows.map(([id, title]) => `${id} ${title}`)).toEqual(PLAN_CONTROLS.map((c) => `${c.id} ${c.title}`));
  });
});
