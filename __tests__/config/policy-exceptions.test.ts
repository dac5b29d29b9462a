/**
 * An environment's reasoned exceptions to security controls
 * (`policyExceptions`): validated with clear messages, read by the policy
 * suite for that environment's stack only, and the only way an environment
 * passes a control it deliberately does not meet (a 90-day log retention
 * below CloudWatch.16's year, here).
 */
import { EnvironmentInput, parseEnvironment, problemsOf } from "../../modules/config";
import { CONTROLS } from "../policy/controls";
import { environmentExceptions, excepted, PolicyException, PROJECT_EXCEPTIONS } from "../policy/exceptions";
import { baseEnvironment } from "../support/fixtures";
import { synthEnvironment } from "../support/synth";

const REASON = "logs are forwarded to the SIEM, which keeps them seven years; CloudWatch keeps 90 days for operators";
const SHORT_RETENTION = baseEnvironment({ name: "shortlogs", logs: { retentionDays: 90 } });
const DECLARED: EnvironmentInput = { ...SHORT_RETENTION, policyExceptions: [{ control: "CloudWatch.16", resource: "aws_cloudwatch_log_group.*", reason: REASON }] };

const problems = (policyExceptions: unknown) =>
  problemsOf({ source: "environments/x.ts", input: { ...baseEnvironment(), policyExceptions } }).problems.map((p) => `${p.path}: ${p.message}`);

/** CloudWatch.16 findings of the environment's stack that no exception covers. */
function unexcused(input: EnvironmentInput, exceptions: readonly PolicyException[]): string[] {
  const control = CONTROLS.find((c) => c.id === "CloudWatch.16")!;
  const stack = `ce-${input.name}`;
  return control
    .check(synthEnvironment(input))
    .filter((f) => !exceptions.some((e) => excepted(control.id, stack, f, e)))
    .map((f) => f.resource);
}

describe("policyExceptions", () => {
  it("default to none, and to every resource of the stack when no resource is named", () => {
    expect(parseEnvironment(baseEnvironment()).policyExceptions).toEqual([]);
    expect(parseEnvironment({ ...baseEnvironment(), policyExceptions: [{ control: "ELB.6", reason: REASON }] }).policyExceptions).toEqual([{ control: "ELB.6", resource: "*", reason: REASON }]);
  });

  it("accept the control ids the policy suite uses", () => {
    for (const control of ["CloudWatch.16", "SecretsManager.1/SecretsManager.4", "CKV_AWS_355", "CE-1", "S3.1/S3.8"]) expect(problems([{ control, reason: REASON }])).toEqual([]);
  });

  it("refuse a malformed control id, an address that is none, and a reason too short to say why", () => {
    expect(problems([{ control: "cloudwatch 16", resource: "log group", reason: "short" }])).toEqual([
      expect.stringMatching(/^policyExceptions\[0\]\.control: must be a control id of the policy suite such as CloudWatch\.16, CKV_AWS_158 or CE-1 \(SECURITY\.md lists them\)/),
      expect.stringMatching(/^policyExceptions\[0\]\.resource: must be a Terraform address such as aws_lb\.ingress_load-balancer, where \* matches any run of characters/),
      "policyExceptions[0].reason: must have at least 40 characters (got 5 characters)",
    ]);
    expect(problems([{ control: "ELB.6", reason: REASON, because: "x" }])).toEqual(["policyExceptions[0].because: is not a known field; allowed fields here: control, resource, message, reason"]);
  });

  it("are read for the declaring environment's stack only, with the file they come from", () => {
    const other = baseEnvironment({ name: "other" });
    expect(environmentExceptions([{ source: "environments/shortlogs.ts", input: DECLARED }, { source: "environments/other.ts", input: other }])).toEqual([
      { control: "CloudWatch.16", stack: "ce-shortlogs", resource: "aws_cloudwatch_log_group.*", reason: REASON, declaredIn: "environments/shortlogs.ts" },
    ]);
  });

  it("are what lets a 90-day log retention pass CloudWatch.16: without the declaration the policy suite fails on every log group", () => {
    expect(unexcused(SHORT_RETENTION, [...PROJECT_EXCEPTIONS, ...environmentExceptions([{ source: "s.ts", input: SHORT_RETENTION }])])).toEqual([
      "aws_cloudwatch_log_group.logs_containers",
      "aws_cloudwatch_log_group.logs_execute-command",
      "aws_cloudwatch_log_group.network_new-vpc_flow-log-group",
    ]);
    expect(unexcused(DECLARED, [...PROJECT_EXCEPTIONS, ...environmentExceptions([{ source: "s.ts", input: DECLARED }])])).toEqual([]);
  });

  it("cover no other environment's stack", () => {
    const neighbour = { ...SHORT_RETENTION, name: "neighbour" };
    expect(unexcused(neighbour, environmentExceptions([{ source: "s.ts", input: DECLARED }]))).toHaveLength(3);
  });
});
