/**
 * The pipeline's path, offline: a synthesized stack directory
 * (`cdktf.out/stacks/<stack>`) planned with plain `terraform -chdir=<dir>
 * init` and `plan`, with no cdktf on the PATH. Only what an offline run
 * needs is added next to the synthesized `cdk.tf.json`: a local-backend
 * override (no S3 to reach) and a provider override with dummy credentials
 * and every skip flag; nothing reaches AWS (`-refresh=false`).
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { PlanJson, providerOverride } from "./harness";
import { TerraformSetup, terraformSetup } from "./terraform-cli";

const run = promisify(execFile);

/** A PATH without any node_modules/.bin, so neither cdktf nor any other project tool can be reached. */
export function pathWithoutProjectTools(path: string | undefined): string {
  return (path ?? "")
    .split(delimiter)
    .filter((entry) => entry && !/node_modules[\\/]\.bin/.test(entry))
    .join(delimiter);
}

/** Runs `terraform -chdir=<dir> <args>`; a failure carries Terraform's output. */
export async function terraformIn(dir: string, args: readonly string[], setup: TerraformSetup = terraformSetup()): Promise<string> {
  const env = { ...setup.env, PATH: pathWithoutProjectTools(setup.env.PATH) };
  try {
    return (await run(setup.binary, [`-chdir=${dir}`, ...args], { env, maxBuffer: 256 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${setup.binary} -chdir=${dir} ${args[0]} failed:\n${e.stderr || e.stdout || e.message}`);
  }
}

/** Init, plan and show of a synthesized stack directory, as a pipeline runs them; returns the plan. */
export async function planStackDirectory(dir: string, setup: TerraformSetup = terraformSetup()): Promise<PlanJson> {
  const stack = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }));
  writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(stack)));
  await terraformIn(dir, ["init", "-input=false", "-no-color"], setup);
  await terraformIn(dir, ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=tfplan"], setup);
  return JSON.parse(await terraformIn(dir, ["show", "-json", "tfplan"], setup)) as PlanJson;
}
