/** SECURITY.md's control tables list exactly the suite's controls, with the right status. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONTROLS } from "./controls";
import { EXCEPTIONS } from "./exceptions";
import { PLAN_CONTROLS } from "./plan-controls";

const text = readFileSync(join(__dirname, "..", "..", "SECURITY.md"), "utf8");

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

describe("SECURITY.md", () => {
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
