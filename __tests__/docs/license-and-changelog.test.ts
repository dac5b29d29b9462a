/**
 * LICENSE is the Apache License 2.0 that package.json declares, word for
 * word; CHANGELOG.md follows its own versioning rule: its latest release is
 * package.json's version, and every change to the environment fields since
 * that release (recorded in released-environment-fields.json: each field's
 * type, requiredness and default) is announced under Unreleased, a breaking
 * one under Breaking.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentField, environmentFields } from "../../scripts/lib/environment-reference";

const ROOT = join(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json")) as { version: string; license: string };
const changelog = read("CHANGELOG.md");
const released = JSON.parse(read("__tests__/docs/released-environment-fields.json")) as { version: string; fields: Record<string, Omit<EnvironmentField, "path">> };

/** The SHA-256 of the Apache License 2.0 text as apache.org publishes it (LICENSE-2.0.txt, 11,358 bytes). */
const APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30";

/** The text of a `### <title>` list under `## Unreleased`. */
function unreleased(title: string): string {
  const section = changelog.split(/^## Unreleased$/m)[1]?.split(/^## /m)[0] ?? "";
  return section.split(new RegExp(`^### ${title}$`, "m"))[1]?.split(/^### /m)[0] ?? "";
}

/** Whether a list names a field (`field`, or the field with a sub-path). */
const names = (text: string, path: string) => text.includes(`\`${path}\``) || text.includes(`\`${path}.`) || text.includes(`\`${path}[`);

describe("LICENSE", () => {
  it("is the Apache License 2.0, word for word, as package.json declares", () => {
    expect(pkg.license).toBe("Apache-2.0");
    expect(createHash("sha256").update(read("LICENSE")).digest("hex")).toBe(APACHE_2_0_SHA256);
  });
});

describe("CHANGELOG.md", () => {
  const versions = [...changelog.matchAll(/^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)$/gm)].map((m) => m[1]);

  it("starts with Unreleased, then the releases newest first, the latest being package.json's version", () => {
    expect(changelog.indexOf("## Unreleased")).toBeLessThan(changelog.indexOf(`## ${versions[0]} (`));
    expect(versions[0]).toBe(pkg.version);
    expect([...versions].sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))).toEqual(versions);
  });

  it("records the environment fields of the latest release", () => {
    expect(released.version).toBe(versions[0]);
  });

  const now = new Map(environmentFields().map((f) => [f.path, f]));
  const before = new Map(Object.entries(released.fields));

  it("announces under Breaking every field removed, made required, given another type or another default since the release", () => {
    const breaking = unreleased("Breaking");
    const changed = [...before]
      .filter(([path, was]) => {
        const is = now.get(path);
        return !is || (is.required && !was.required) || is.type !== was.type || JSON.stringify(is.default) !== JSON.stringify(was.default);
      })
      .map(([path]) => path);
    expect(changed.filter((path) => !names(breaking, path))).toEqual([]);
  });

  it("announces under Added (Breaking if required) every field added since the release", () => {
    const added = [...now.values()].filter((f) => !before.has(f.path));
    // A new group is named once: a field whose parent is new too is covered by the parent.
    const roots = added.filter((f) => !added.some((g) => g !== f && (f.path.startsWith(`${g.path}.`) || f.path.startsWith(`${g.path}[]`))));
    expect(roots.filter((f) => !names(unreleased(f.required ? "Breaking" : "Added"), f.path)).map((f) => f.path)).toEqual([]);
  });
});
