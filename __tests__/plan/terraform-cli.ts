/**
 * How the offline plan harness runs Terraform (or OpenTofu) and where the
 * providers come from.
 *
 * - `CE_TERRAFORM_BINARY` names the binary (default `terraform`; `tofu` for
 *   OpenTofu).
 * - With `CE_TF_PROVIDER_MIRROR` set, the harness writes its own CLI config
 *   that installs providers only from that filesystem mirror (a build
 *   machine without registry access).
 * - Otherwise Terraform installs providers the way the user's own Terraform
 *   does: their CLI config (`TF_CLI_CONFIG_FILE`, or `~/.terraformrc`) with
 *   its `provider_installation` block and `plugin_cache_dir`, or the public
 *   registry. When the user keeps no plugin cache, the harness keeps one under
 *   the user's cache directory, so a provider is downloaded once, not once per
 *   suite and run.
 *
 * {@link checkProviders} installs each provider the plans need once, up
 * front, and turns a failure into one line that says what was tried and how
 * to fix it.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Names the provider mirror directory (the parent of `registry.terraform.io`). */
export const MIRROR_VARIABLE = "CE_TF_PROVIDER_MIRROR";
/** Names the Terraform-compatible binary (`terraform` or `tofu`). */
export const BINARY_VARIABLE = "CE_TERRAFORM_BINARY";
/** Carries the result of {@link checkProviders} from the Jest global setup to the workers. */
export const PROVIDERS_VARIABLE = "CE_PLAN_PROVIDERS";

/** A provider the synthesized stacks require. */
export interface RequiredProvider {
  /** Registry source, e.g. `hashicorp/aws`. */
  readonly source: string;
  /** Exact version (the one the cdktf provider package was generated from). */
  readonly version: string;
}

/**
 * The providers the stacks require: AWS 5.100.0 (from @cdktf/provider-aws
 * 20.1.0), the only one. A test checks this against the synthesized stacks.
 */
export const REQUIRED_PROVIDERS = {
  aws: { source: "hashicorp/aws", version: "5.100.0" },
} as const satisfies Record<string, RequiredProvider>;

/** How Terraform is run and where its providers come from. */
export interface TerraformSetup {
  /** The binary to run. */
  readonly binary: string;
  /** `mirror`: the harness's own mirror-only CLI config; `user`: the user's own provider installation. */
  readonly mode: "mirror" | "user";
  /** What is tried, in words, for messages: e.g. `the filesystem mirror /opt/tf-plugins`. */
  readonly source: string;
  /** The environment of every Terraform process. */
  readonly env: NodeJS.ProcessEnv;
}

/** The directory the harness works in; kept per machine, below the system temp directory. */
export function workRoot(): string {
  const root = join(tmpdir(), "ce-offline-plan");
  mkdirSync(root, { recursive: true });
  return root;
}

/** The default registries of Terraform and OpenTofu: a mirror serves whichever the binary asks for. */
const REGISTRY_HOSTS = ["registry.terraform.io", "registry.opentofu.org"] as const;

/** A Terraform CLI config installing providers only from a filesystem mirror, with a plugin cache. */
export function mirrorCliConfig(mirror: string, pluginCache: string): string {
  return [
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}`,
    "plugin_cache_may_break_dependency_lock_file = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = ${JSON.stringify(REGISTRY_HOSTS.map((host) => `${host}/*/*`))}`,
    "  }",
    "  direct {",
    `    exclude = ${JSON.stringify(REGISTRY_HOSTS.map((host) => `${host}/*/*`))}`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** The CLI config file the user's Terraform reads: TF_CLI_CONFIG_FILE, else the default per binary. */
export function userCliConfigFile(env: NodeJS.ProcessEnv, binary: string): string {
  if (env.TF_CLI_CONFIG_FILE) return env.TF_CLI_CONFIG_FILE;
  const home = env.HOME ?? homedir();
  if (process.platform === "win32") return join(env.APPDATA ?? home, binary === "tofu" ? "tofu.rc" : "terraform.rc");
  return join(home, binary === "tofu" ? ".tofurc" : ".terraformrc");
}

/** Whether a CLI config file sets `plugin_cache_dir`. */
function setsPluginCache(file: string): boolean {
  if (!existsSync(file)) return false;
  return /^\s*plugin_cache_dir\s*=/m.test(readFileSync(file, "utf8"));
}

/** The user's cache directory for this project (XDG_CACHE_HOME or ~/.cache). */
function userCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), ".cache"), "cloud-exchange-fargate");
}

/**
 * Terraform's environment for offline plans: no telemetry, no prompts, no
 * real AWS credentials or variables from the caller's shell.
 */
function offlineEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith("AWS_") || key.startsWith("TF_VAR_")) continue;
    clean[key] = value;
  }
  return { ...clean, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0", AWS_EC2_METADATA_DISABLED: "true" };
}

