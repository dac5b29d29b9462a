/**
 * An environment's reasoned exceptions to the security controls the policy
 * suite applies to every stack (SECURITY.md lists the controls). An
 * environment that deliberately does not meet a control (a 90-day log
 * retention below CloudWatch.16's year, deletion protection off on a
 * throw-away environment) says so here, with why, instead of in a test file:
 * the policy suite reads these and accepts a finding of that control in this
 * environment's stack only when it is declared, and fails when a declared
 * exception no longer matches any finding. Nothing here changes what is
 * deployed.
 */
import { z } from "zod";

/** One control id: a Security Hub or CIS id (`CloudWatch.16`), a Checkov id (`CKV_AWS_158`) or the project's own (`CE-1`). */
const CONTROL_ID = String.raw`(?:[A-Z][A-Za-z0-9]*\.\d+|CKV_AWS_\d+|CE-\d+)`;

export const policyExceptionSchema = z.strictObject({
  control: z
    .string()
    .regex(new RegExp(`^${CONTROL_ID}(?:/${CONTROL_ID})*$`), {
      error: "must be a control id of the policy suite such as CloudWatch.16, CKV_AWS_158 or CE-1 (SECURITY.md lists them)",
    })
    .describe("Id of the control, as the policy suite and SECURITY.md name it (e.g. CloudWatch.16, ELB.6)."),
  resource: z
    .string()
    .regex(/^(?:\*|[a-z0-9_*]+\.[A-Za-z0-9_*.[\]-]+)$/, {
      error: "must be a Terraform address such as aws_lb.ingress_load-balancer, where * matches any run of characters",
    })
    .default("*")
    .describe("Terraform address of the resource the exception is for, in this environment's stack; * matches any run of characters. Default: every resource of the stack."),
  message: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("Text the finding must contain, to pin the exception to one finding of the resource. Default: any finding of the control there."),
  reason: z
    .string()
    .min(40)
    .max(600)
    .describe("Why this environment does not meet the control, for reviewers and auditors."),
});

export const policyExceptionsSchema = z
  .array(policyExceptionSchema)
  .max(30)
  .default([])
  .describe(
    "Security controls of the policy suite (SECURITY.md) this environment deliberately does not meet, each with its reason. `npm test` accepts a finding of such a control in this environment's stack only when it is declared here, and fails when a declared exception matches no finding. No effect on what is deployed.",
  );

/** An exception as written in an environment file. */
export type PolicyExceptionInput = z.input<typeof policyExceptionSchema>;
