/**
 * The example GitHub Actions workflow (examples/github-actions/cloud-exchange.yml),
 * as data the tests read and `npm run docs` renders:
 *
 * - every push and pull request: npm ci, npm audit, npm test, without any
 *   AWS credentials (no job of a pull request can get an OIDC token);
 * - on the protected branch only: the stack list read from the synthesized
 *   app (cdktf.out/manifest.json, every stack but the bootstrap), then per
 *   stack a plan with its GitHub environment's read-only role and an apply
 *   with its deploy role behind the environment's required reviewers. Each
 *   job installs the locked dependencies and synthesizes before it asks for
 *   credentials. No plan, state or `terraform show -json` ever leaves a job:
 *   the plan job prints the plan (sensitive values redacted) and hands the
 *   apply job only its SHA-256, which the apply job's own plan must match.
 */

/** A step of a job. */
export interface WorkflowStep {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
  readonly run?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** A job of the workflow. */
export interface WorkflowJob {
  readonly name?: string;
  readonly needs?: readonly string[];
  readonly if?: string;
  readonly "runs-on": string;
  readonly environment?: string;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly strategy?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps: readonly WorkflowStep[];
}

/** The workflow. */
export interface Workflow {
  readonly name: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, WorkflowJob>>;
}

/** The only condition under which a job may get AWS credentials: a push to the protected branch. */
export const PROTECTED_REF = "github.event_name == 'push' && github.ref == 'refs/heads/main'";
/** The stack list from the synthesized app: every stack in the manifest but the state bootstrap (an administrator applies that once). */
export const LIST_STACKS = `node -e 'const m = require("./cdktf.out/manifest.json"); console.log("stacks=" + JSON.stringify(Object.keys(m.stacks).filter((s) => s !== "ce-state-bootstrap").sort()))' >> "$GITHUB_OUTPUT"`;

const TERRAFORM_VERSION = "1.11.4";
const checkout: WorkflowStep = { uses: "actions/checkout@v4", with: { "persist-credentials": false } };
const node: WorkflowStep = { uses: "actions/setup-node@v4", with: { "node-version": 20, cache: "npm" } };
const terraform: WorkflowStep = { uses: "hashicorp/setup-terraform@v3", with: { terraform_version: TERRAFORM_VERSION, terraform_wrapper: false } };
const install: WorkflowStep = { run: "npm ci" };
const synth: WorkflowStep = { run: "npx cdktf synth" };
/** The role comes from the job's GitHub environment (its variable AWS_ROLE_ARN): one role per stack and purpose. */
const credentials: WorkflowStep = {
  name: "AWS credentials of this stack's GitHub environment",
  uses: "aws-actions/configure-aws-credentials@v4",
  with: { "role-to-assume": "${{ vars.AWS_ROLE_ARN }}", "aws-region": "${{ vars.AWS_REGION }}" },
};
const stackDir = "cdktf.out/stacks/${{ matrix.stack }}";
const init: WorkflowStep = { run: `terraform -chdir=${stackDir} init -input=false` };
/** Prints the plan for the reviewer (Terraform redacts sensitive values) and writes its digest. */
const showAndDigest: WorkflowStep = {
  name: "Show the plan (sensitive values redacted) and its digest",
  run: [`terraform -chdir=${stackDir} show -no-color tfplan | tee plan.txt`, "sha256sum plan.txt | cut -d' ' -f1 > plan.sha256", "rm plan.txt", "cat plan.sha256"].join("\n"),
};
/** The saved plan holds the prior state and sensitive values in clear: it never outlives its job. */
const removePlan: WorkflowStep = { name: "Remove the saved plan", if: "always()", run: `rm -f ${stackDir}/tfplan plan.txt` };

/** The example workflow. */
export function pipelineWorkflow(): Workflow {
  return {
    name: "cloud-exchange",
    on: { push: { branches: ["main"] }, pull_request: {} },
    // No job gets an OIDC token unless it asks for one; only the protected-branch jobs below do.
    permissions: { contents: "read" },
    env: { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    jobs: {
      test: {
        "runs-on": "ubuntu-latest",
        steps: [
          checkout,
          node,
          terraform,
          // The offline plan tests install the providers from the registry once; keep them between runs.
          { uses: "actions/cache@v4", with: { path: "~/.cache/cloud-exchange-fargate/terraform-plugin-cache", key: "terraform-providers-${{ hashFiles('package-lock.json') }}" } },
          install,
          { run: "npm audit --omit=dev" },
          { run: "npm test" },
        ],
      },
      stacks: {
        needs: ["test"],
        if: PROTECTED_REF,
        "runs-on": "ubuntu-latest",
        outputs: { stacks: "${{ steps.list.outputs.stacks }}" },
        steps: [checkout, node, install, synth, { name: "List the synthesized stacks", id: "list", run: LIST_STACKS }],
      },
      plan: {
        needs: ["stacks"],
        if: PROTECTED_REF,
        "runs-on": "ubuntu-latest",
        strategy: { "fail-fast": false, matrix: { stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" } },
        // Restricted to the protected branch; its AWS_ROLE_ARN is the stack's read-only plan role.
        environment: "${{ matrix.stack }}-plan",
        permissions: { contents: "read", "id-token": "write" },
        steps: [
          checkout,
          node,
          terraform,
          install,
          synth,
          credentials,
          init,
          // Read-only: the plan role may not write the lock file, and nothing is applied from this plan.
          { run: `terraform -chdir=${stackDir} plan -input=false -lock=false -out=tfplan` },
          showAndDigest,
          { uses: "actions/upload-artifact@v4", with: { name: "plan-digest-${{ matrix.stack }}", path: "plan.sha256", "retention-days": 7 } },
          removePlan,
        ],
      },
      apply: {
        needs: ["stacks", "plan"],
        if: PROTECTED_REF,
        "runs-on": "ubuntu-latest",
        strategy: { "max-parallel": 1, matrix: { stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" } },
        // Required reviewers on this environment are the approval; its AWS_ROLE_ARN is the stack's deploy role.
        environment: "${{ matrix.stack }}",
        permissions: { contents: "read", "id-token": "write" },
        steps: [
          checkout,
          node,
          terraform,
          install,
          synth,
          { uses: "actions/download-artifact@v4", with: { name: "plan-digest-${{ matrix.stack }}", path: "reviewed" } },
          credentials,
          init,
          { run: `terraform -chdir=${stackDir} plan -input=false -lock-timeout=5m -out=tfplan` },
          showAndDigest,
          { name: "Apply only the plan that was reviewed", run: 'if ! cmp -s plan.sha256 reviewed/plan.sha256; then echo "the plan changed since it was reviewed; run the workflow again" >&2; exit 1; fi' },
          { run: `terraform -chdir=${stackDir} apply -input=false tfplan` },
          removePlan,
        ],
      },
    },
  };
}

const HEADER = `# Example pipeline for this project (GitHub Actions), generated by \`npm run docs\` from
# scripts/lib/pipeline-workflow.ts. Copy it to .github/workflows/ in your fork.
#
# Pull requests and pushes: test only, with no AWS credentials at all.
# Pushes to main: per synthesized stack (cdktf.out/manifest.json, every stack
# but ce-state-bootstrap), a read-only plan and, behind a manual approval, the
# apply of a plan whose digest matches the reviewed one. The saved plan holds
# the state's values and never leaves its job.
#
# For each stack create two GitHub environments, both restricted to the main
# branch: <stack>-plan with the variable AWS_ROLE_ARN of the stack's plan role,
# and <stack> with required reviewers and the ARN of its deploy role (roles and
# policies: examples/pipeline/<stack>.json). Repository variable: AWS_REGION.
`;

/** The workflow as YAML (every scalar double-quoted: JSON strings are valid YAML). */
export function renderPipelineWorkflow(): string {
  return `${HEADER}${yaml(pipelineWorkflow(), 0)}`;
}

function scalar(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function yaml(value: unknown, indent: number): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (item !== null && typeof item === "object") {
          const body = yaml(item, indent + 2);
          return `${pad}- ${body.slice(indent + 2)}`;
        }
        return `${pad}- ${scalar(item)}\n`;
      })
      .join("");
  }
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => {
      if (typeof v === "string" && v.includes("\n")) return `${pad}${key}: |\n${v.split("\n").map((line) => `${pad}  ${line}`).join("\n")}\n`;
      if (v !== null && typeof v === "object") {
        if (Object.keys(v).length === 0) return `${pad}${key}: {}\n`;
        return `${pad}${key}:\n${yaml(v, indent + 2)}`;
      }
      return `${pad}${key}: ${scalar(v)}\n`;
    })
    .join("");
}