/** Decides how Terraform runs from the caller's environment (see the module comment). */
export function terraformSetup(env: NodeJS.ProcessEnv = process.env): TerraformSetup {
  const binary = env[BINARY_VARIABLE] || "terraform";
  const base = offlineEnv(env);
  const mirror = env[MIRROR_VARIABLE];
  if (mirror) {
    const root = workRoot();
    const pluginCache = join(root, "plugin-cache");
    mkdirSync(pluginCache, { recursive: true });
    const configFile = join(root, `mirror-${Buffer.from(mirror).toString("hex").slice(0, 32)}.tfrc`);
    writeFileSync(configFile, mirrorCliConfig(mirror, pluginCache));
    return { binary, mode: "mirror", source: `the filesystem mirror ${MIRROR_VARIABLE}=${mirror}`, env: { ...base, TF_CLI_CONFIG_FILE: configFile } };
  }
  const configFile = userCliConfigFile(env, binary);
  const configured = existsSync(configFile);
  const extra: NodeJS.ProcessEnv = {};
  if (!env.TF_PLUGIN_CACHE_DIR && !setsPluginCache(configFile)) {
    const cache = join(userCacheDir(env), "terraform-plugin-cache");
    mkdirSync(cache, { recursive: true });
    extra.TF_PLUGIN_CACHE_DIR = cache;
    extra.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE = "true";
  }
  const where = configured ? `your CLI config ${configFile}` : `the public registry (no CLI config at ${configFile})`;
  return { binary, mode: "user", source: where, env: { ...base, ...extra } };
}

/** Result of {@link checkProviders}. */
export interface ProviderCheck {
  /** What was tried. */
  readonly source: string;
  /** The binary and its version, e.g. `terraform 1.11.4`. */
  readonly binary: string;
  /** One short reason per unavailable provider (by name); absent when it installs. */
  readonly unavailable: Partial<Record<keyof typeof REQUIRED_PROVIDERS, string>>;
  /** Where Terraform's whole output of a failed install was written. */
  readonly detailsFile?: string;
}

/** Terraform's first error, as one short phrase: its summary. */
function firstError(output: string): string {
  const lines = output.split("\n").map((l) => l.replace(/^[│╷╵]/, "").trim());
  const summary = (lines.find((l) => l.startsWith("Error:")) ?? lines.find(Boolean) ?? "no output").replace(/^Error:\s*/, "");
  return summary.length > 100 ? `${summary.slice(0, 99)}…` : summary;
}

/** Where the full output of a failed provider install goes: the user's cache directory, outside the checkout and the temp folder. */
export function providerCheckLog(env: NodeJS.ProcessEnv = process.env): string {
  const dir = userCacheDir(env);
  mkdirSync(dir, { recursive: true });
  return join(dir, "provider-check.log");
}

/**
 * Installs each required provider once in a scratch directory (which also
 * fills the plugin cache the plans then reuse) and reports, per provider,
 * why it cannot be installed; Terraform's whole output goes to
 * {@link providerCheckLog}.
 */
export async function checkProviders(setup: TerraformSetup = terraformSetup()): Promise<ProviderCheck> {
  let version: string;
  try {
    const out = (await run(setup.binary, ["version", "-json"], { env: setup.env })).stdout;
    version = `${setup.binary} ${(JSON.parse(out) as { terraform_version: string }).terraform_version}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? `${setup.binary} is not on PATH` : `${setup.binary} version failed`;
    const line = `${reason} (install Terraform >= 1.10 or OpenTofu >= 1.10, or name the binary with ${BINARY_VARIABLE})`;
    return { source: setup.source, binary: setup.binary, unavailable: { aws: line } };
  }
  const unavailable: ProviderCheck["unavailable"] = {};
  const details: string[] = [];
  for (const [name, provider] of Object.entries(REQUIRED_PROVIDERS) as [keyof typeof REQUIRED_PROVIDERS, RequiredProvider][]) {
    const dir = mkdtempSync(join(workRoot(), `providers-${name}-`));
    try {
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { [name]: provider } } }));
      await run(setup.binary, ["init", "-input=false", "-no-color", "-backend=false"], { cwd: dir, env: setup.env });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      const output = e.stderr || e.stdout || e.message;
      unavailable[name] = `${provider.source} ${provider.version} not installable from ${setup.source} (${firstError(output)})`;
      details.push(`${setup.binary} init for ${provider.source} ${provider.version} from ${setup.source}:\n${output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (details.length === 0) return { source: setup.source, binary: version, unavailable };
  const detailsFile = providerCheckLog(setup.env);
  writeFileSync(detailsFile, `${details.join("\n\n")}\n`);
  return { source: setup.source, binary: version, unavailable, detailsFile };
}

/**
 * The one line the plan suites fail with when the AWS provider cannot be
 * installed: what is missing, where it looked, the two ways to fix it, and
 * where Terraform's whole output is.
 */
export function unavailableLine(check: ProviderCheck): string | undefined {
  const reason = check.unavailable.aws;
  if (!reason) return undefined;
  return (
    `offline plans: ${reason}. Fix: network access to registry.terraform.io or a mirror in your CLI config, ` +
    `or ${MIRROR_VARIABLE}=<directory holding registry.terraform.io/hashicorp/aws>.${check.detailsFile ? ` Details: ${check.detailsFile}` : ""}`
  );
}

/** The line the Jest global setup prints before the first test: what the plan suites will use, or why they cannot run. */
export function providerCheckLine(check: ProviderCheck): string {
  return unavailableLine(check) ?? `offline plans: ${REQUIRED_PROVIDERS.aws.source} ${REQUIRED_PROVIDERS.aws.version} from ${check.source} (${check.binary})`;
}

/** The provider check the Jest global setup made, read back in a worker. */
export function providerCheckOfRun(env: NodeJS.ProcessEnv = process.env): ProviderCheck {
  const text = env[PROVIDERS_VARIABLE];
  if (!text) throw new Error(`${PROVIDERS_VARIABLE} is not set: run the plan suites through Jest (npm test), whose global setup checks the providers`);
  return JSON.parse(text) as ProviderCheck;
}
