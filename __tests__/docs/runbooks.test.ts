/**
 * The runbooks name real things: every environment field they mention is in
 * the schema, every Terraform address is in the synthesized stacks, every
 * stack output exists, and every runbook lists its fields and commands.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentFieldPaths } from "../../scripts/lib/environment-reference";
import { baseEnvironment, haEnvironment } from "../support/fixtures";
import { synthEnvironment } from "../support/synth";

const text = readFileSync(join(__dirname, "..", "..", "docs", "runbooks.md"), "utf8");
const sections = text.split(/^## /m).slice(1);
const fields = new Set(environmentFieldPaths());
const topLevel = new Set([...fields].map((f) => f.split(".")[0]));

describe("runbooks", () => {
  it("cover the routine tasks", () => {
    expect(sections.map((s) => s.split("\n")[0])).toEqual([
      "First login and reaching the UI",
      "Break-glass access with ECS Exec",
      "Upgrading Cloud Exchange",
      "Moving a standalone environment to HA",
      "Backing up and restoring EFS",
      "Failing over to the standby region",
      "Rotating secrets",
      "Purging generated values from a state made before 0.2.0",
      "Moving to CE 6.x and adopting an official-template deployment",
      "Rotating the internal certificates (CE 6.x)",
      "Losing one HA node and getting it back",
      "Replacing an HA node's data",
      "Removing nodes for good",
      "Destroying an environment on purpose",
    ]);
  });

  it.each(sections.map((s) => [s.split("\n")[0], s] as const))("%s names its fields and commands", (_title, section) => {
    const line = section.split("\n").find((l) => l.startsWith("Fields:"));
    expect(line).toBeDefined();
    expect((line!.match(/`[^`]+`/g) ?? []).length).toBeGreaterThan(0);
    expect(section).toMatch(/```sh\n[\s\S]+?```/);
  });

  it("mention only fields the schema has", () => {
    const mentioned = [...text.matchAll(/`([a-z][A-Za-z]*(?:\.[A-Za-z]+)*)`/g)].map((m) => m[1]).filter((t) => topLevel.has(t.split(".")[0]));
    expect(mentioned.length).toBeGreaterThan(15);
    expect(mentioned.filter((f) => !fields.has(f))).toEqual([]);
  });

  it("mention only Terraform addresses and outputs the stacks have", () => {
    const stacks = [synthEnvironment(baseEnvironment()), synthEnvironment(haEnvironment())];
    const addresses = new Set(stacks.flatMap((s) => Object.entries(s.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`))));
    const outputs = new Set(stacks.flatMap((s) => Object.keys(s.output ?? {})));
    const mentioned = [...text.matchAll(/\b((?:aws|random)_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g)].map((m) => m[1]);
    expect(mentioned.length).toBeGreaterThan(10);
    expect(mentioned.filter((a) => !addresses.has(a))).toEqual([]);
    const outputsMentioned = [...text.matchAll(/terraform -chdir=\S+ output(?: -raw)? ([a-z-]+)/g)].map((m) => m[1]);
    expect(outputsMentioned.length).toBeGreaterThan(2);
    expect(outputsMentioned.filter((o) => !outputs.has(o))).toEqual([]);
  });
});
