/**
 * `terraform.required_version`, which every stack declares (">= 1.10"), is
 * where Terraform reads it: a stack whose constraint the running Terraform
 * meets initializes, one whose constraint it does not meet is refused at
 * init, before anything else happens.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { variations } from "../support/fixtures";
import { StackJson, synthApp } from "../support/synth";
import { describePlans } from "./plan-availability";
import { terraformIn } from "./pipeline-plan";

describePlans("terraform.required_version, as Terraform reads it", () => {
  const stacks = synthApp([variations()["existing-vpc-no-alb-defender-organization"]]);
  const member = stacks[Object.keys(stacks).find((n) => /-defender-member-\d{12}$/.test(n))!];
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-required-version-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const init = (stack: StackJson) => {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack));
    return terraformIn(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  };

  it("is declared by the stack planned here", () => {
    expect(member.terraform?.required_version).toBe(">= 1.10");
  });

  it("lets a Terraform that meets it initialize the stack", async () => {
    await expect(init(member)).resolves.toContain("Terraform has been successfully initialized");
  }, 60_000);

  it("makes a Terraform that does not meet it refuse the stack", async () => {
    const unmet = { ...member, terraform: { ...member.terraform, required_version: ">= 99.0" } };
    await expect(init(unmet)).rejects.toThrow(/Unsupported Terraform Core version[\s\S]*>= 99\.0/);
  }, 60_000);
});
