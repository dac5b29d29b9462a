/**
 * Offline `terraform init`, `validate` and `plan` of a synthesized stack.
 *
 * Next to a copy of the stack's cdk.tf.json it writes:
 * - backend_override.tf.json: a local backend, so no state bucket is needed;
 * - provider_override.tf.json: dummy credentials and every skip flag for each
 *   AWS provider block, and no allowed_account_ids (the account cannot be
 *   looked up offline);
 * - a Terraform CLI config that installs providers only from the filesystem
 *   mirror named by CE_TF_PROVIDER_MIRROR (direct downloads are excluded).
 * It then runs init, validate and plan and returns the validate result and
 * the plan as JSON (`terraform show -json`). Nothing reaches the network.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The environment variable naming the provider mirror directory. */
export const MIRROR_VARIABLE = "CE_TF_PROVIDER_MIRROR";
/**
 * A directory where one test run keeps plan results by stack content, so
 * suites that read the same stack's plan (plan counts, policy checks) run
 * Terraform once. The Jest global setup creates it per run and removes it.
 */
export const PLAN_CACHE_VARIABLE = "CE_PLAN_CACHE_DIR";

/** Terraform's plan representation (the parts the tests read). */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly type: string;
    readonly name: string;
    readonly mode: string;
    readonly change: { readonly actions: readonly string[]; readonly after?: Record<string, unknown> | null };
  }>;
  readonly planned_values?: { readonly root_module?: { readonly resources?: ReadonlyArray<{ address: string; type: string; values: Record<string, unknown> }> } };
  readonly configuration?: unknown;
}

/** Result of {@link planStack}. */
export interface PlanResult {
  /** The stack name. */
  readonly stack: string;
  /** `terraform validate -json` output. */
  readonly validation: { readonly valid: boolean; readonly error_count: number; readonly diagnostics: unknown[] };
  /** `terraform show -json` of the saved plan. */
  readonly plan: PlanJson;
  /** Seconds spent in init, validate, plan and show. */
  readonly seconds: { readonly init: number; readonly validate: number; readonly plan: number; readonly show: number };
}

/** The mirror directory, or a clear error telling how to set it. */
export function providerMirror(env: NodeJS.ProcessEnv = process.env): string {
  const mirror = env[MIRROR_VARIABLE];
  if (!mirror) {
    throw new Error(
      `${MIRROR_VARIABLE} is not set. It names the directory holding registry.terraform.io/hashicorp/aws ` +
        `(run: export ${MIRROR_VARIABLE}=$(.ci/find-provider-mirror)).`,
    );
  }
  if (!existsSync(join(mirror, "registry.terraform.io"))) {
    throw new Error(`${MIRROR_VARIABLE}=${mirror} holds no registry.terraform.io directory`);
  }
  return mirror;
}

/** A Terraform CLI config installing providers only from the mirror, with a shared plugin cache. */
export function cliConfig(mirror: string, pluginCache: string): string {
  return [
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}`,
    "plugin_cache_may_break_dependency_lock_file = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/*/*"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Provider override: dummy credentials and skip flags for every AWS provider block of the stack. */
export function providerOverride(stackJson: { provider?: Record<string, unknown[]> }): object {
  const blocks = (stackJson.provider?.aws ?? []) as Array<{ alias?: string; region?: string }>;
  return {
    provider: {
      aws: blocks.map((block) => ({
        ...(block.alias ? { alias: block.alias } : {}),
        region: block.region,
        access_key: "offline-plan",
        secret_key: "offline-plan",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        allowed_account_ids: null,
      })),
    },
  };
}

/** Terraform's own environment: the generated CLI config, no telemetry, no real credentials. */
function terraformEnv(configFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("AWS_") || key.startsWith("TF_VAR_")) delete env[key];
  return {
    ...env,
    TF_CLI_CONFIG_FILE: configFile,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

/** Work directory shared by a test run; the plugin cache lives beside the per-stack copies. */
export function workRoot(): string {
  const root = join(tmpdir(), "ce-offline-plan");
  mkdirSync(join(root, "plugin-cache"), { recursive: true });
  return root;
}

/**
 * Plans one synthesized stack offline.
 * @param stackDir directory containing the stack's cdk.tf.json (e.g. cdktf.out/stacks/ce-dev)
 * @param stack the stack name, for messages
 */
export async function planStack(stackDir: string, stack: string): Promise<PlanResult> {
  const content = readFileSync(join(stackDir, "cdk.tf.json"), "utf8");
  const cacheDir = process.env[PLAN_CACHE_VARIABLE];
  const cacheFile = cacheDir ? join(cacheDir, `${createHash("sha256").update(content).digest("hex")}.json`) : undefined;
  if (!cacheFile) return planStackUncached(content, stack);
  const lockFile = `${cacheFile}.lock`;
  for (;;) {
    if (existsSync(cacheFile)) return { ...(JSON.parse(readFileSync(cacheFile, "utf8")) as PlanResult), stack };
    let lock: number;
    try {
      lock = openSync(lockFile, "wx");
    } catch {
      // Another Jest worker is planning the same stack: wait for its result.
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      const result = await planStackUncached(content, stack);
      writeFileSync(`${cacheFile}.tmp`, JSON.stringify(result));
      renameSync(`${cacheFile}.tmp`, cacheFile);
      return result;
    } finally {
      closeSync(lock);
      rmSync(lockFile, { force: true });
    }
  }
}

async function planStackUncached(content: string, stack: string): Promise<PlanResult> {
  const mirror = providerMirror();
  const root = workRoot();
  const dir = mkdtempSync(join(root, `${stack}-`));
  const configFile = join(dir, ".terraformrc");
  try {
    const stackJson = JSON.parse(content);
    writeFileSync(join(dir, "cdk.tf.json"), content);
    writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }));
    writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(stackJson)));
    writeFileSync(configFile, cliConfig(mirror, join(root, "plugin-cache")));
    const options = { cwd: dir, env: terraformEnv(configFile), maxBuffer: 256 * 1024 * 1024 };
    const terraform = async (...args: string[]) => {
      try {
        return (await run("terraform", args, options)).stdout;
      } catch (error) {
        const e = error as { stderr?: string; stdout?: string; message: string };
        throw new Error(`terraform ${args[0]} failed for ${stack}:\n${e.stderr || e.stdout || e.message}`);
      }
    };
    const [, init] = await timed(() => terraform("init", "-input=false", "-no-color", "-backend=true"));
    const [validateOut, validate] = await timed(() => terraform("validate", "-json", "-no-color"));
    const validation = JSON.parse(validateOut);
    const [, plan] = await timed(() => terraform("plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=tfplan"));
    const [showOut, show] = await timed(() => terraform("show", "-json", "tfplan"));
    return { stack, validation, plan: JSON.parse(showOut) as PlanJson, seconds: { init, validate, plan, show } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs tasks with at most `limit` at a time, keeping result order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Counts planned resource creations per resource type. */
export function resourceCountsByType(plan: PlanJson): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed") continue;
    counts[change.type] = (counts[change.type] ?? 0) + 1;
  }
  return counts;
}
