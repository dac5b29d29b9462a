/**
 * The example app that imports the library (examples/library-app):
 * synthesized with its own main.ts, and the synthesized directory planned
 * offline the way a pipeline plans it, with plain `terraform -chdir=<dir>
 * init` and `plan` and no cdktf on the PATH.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlanJson } from "./harness";
import { describePlans } from "./plan-availability";
import { planStackDirectory } from "./pipeline-plan";

const ROOT = join(__dirname, "..", "..");
const EXAMPLE = join(ROOT, "examples", "library-app");

describe("the example app (examples/library-app)", () => {
  let out: string;
  let synth: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "ce-library-app-"));
    synth = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"], {
      cwd: EXAMPLE,
      env: { ...process.env, CDKTF_OUTDIR: out },
      encoding: "utf8",
      timeout: 120_000,
    });
  }, 150_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("synthesizes its own stack with its own main.ts", () => {
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    expect(readdirSync(join(out, "stacks"))).toEqual(["ce-library"]);
    const stack = JSON.parse(readFileSync(join(out, "stacks", "ce-library", "cdk.tf.json"), "utf8"));
    expect(Object.keys(stack.resource.aws_cloudwatch_dashboard)).toEqual(["dashboard"]);
    expect(stack.resource.aws_cloudwatch_dashboard.dashboard.dashboard_body).toContain("${aws_ecs_service.workload_service_service.name}");
    expect(Object.keys(stack.resource.aws_ecs_service)).toEqual(["workload_service_service"]);
  });

  describePlans("planned offline with plain terraform in the synthesized directory", () => {
    let plan: PlanJson;
    beforeAll(async () => {
      plan = await planStackDirectory(join(out, "stacks", "ce-library"));
    }, 300_000);

    it("creates the library's resources and the app's own dashboard, and nothing else", () => {
      const changes = plan.resource_changes ?? [];
      expect(new Set(changes.flatMap((c) => c.change.actions))).toEqual(new Set(["create"]));
      expect(changes.find((c) => c.address === "aws_cloudwatch_dashboard.dashboard")!.change.after).toMatchObject({ dashboard_name: "ce-library-services" });
      expect(changes.filter((c) => c.type === "aws_ecs_service").map((c) => c.address)).toEqual(["aws_ecs_service.workload_service_service"]);
      expect(existsSync(join(out, "stacks", "ce-library", ".terraform"))).toBe(true);
    });
  });
});
