/** Documents generated from code are committed up to date. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedDocuments, staleGeneratedFiles } from "../../scripts/lib/generated-documents";
import { environmentFieldPaths } from "../../scripts/lib/environment-reference";
import { diagramOf } from "../../scripts/lib/architecture-diagram";
import { environmentSources } from "../../environments";
import { EnvironmentInput, parseEnvironment, parseEnvironments } from "../../modules/config";
import { baseEnvironment, CERTIFICATE_ARN, haEnvironment } from "../support/fixtures";
import { synthEnvironment } from "../support/synth";

const ROOT = join(__dirname, "..", "..");

describe("generated documents", () => {
  it.each(Object.entries(generatedDocuments()))("%s matches what the code produces (run npm run docs)", (file, render) => {
    expect(readFileSync(join(ROOT, file), "utf8")).toBe(render());
  });

  it("leaves nothing in a generated directory that the code no longer produces (run npm run docs)", () => {
    expect(staleGeneratedFiles()).toEqual([]);
  });

  it("the environment reference lists every top-level field of the schema", () => {
    const paths = environmentFieldPaths();
    for (const field of ["name", "accountId", "region", "availabilityZones", "variant", "size.preset", "network.vpcCidr", "secrets.mode", "state.bucket", "protection.allowDestroy"]) {
      expect(paths).toContain(field);
    }
  });
});

describe("architecture diagrams", () => {
  const draw = (input: EnvironmentInput) => {
    const env = parseEnvironment(input);
    return diagramOf(synthEnvironment(input), env);
  };
  const parts = ["VPC 172.16.0.0/16", "private subnet", "public subnet", "NAT gateway", "internal ALB", "ECS service", "EFS mount target", "/data/mongo-data/data/db", "Secrets Manager", "Terraform state s3://"];
  const balanced = (diagram: string) => expect((diagram.match(/subgraph /g) ?? []).length).toBe((diagram.match(/^\s*end$/gm) ?? []).length);

  it("draw every part of a standalone deployment in a new VPC", () => {
    const diagram = draw(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
    for (const part of parts) expect(diagram).toContain(part);
    expect((diagram.match(/ECS service ce-test\b/g) ?? []).length).toBe(1);
    balanced(diagram);
  });

  it("draw the three HA nodes, each in its zone with its name in the Cloud Map namespace", () => {
    const diagram = draw(haEnvironment({ name: "prod" }));
    for (const part of parts) expect(diagram).toContain(part);
    expect(diagram).toContain("Cloud Map namespace prod.cloudexchange.internal");
    expect((diagram.match(/ECS service ce-prod-node-\d/g) ?? []).length).toBe(3);
    balanced(diagram);
  });

  it("are drawn in docs/architecture.md for each variant the environment files use", () => {
    const text = readFileSync(join(ROOT, "docs", "architecture.md"), "utf8");
    const drawn = [...text.matchAll(/^## (.+) \(ce-([a-z0-9-]+)\)$/gm)].map((m) => m[2]);
    const variants = new Set(parseEnvironments(environmentSources()).map((e) => e.variant));
    expect(drawn).toHaveLength(variants.size);
    expect(text.split("```mermaid").length - 1).toBe(variants.size);
  });
});
