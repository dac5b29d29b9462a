/**
 * Every stack declares the Terraform it needs: `terraform.required_version`
 * ">= 1.10" (S3-native state locking, `use_lockfile`, arrived in Terraform
 * and OpenTofu 1.10). Checked over every kind of stack of the fixtures
 * (environment, bootstrap, member-role; the environment files' stacks are
 * checked in __tests__/app/environment-files.test.ts), and proven to be
 * where Terraform reads it: a stack whose constraint the running Terraform
 * does not meet is refused at init.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REQUIRED_TERRAFORM_VERSION } from "../../modules/stacks/readable-stack";
import { describePlans } from "../plan/plan-availability";
import { terraformIn } from "../plan/pipeline-plan";
import { adoptedEnvironment, haEnvironment, variations } from "../support/fixtures";
import { StackJson, synthApp } from "../support/synth";

/** What every stack must declare. */
const WANTED_TERRAFORM_VERSION = ">= 1.10";

const stacks: Record<string, StackJson> = synthApp([...Object.values(variations()), haEnvironment({ name: "hagen" }), adoptedEnvironment("6.1")]);

describe("terraform.required_version", () => {
  it("is >= 1.10, the first Terraform and OpenTofu with S3-native locking", () => {
    expect(REQUIRED_TERRAFORM_VERSION).toBe(WANTED_TERRAFORM_VERSION);
  });

  it.each(Object.keys(stacks).sort())("is declared by %s", (name) => {
    expect(stacks[name].terraform?.required_version).toBe(WANTED_TERRAFORM_VERSION);
  });

  it("covers environment stacks, the bootstrap stack and member-role stacks", () => {
    const names = Object.keys(stacks);
    expect(names).toContain("ce-state-bootstrap");
    expect(names.some((n) => /-defender-member-\d{12}$/.test(n))).toBe(true);
    expect(names.filter((n) => n.startsWith("ce-")).length).toBeGreaterThan(8);
  });
});

describePlans("terraform.required_version, as Terraform reads it", () => {
  const member = Object.keys(stacks).find((n) => /-defender-member-\d{12}$/.test(n))!;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-required-version-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const init = (stack: StackJson) => {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack));
    return terraformIn(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  };

  it("lets a Terraform that meets it initialize the stack", async () => {
    await expect(init(stacks[member])).resolves.toContain("Terraform has been successfully initialized");
  }, 60_000);

  it("makes a Terraform that does not meet it refuse the stack", async () => {
    const unmet = { ...stacks[member], terraform: { ...stacks[member].terraform, required_version: ">= 99.0" } };
    await expect(init(unmet)).rejects.toThrow(/Unsupported Terraform Core version[\s\S]*>= 99\.0/);
  }, 60_000);
});
