/**
 * A small evaluator of IAM policy statements, for asking the synthesized
 * policies questions ("may the staging updater update a prod service?")
 * instead of only comparing their text. It implements the parts of the IAM
 * evaluation logic the project's policies use: Allow/Deny with an explicit
 * deny winning, Principal, Action/NotAction and Resource/NotResource with
 * `*` and `?` wildcards, and the condition operators String*, Arn*, Bool and
 * Null, with `IfExists`. A missing key fails a positive operator and
 * satisfies a negated one, as in IAM. Anything else throws, so a policy
 * using an operator this file does not know cannot pass by accident.
 */

type Value = string | readonly string[] | boolean | undefined;

/** One request to evaluate. */
export interface SimulatedRequest {
  /** ARN of the calling principal (a role ARN for an assumed role); becomes aws:PrincipalArn. */
  readonly principal?: string;
  /** Service principal, for statements with `Principal: { Service }`. */
  readonly service?: string;
  /** The action, e.g. `s3:PutObject`. */
  readonly action: string;
  /** The resource ARN. */
  readonly resource: string;
  /** Condition keys of the request (aws:PrincipalArn is added from `principal`). */
  readonly context?: Readonly<Record<string, Value>>;
}

/** The outcome, as IAM reports it. */
export type Decision = "allowed" | "explicitly denied" | "implicitly denied";

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Whether a glob with `*` and `?` matches a text (case-sensitive unless told otherwise). */
export function wildcardMatches(glob: string, text: string, ignoreCase = false): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${pattern}$`, ignoreCase ? "i" : "").test(text);
}

function principalMatches(principal: unknown, request: SimulatedRequest): boolean {
  if (principal === undefined) return true; // identity policy: the principal is the policy's owner
  if (principal === "*") return true;
  const p = principal as { AWS?: unknown; Service?: unknown };
  if (list(p.Service).some((s) => s === request.service)) return true;
  return list(p.AWS).some((arn) => {
    if (arn === "*") return request.principal !== undefined;
    if (!request.principal) return false;
    const account = /^arn:[^:]+:iam::(\d{12}):root$/.exec(arn)?.[1];
    if (account) return request.principal.split(":")[4] === account;
    return arn === request.principal;
  });
}

function conditionHolds(operatorWithSuffix: string, key: string, expected: unknown, context: Readonly<Record<string, Value>>): boolean {
  const ifExists = operatorWithSuffix.endsWith("IfExists");
  const operator = ifExists ? operatorWithSuffix.slice(0, -"IfExists".length) : operatorWithSuffix;
  const actual = context[key];
  const wanted = list(expected);
  if (operator === "Null") {
    const absent = actual === undefined;
    return wanted.some((w) => (w === "true") === absent);
  }
  if (actual === undefined) {
    if (ifExists) return true;
    return operator.includes("Not");
  }
  const values = list(actual);
  const compare: Record<string, (a: string, w: string) => boolean> = {
    StringEquals: (a, w) => a === w,
    StringLike: (a, w) => wildcardMatches(w, a),
    StringEqualsIgnoreCase: (a, w) => a.toLowerCase() === w.toLowerCase(),
    ArnEquals: (a, w) => a === w,
    ArnLike: (a, w) => wildcardMatches(w, a),
    Bool: (a, w) => a.toLowerCase() === w.toLowerCase(),
  };
  const positive = operator.replace("Not", "");
  const test = compare[positive];
  if (!test || (operator !== positive && !["StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"].includes(operator))) {
    throw new Error(`the IAM simulator does not know condition operator ${operatorWithSuffix}`);
  }
  const anyMatch = values.some((a) => wanted.some((w) => test(a, w)));
  return operator === positive ? anyMatch : !anyMatch;
}

/** Whether one statement applies to a request (its effect then counts). */
export function statementApplies(statement: Record<string, any>, request: SimulatedRequest): boolean {
  if (!principalMatches(statement.Principal, request)) return false;
  if (statement.NotPrincipal !== undefined) throw new Error("the IAM simulator does not evaluate NotPrincipal");
  const actionMatches = (globs: unknown) => list(globs).some((g) => wildcardMatches(g, request.action, true));
  if (statement.Action !== undefined && !actionMatches(statement.Action)) return false;
  if (statement.NotAction !== undefined && actionMatches(statement.NotAction)) return false;
  const resourceMatches = (globs: unknown) => list(globs).some((g) => wildcardMatches(g, request.resource));
  if (statement.Resource !== undefined && !resourceMatches(statement.Resource)) return false;
  if (statement.NotResource !== undefined && resourceMatches(statement.NotResource)) return false;
  const context: Record<string, Value> = { ...(request.principal ? { "aws:PrincipalArn": request.principal } : {}), ...request.context };
  for (const [operator, block] of Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, expected] of Object.entries(block)) {
      if (!conditionHolds(operator, key, expected, context)) return false;
    }
  }
  return true;
}

/** Evaluates statements (of one or more policies) for a request: an explicit deny wins, then an allow. */
export function evaluate(statements: readonly Record<string, any>[], request: SimulatedRequest): Decision {
  const applying = statements.filter((s) => statementApplies(s, request));
  if (applying.some((s) => s.Effect === "Deny")) return "explicitly denied";
  if (applying.some((s) => s.Effect === "Allow")) return "allowed";
  return "implicitly denied";
}

/** The statements of a JSON policy document. */
export function statementsOf(policy: string): Record<string, any>[] {
  return (JSON.parse(policy) as { Statement: Record<string, any>[] }).Statement;
}
