/** Documents generated from code are committed up to date. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedDocuments } from "../../scripts/lib/generated-documents";
import { environmentFieldPaths } from "../../scripts/lib/environment-reference";

const ROOT = join(__dirname, "..", "..");

describe("generated documents", () => {
  it.each(Object.entries(generatedDocuments()))("%s matches what the code produces (run npm run docs)", (file, render) => {
    expect(readFileSync(join(ROOT, file), "utf8")).toBe(render());
  });

  it("the environment reference lists every top-level field of the schema", () => {
    const paths = environmentFieldPaths();
    for (const field of ["name", "accountId", "region", "availabilityZones", "variant", "size.preset", "network.vpcCidr", "secrets.mode", "state.bucket", "protection.allowDestroy"]) {
      expect(paths).toContain(field);
    }
  });
});
