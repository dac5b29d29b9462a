/**
 * Field builders shared by the environment schemas: each turns a rule into a
 * zod string whose error message says what is allowed.
 */
import { z } from "zod";
import { describeCidrProblem, parseCidr } from "./cidr";
import { Rule } from "./patterns";

/** A string that must match a {@link Rule}; the rule's wording is the error. */
export const matching = (rule: Rule) => z.string().regex(rule.pattern, { error: `must be ${rule.says}` });

/** An IPv4 CIDR block, network-aligned. */
export const cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  error: (issue) => (typeof issue.input === "string" ? describeCidrProblem(issue.input) : "must be an IPv4 CIDR block"),
});

/** CloudWatch Logs retention values. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A CloudWatch Logs retention in days. */
export const retentionDays = z
  .number()
  .int()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    error: `must be a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")}`,
  });

/**
 * Checks that a retention is at least the environment's logs.retentionDays (the audit trails follow the
 * environment); reports at `path` when it is shorter. An unset retention takes logs.retentionDays.
 */
export function checkAtLeastLogRetention(
  path: (string | number)[],
  days: number | undefined,
  logRetentionDays: number,
  problem: (path: (string | number)[], message: string) => void,
): void {
  if (days !== undefined && days < logRetentionDays) {
    problem(path, `must be at least logs.retentionDays (${logRetentionDays}); leave it out to use that`);
  }
}
