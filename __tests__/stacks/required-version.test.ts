/**
 * Every stack declares the Terraform it needs: `terraform.required_version`
 * ">= 1.10" (S3-native state locking, `use_lockfile`, arrived in Terraform
 * and OpenTofu 1.10). Checked over every kind of stack of the fixtures
 * (environment, bootstrap, member-role; the environment files' stacks are
 * checked in __tests__/app/environment-files.test.ts). That Terraform reads
 * it there is __tests__/plan/terraform-version.test.ts.
 */
import { REQUIRED_TERRAFORM_VERSION } from "../../modules/stacks/readable-stack";
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
