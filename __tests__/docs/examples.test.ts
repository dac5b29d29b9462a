/**
 * The pipeline example: its roles cover every resource type, and its
 * workflow keeps credentials, state and secrets where they belong. Attacker:
 * whoever can open a pull request (runs the branch's code), read the
 * repository's artifacts and job logs, or run another stack's job.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { EnvironmentInput } from "../../modules/config";
import { ACTIONS_BY_TYPE, pipelineRolesOf, renderPipelineExamples, usedResourceTypes } from "../../scripts/lib/pipeline-policy";
import { LIST_STACKS, pipelineWorkflow, PROTECTED_REF, WorkflowStep } from "../../scripts/lib/pipeline-workflow";
import { synthApp } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
const workflow = pipelineWorkflow();
const jobs = Object.entries(workflow.jobs);
const isCredentials = (step: WorkflowStep) => step.uses?.startsWith("aws-actions/configure-aws-credentials") ?? false;
const indexOf = (steps: readonly WorkflowStep[], test: (s: WorkflowStep) => boolean) => steps.findIndex(test);

describe("pipeline example", () => {
  let used: string[] | undefined;
  const usedTypes = () => (used ??= usedResourceTypes());

  it("has deploy permissions for every resource type any stack uses", () => {
    const types = usedTypes();
    expect(types.length).toBeGreaterThan(40);
    expect(types.filter((t) => !(t in ACTIONS_BY_TYPE))).toEqual([]);
  });

  it("maps no type that no stack uses", () => {
    const types = new Set(usedTypes());
    expect(Object.keys(ACTIONS_BY_TYPE).filter((t) => !types.has(t))).toEqual([]);
  });

  it("gives no job a pull request runs AWS credentials or an OIDC token", () => {
    expect(workflow.permissions).not.toHaveProperty("id-token");
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["pull_request"]));
    for (const [name, job] of jobs) {
      const credentials = job.steps.some(isCredentials) || job.permissions?.["id-token"] === "write";
      if (!credentials) continue;
      // Only a push to the protected branch runs it, in a GitHub environment (restricted to that branch) whose role it gets.
      expect({ name, if: job.if, environment: job.environment !== undefined }).toEqual({ name, if: PROTECTED_REF, environment: true });
    }
    const test = workflow.jobs.test;
    expect({ if: test.if, credentials: test.steps.some(isCredentials), idToken: test.permissions?.["id-token"] }).toEqual({ if: undefined, credentials: false, idToken: undefined });
  });

  it("asks for credentials only after installing the locked dependencies and synthesizing", () => {
    for (const [name, job] of jobs.filter(([, j]) => j.steps.some(isCredentials))) {
      const credentials = indexOf(job.steps, isCredentials);
      const install = indexOf(job.steps, (s) => s.run === "npm ci");
      const synth = indexOf(job.steps, (s) => s.run === "npx cdktf synth");
      expect({ name, install: install >= 0 && install < credentials, synth: synth >= 0 && synth < credentials }).toEqual({ name, install: true, synth: true });
    }
  });

  it("never lets a saved plan, the state or its values leave a job: artifacts carry a plan's digest only", () => {
    const steps = jobs.flatMap(([, job]) => job.steps);
    const uploads = steps.filter((s) => s.uses?.startsWith("actions/upload-artifact"));
    expect(uploads.length).toBeGreaterThan(0);
    for (const upload of uploads) expect(String(upload.with?.path)).toMatch(/^[\w.-]+\.sha256$/);
    expect(steps.filter((s) => /show\s+(-\S+\s+)*-json|terraform\.tfstate|state pull/.test(s.run ?? ""))).toEqual([]);
    for (const [name, job] of jobs.filter(([, j]) => j.steps.some((s) => /-out=tfplan/.test(s.run ?? "")))) {
      const last = job.steps[job.steps.length - 1];
      expect({ name, removes: last.if === "always()" && /rm -f .*tfplan/.test(last.run ?? "") }).toEqual({ name, removes: true });
    }
  });

  it("plans read-only and applies only a plan whose digest matches the reviewed one", () => {
    const plan = workflow.jobs.plan.steps.find((s) => /terraform .* plan /.test(s.run ?? ""))!;
    expect(plan.run).toContain("-lock=false");
    const apply = workflow.jobs.apply.steps;
    const compare = indexOf(apply, (s) => /cmp -s plan\.sha256 reviewed\/plan\.sha256/.test(s.run ?? ""));
    const applyStep = indexOf(apply, (s) => /terraform .* apply .*tfplan/.test(s.run ?? ""));
    expect(compare).toBeGreaterThan(0);
    expect(applyStep).toBeGreaterThan(compare);
    expect(workflow.jobs.apply.needs).toEqual(expect.arrayContaining(["plan"]));
  });

  it("lists the stacks from the synthesized app, whatever the environments are, and runs each in the GitHub environments its roles trust", () => {
    const stacks = Object.keys(synthApp(environmentSources().map((s) => s.input as EnvironmentInput))).sort();
    const work = mkdtempSync(join(tmpdir(), "ce-workflow-"));
    try {
      mkdirSync(join(work, "cdktf.out"));
      writeFileSync(join(work, "cdktf.out", "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: Object.fromEntries(stacks.map((s) => [s, {}])) }));
      const output = join(work, "output");
      const run = spawnSync("bash", ["-c", LIST_STACKS], { cwd: work, env: { ...process.env, GITHUB_OUTPUT: output }, encoding: "utf8" });
      expect(run.status).toBe(0);
      const listed = JSON.parse(readFileSync(output, "utf8").replace(/^stacks=/, "")) as string[];
      expect(listed).toEqual(stacks.filter((s) => s !== "ce-state-bootstrap"));
      const roles = pipelineRolesOf(environmentSources().map((s) => s.input as EnvironmentInput));
      const environmentOf = (job: "plan" | "apply", stack: string) => workflow.jobs[job].environment!.replace("${{ matrix.stack }}", stack);
      for (const stack of listed) {
        expect({ stack, plan: environmentOf("plan", stack), apply: environmentOf("apply", stack) }).toEqual({
          stack,
          plan: roles.get(stack)!.planRole.githubEnvironment,
          apply: roles.get(stack)!.deployRole.githubEnvironment,
        });
      }
      for (const job of ["plan", "apply"] as const) expect(workflow.jobs[job].strategy?.matrix).toEqual({ stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("keeps in examples/pipeline exactly the roles of the shipped environments' stacks", () => {
    expect(readdirSync(join(ROOT, "examples", "pipeline")).map((f) => `examples/pipeline/${f}`).sort()).toEqual(Object.keys(renderPipelineExamples()).sort());
  });

  it("puts no secret value on a command line and pipes no Terraform output into a shell, in any documented command", () => {
    const files = ["README.md", "examples/README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
    const found = files.flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .filter((line) => /--secret-string (?!file:\/\/)|--password[ =]|output\b[^|\n]*\|\s*(sh|bash)\b/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });
});
