/**
 * The provider the offline plans need can be installed on this machine: the
 * AWS provider, the only one the stacks require. The Jest global setup tried
 * it once and printed the result before the first test; this suite is where
 * a failure shows, as one line.
 */
import { BINARY_VARIABLE, checkProviders, MIRROR_VARIABLE, REQUIRED_PROVIDERS, terraformSetup, unavailableLine } from "./terraform-cli";
import { planAvailability } from "./planned-stacks";
import { synthApp } from "../support/synth";
import { environmentSources } from "../../environments";
import { EnvironmentInput } from "../../modules/config";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const availability = planAvailability();

describe("Terraform providers", () => {
  it(`installs ${REQUIRED_PROVIDERS.aws.source} ${REQUIRED_PROVIDERS.aws.version} for the offline plans`, () => {
    if (availability.blocked) {
      const error = new Error(availability.blocked);
      error.stack = availability.blocked;
      throw error;
    }
    expect(availability.check.unavailable.aws).toBeUndefined();
  });

  it("requires exactly the provider versions the synthesized stacks pin", () => {
    const stacks = synthApp(environmentSources().map((s) => s.input as EnvironmentInput));
    const required = Object.values(stacks).flatMap((s) => Object.entries((s.terraform?.required_providers ?? {}) as Record<string, { version: string }>));
    expect(required.length).toBeGreaterThan(3);
    for (const [name, provider] of required) {
      expect({ name, version: provider.version }).toEqual({ name, version: REQUIRED_PROVIDERS[name as keyof typeof REQUIRED_PROVIDERS].version });
    }
  });

  it("fails with one line naming what was tried and both fixes when nothing can install the providers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ce-no-providers-"));
    try {
      const config = join(dir, "unreachable.tfrc");
      mkdirSync(join(dir, "cache"));
      writeFileSync(config, 'provider_installation {\n  network_mirror {\n    url = "https://127.0.0.1:9/providers/"\n  }\n}\n');
      const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: config, TF_PLUGIN_CACHE_DIR: join(dir, "cache"), XDG_CACHE_HOME: join(dir, "user-cache") };
      delete env[MIRROR_VARIABLE];
      const setup = terraformSetup(env);
      expect(setup.mode).toBe("user");
      const line = unavailableLine(await checkProviders(setup));
      expect(line).toBeDefined();
      expect(line!.split("\n")).toHaveLength(1);
      expect(line).toContain(`your CLI config ${config}`);
      expect(line).toContain("network access to registry.terraform.io");
      expect(line).toMatch(/^offline plans: hashicorp\/aws 5.100.0 not installable from your CLI config /);
      expect(line).toContain(`${MIRROR_VARIABLE}=<directory`);
      // Short: Terraform's whole output goes to the file the line names.
      expect(line!.length).toBeLessThan(500);
      const details = join(dir, "user-cache", "cloud-exchange-fargate", "provider-check.log");
      expect(line).toContain(`Details: ${details}`);
      expect(readFileSync(details, "utf8")).toMatch(/init for hashicorp\/aws 5\.100\.0[\s\S]*Error:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it(`runs the binary ${BINARY_VARIABLE} names (OpenTofu: tofu)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ce-binary-"));
    try {
      // A stand-in named tofu that records its calls and hands them to the real binary.
      const tofu = join(dir, "tofu");
      writeFileSync(tofu, `#!/bin/sh\necho "$*" >> "${join(dir, "calls.log")}"\nexec ${terraformSetup().binary} "$@"\n`);
      chmodSync(tofu, 0o755);
      const setup = terraformSetup({ ...process.env, [BINARY_VARIABLE]: tofu });
      expect(setup.binary).toBe(tofu);
      const check = await checkProviders(setup);
      expect(check.binary).toMatch(new RegExp(`^${tofu} \\d+\\.\\d+`));
      expect(readFileSync(join(dir, "calls.log"), "utf8")).toMatch(/^version -json\ninit -input=false/);
      const missing = await checkProviders(terraformSetup({ ...process.env, [BINARY_VARIABLE]: join(dir, "no-such-binary") }));
      expect(unavailableLine(missing)).toMatch(/no-such-binary is not on PATH \(install Terraform >= 1.10 or OpenTofu >= 1.10/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
