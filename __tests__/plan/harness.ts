/**
 * Offline `terraform init`, `validate` and `plan` of synthesized stacks.
 *
 * Two ways to plan:
 * - {@link planStacks} plans many stacks in one Terraform run: each stack is
 *   a child module of a scratch root module (its backend removed, its
 *   provider blocks overridden with dummy credentials and every skip flag),
 *   so the AWS provider's schema is loaded once for all of them. Results are
 *   split back per stack, with module prefixes removed from the addresses.
 * - {@link planStack} plans one stack as the root module, the way a pipeline
 *   does, next to a local-backend override and optionally a state file (for
 *   import blocks, which only a root module may hold).
 *
 * Providers come from the user's Terraform or a mirror (terraform-cli.ts).
 * Nothing reaches AWS: credentials are dummies and `-refresh=false` keeps
 * Terraform from reading real resources. Stacks with generated secrets open
 * ephemeral `aws_secretsmanager_random_password` resources in every plan;
 * for those the harness runs a loopback Secrets Manager stand-in and points
 * the provider's `secretsmanager` endpoint at it, and the result lists every
 * value it handed out (so a test can search the plan for them).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startSecretsManagerStandIn } from "../support/secrets-manager-stand-in";
import { TerraformSetup, terraformSetup, workRoot } from "./terraform-cli";

const run = promisify(execFile);

/**
 * A directory where one test run keeps plan results by content, so suites
 * that read the same plans (plan counts, policy checks) run Terraform once.
 * The Jest global setup creates it per run and removes it.
 */
export const PLAN_CACHE_VARIABLE = "CE_PLAN_CACHE_DIR";

/**
 * Names a directory of results by content that a test run reads and adds
 * to, instead of its own run's plan cache: a run started from inside another
 * (the fork test's copy) points it at the outer run's cache, so a stack, or a
 * stack and state, both plan is planned once.
 */
export const SHARED_PLAN_RESULTS_VARIABLE = "CE_PLAN_RESULTS_DIR";

/** Where results are kept by content in this run: the shared directory, else the run's plan cache. */
export function resultsDirectory(): string | undefined {
  return process.env[SHARED_PLAN_RESULTS_VARIABLE] || process.env[PLAN_CACHE_VARIABLE] || undefined;
}

/** One planned resource change (the parts the tests read). */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: string;
  readonly action_reason?: string;
  readonly importing?: { readonly id: string };
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly importing?: { readonly id: string };
  };
}

/** Terraform's plan representation (the parts the tests read). */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly planned_values?: { readonly root_module?: { readonly resources?: ReadonlyArray<{ address: string; type: string; values: Record<string, unknown> }> } };
}

/** `terraform validate -json` output. */
export interface Validation {
  readonly valid: boolean;
  readonly error_count: number;
  readonly diagnostics: ReadonlyArray<{ readonly severity: string; readonly summary: string; readonly range?: { readonly filename?: string } }>;
}

/** The plan of one stack. */
export interface PlanResult {
  /** The stack name. */
  readonly stack: string;
  /** Validation of the stack's configuration. */
  readonly validation: Validation;
  /** `terraform show -json` of the saved plan, for this stack. */
  readonly plan: PlanJson;
  /** Seconds spent in init, validate, plan and show by the run that planned it (shared by a batch). */
  readonly seconds: { readonly init: number; readonly validate: number; readonly plan: number; readonly show: number };
  /** Number of stacks planned in the same Terraform run. */
  readonly batch: number;
  /** Every value the Secrets Manager stand-in generated for the run's ephemeral passwords (none without them). */
  readonly generatedSecrets: readonly string[];
  /** The saved plan file (`tfplan`, a zip) of the run, base64: what a pipeline would keep. */
  readonly savedPlan: string;
}

/** A synthesized stack to plan. */
export interface StackToPlan {
  /** Stack name (`ce-dev`); the module name in a batch. */
  readonly name: string;
  /** The stack's cdk.tf.json text. */
  readonly content: string;
}

/** Provider override: dummy credentials, skip flags and any endpoint overrides for every AWS provider block of a stack. */
export function providerOverride(stackJson: { provider?: Record<string, unknown[]> }, endpoints: Readonly<Record<string, string>> = {}): object {
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
        ...(Object.keys(endpoints).length > 0 ? { endpoints: [endpoints] } : {}),
      })),
    },
  };
}

