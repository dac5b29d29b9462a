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

describe("architecture diagrams", () => {
  const text = readFileSync(join(ROOT, "docs", "architecture.md"), "utf8");
  const diagrams = text.split("```mermaid").slice(1).map((d) => d.split("```")[0]);

  it("draw one diagram per variant with every part of the deployment", () => {
    expect(diagrams).toHaveLength(2);
    for (const diagram of diagrams) {
      for (const part of ["VPC 172.16.0.0/16", "private subnet", "public subnet", "NAT gateway", "internal ALB", "ECS service", "EFS mount target", "/data/mongo-data/data/db", "Secrets Manager", "Terraform state s3://"]) {
        expect(diagram).toContain(part);
      }
      expect((diagram.match(/subgraph /g) ?? []).length).toBe((diagram.match(/^\s*end$/gm) ?? []).length);
    }
    expect(diagrams[1]).toContain("Cloud Map namespace prod.cloudexchange.internal");
    expect((diagrams[1].match(/ECS service ce-prod-node-\d/g) ?? []).length).toBe(3);
  });
});
