/**
 * Without CE_TF_PROVIDER_MIRROR the harness installs providers the way the
 * user's own Terraform does. Proven here the way a user with a corporate
 * mirror would meet it: a user-style CLI config (TF_CLI_CONFIG_FILE) that
 * declares the mirror itself, no CE_TF_PROVIDER_MIRROR, an empty plugin
 * cache, and a stack planned through it. The mirror directory is the one
 * this run was given; without one there is nothing to declare, and the
 * suite says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseEnvironment } from "../support/fixtures";
import { synthApp } from "../support/synth";
import { planStack } from "./harness";
import { MIRROR_VARIABLE, terraformSetup } from "./terraform-cli";

const mirror = process.env[MIRROR_VARIABLE];

(mirror ? describe : describe.skip)(`a user-style Terraform CLI config${mirror ? "" : ` (skipped: ${MIRROR_VARIABLE} is not set, so there is no mirror to declare)`}`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-user-tfrc-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is what the harness uses when CE_TF_PROVIDER_MIRROR is unset, and a stack plans through it", async () => {
    const config = join(dir, "terraformrc");
    writeFileSync(
      config,
      [
        "# A user's ~/.terraformrc pointing at the company's provider mirror.",
        "provider_installation {",
        "  filesystem_mirror {",
        `    path    = ${JSON.stringify(mirror)}`,
        '    include = ["registry.terraform.io/hashicorp/*"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/hashicorp/*"]',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: config, XDG_CACHE_HOME: join(dir, "cache") };
    delete env[MIRROR_VARIABLE];
    delete env.TF_PLUGIN_CACHE_DIR;
    const setup = terraformSetup(env);

    expect(setup.mode).toBe("user");
    expect(setup.env.TF_CLI_CONFIG_FILE).toBe(config);
    expect(setup.source).toContain(`your CLI config ${config}`);
    // The user keeps no plugin cache, so the harness keeps one for them (downloaded once, reused across runs).
    expect(setup.env.TF_PLUGIN_CACHE_DIR).toBe(join(dir, "cache", "cloud-exchange-fargate", "terraform-plugin-cache"));

    const bootstrap = synthApp([baseEnvironment()])["ce-state-bootstrap"];
    const result = await planStack({ name: "ce-state-bootstrap", content: JSON.stringify(bootstrap) }, { setup });
    expect(result.validation).toMatchObject({ valid: true, error_count: 0 });
    expect(result.plan.resource_changes!.length).toBeGreaterThan(10);
    expect(new Set(result.plan.resource_changes!.flatMap((c) => c.change.actions))).toEqual(new Set(["create"]));
  }, 120_000);
});