/** Whether a stack opens ephemeral resources (and so needs their API during a plan). */
function opensEphemeralResources(content: string): boolean {
  return "ephemeral" in (JSON.parse(content) as Record<string, unknown>);
}

/**
 * Runs `work` with the endpoint overrides the stacks need: a loopback Secrets
 * Manager stand-in while any of them opens an ephemeral password; reports the
 * values it generated.
 */
async function withStandIns<T>(stacks: readonly StackToPlan[], work: (endpoints: Record<string, string>) => Promise<T>): Promise<[T, string[]]> {
  if (!stacks.some((s) => opensEphemeralResources(s.content))) return [await work({}), []];
  const standIn = await startSecretsManagerStandIn();
  try {
    return [await work({ secretsmanager: standIn.url }), [...standIn.generated]];
  } finally {
    await standIn.close();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

/** Runs one Terraform command in a directory; a failure names the command and carries Terraform's output. */
export async function terraform(setup: TerraformSetup, dir: string, what: string, args: string[]): Promise<string> {
  try {
    return (await run(setup.binary, args, { cwd: dir, env: setup.env, maxBuffer: 512 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${setup.binary} ${args[0]} failed for ${what}:\n${e.stderr || e.stdout || e.message}`);
  }
}

/**
 * Runs `compute` once per key and run: concurrent callers (other Jest
 * workers, or the fork test's copy of the repository) wait for the first
 * one's result, read from the results directory. Keys name content (stack
 * JSON, state, binary), never a set of files.
 */
export async function cachedOnce<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const cacheDir = resultsDirectory();
  if (!cacheDir) return compute();
  const cacheFile = join(cacheDir, `${createHash("sha256").update(key).digest("hex")}.json`);
  const lockFile = `${cacheFile}.lock`;
  for (;;) {
    if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, "utf8")) as T;
    let lock: number;
    try {
      lock = openSync(lockFile, "wx");
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      const result = await compute();
      writeFileSync(`${cacheFile}.tmp`, JSON.stringify(result));
      renameSync(`${cacheFile}.tmp`, cacheFile);
      return result;
    } finally {
      closeSync(lock);
      rmSync(lockFile, { force: true });
    }
  }
}

/**
 * Init, then validate and plan side by side (both only read the
 * configuration; the plan takes no lock), then show, in a prepared directory.
 */
async function initValidatePlanShow(setup: TerraformSetup, dir: string, what: string, destroy = false) {
  const [, init] = await timed(() => terraform(setup, dir, what, ["init", "-input=false", "-no-color"]));
  const [[validateOut, validate], [, plan]] = await Promise.all([
    timed(() => terraform(setup, dir, what, ["validate", "-json", "-no-color"])),
    timed(() => terraform(setup, dir, what, ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", ...(destroy ? ["-destroy"] : []), "-out=tfplan"])),
  ]);
  const [showOut, show] = await timed(() => terraform(setup, dir, what, ["show", "-json", "tfplan"]));
  return {
    validation: JSON.parse(validateOut) as Validation,
    plan: JSON.parse(showOut) as Record<string, any>,
    seconds: { init, validate, plan, show },
    savedPlan: readFileSync(join(dir, "tfplan")).toString("base64"),
  };
}

/** Removes `module.<name>.` from the front of an address. */
const local = (address: string, name: string) => address.slice(`module.${name}.`.length);

/** The part of a batch plan that belongs to one module, with module-free addresses. */
function splitPlan(plan: Record<string, any>, name: string): PlanJson {
  const prefix = `module.${name}.`;
  const changes = ((plan.resource_changes ?? []) as ResourceChange[])
    .filter((c) => c.address.startsWith(prefix))
    .map(({ module_address: _module, ...c }: ResourceChange & { module_address?: string }) => ({ ...c, address: local(c.address, name) }));
  const child = ((plan.planned_values?.root_module?.child_modules ?? []) as any[]).find((m) => m.address === `module.${name}`);
  const resources = ((child?.resources ?? []) as any[]).map((r) => ({ ...r, address: local(r.address, name) }));
  return { format_version: plan.format_version, resource_changes: changes, planned_values: { root_module: { resources } } };
}

/**
 * Plans many stacks in one Terraform run (see the module comment); results
 * by stack name. Identical batches are planned once per test run.
 */
export function planStacks(stacks: readonly StackToPlan[], setup: TerraformSetup = terraformSetup()): Promise<Map<string, PlanResult>> {
  const key = JSON.stringify(["batch", setup.binary, stacks.map((s) => [s.name, s.content])]);
  return cachedOnce(key, () => planStacksUncached(stacks, setup)).then(
    (results) => new Map(Object.entries(results as unknown as Record<string, PlanResult>)),
  );
}

async function planStacksUncached(stacks: readonly StackToPlan[], setup: TerraformSetup): Promise<Record<string, PlanResult>> {
  const dir = mkdtempSync(join(workRoot(), "batch-"));
  try {
    const [{ validation, plan, seconds, savedPlan }, generatedSecrets] = await withStandIns(stacks, (endpoints) => {
      const modules: Record<string, { source: string }> = {};
      for (const stack of stacks) {
        const json = JSON.parse(stack.content);
        if (json.terraform) delete json.terraform.backend;
        mkdirSync(join(dir, stack.name));
        writeFileSync(join(dir, stack.name, "cdk.tf.json"), JSON.stringify(json));
        writeFileSync(join(dir, stack.name, "provider_override.tf.json"), JSON.stringify(providerOverride(json, endpoints)));
        modules[stack.name] = { source: `./${stack.name}` };
      }
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ module: modules }));
      return initValidatePlanShow(setup, dir, `${stacks.length} stacks`);
    });
    const results: Record<string, PlanResult> = {};
    for (const stack of stacks) {
      const own = validation.diagnostics.filter((d) => !d.range?.filename || d.range.filename.startsWith(`${stack.name}/`));
      const errors = own.filter((d) => d.severity === "error").length;
      results[stack.name] = {
        stack: stack.name,
        validation: { valid: validation.valid && errors === 0, error_count: errors, diagnostics: own },
        plan: splitPlan(plan, stack.name),
        seconds,
        batch: stacks.length,
        generatedSecrets,
        savedPlan,
      };
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Options of {@link planStack}. */
export interface PlanStackOptions {
  /** A Terraform state (as `terraform.tfstate` JSON) the plan starts from. Default: none (empty state). */
  readonly state?: object;
  /** How Terraform runs. Default: from the environment ({@link terraformSetup}). */
  readonly setup?: TerraformSetup;
  /** Plan the destruction of everything in the state (`plan -destroy`). Default false. */
  readonly destroy?: boolean;
}

/**
 * Plans one synthesized stack as the root module, next to a local-backend
 * override and optionally a state file; cached per run by content.
 */
export function planStack(stack: StackToPlan, options: PlanStackOptions = {}): Promise<PlanResult> {
  const setup = options.setup ?? terraformSetup();
  const key = JSON.stringify(["stack", setup.binary, setup.mode, stack.name, stack.content, options.state ?? null, options.destroy ?? false]);
  return cachedOnce(key, () => planStackUncached(stack, options.state, setup, options.destroy ?? false));
}

async function planStackUncached(stack: StackToPlan, state: object | undefined, setup: TerraformSetup, destroy: boolean): Promise<PlanResult> {
  const dir = mkdtempSync(join(workRoot(), `${stack.name}-`));
  try {
    const [{ validation, plan, seconds, savedPlan }, generatedSecrets] = await withStandIns([stack], (endpoints) => {
      writeFileSync(join(dir, "cdk.tf.json"), stack.content);
      writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }));
      writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(JSON.parse(stack.content), endpoints)));
      if (state) writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(state));
      return initValidatePlanShow(setup, dir, stack.name, destroy);
    });
    return { stack: stack.name, validation, plan: plan as PlanJson, seconds, batch: 1, generatedSecrets, savedPlan };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a synthesized stack from its directory (e.g. cdktf.out/stacks/ce-dev). */
export function stackFromDirectory(stackDir: string, name: string): StackToPlan {
  return { name, content: readFileSync(join(stackDir, "cdk.tf.json"), "utf8") };
}

/** Counts planned resource changes per resource type (managed resources only). */
export function resourceCountsByType(plan: PlanJson): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed") continue;
    counts[change.type] = (counts[change.type] ?? 0) + 1;
  }
  return counts;
}
