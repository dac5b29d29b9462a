/**
 * A small evaluator of IAM policy statements, for asking the synthesized
 * policies questions ("may the staging updater update a prod service?")
 * instead of only comparing their text. It implements the parts of the IAM
 * evaluation logic the project's policies use: Allow/Deny with an explicit
 * deny winning, Principal, Action/NotAction and Resource/NotResource with
 * `*` and `?` wildcards, and the condition operators String*, Arn*, Bool and
 * Null, with `IfExists` and the `ForAnyValue:`/`ForAllValues:` set
 * qualifiers. A missing key fails a positive operator and satisfies a
 * negated one, as in IAM. Anything else throws, so a policy using an
 * operator this file does not know cannot pass by accident.
 *
 * {@link evaluateAccess} combines the policy types of one request the way
 * IAM does: identity policies, a permissions boundary, a resource policy
 * (bucket, key, file system; required for KMS keys), a VPC endpoint policy,
 * and the same-account / cross-account rule. A resource policy statement
 * whose principal is an account's root delegates to that account's IAM
 * policies; one naming the principal's ARN grants by itself.
 */

type Value = string | readonly string[] | boolean | undefined;

/** One request to evaluate. */
export interface SimulatedRequest {
  /** ARN of the calling principal (a role ARN for an assumed role); becomes aws:PrincipalArn. */
  readonly principal?: string;
  /** Service principal, for statements with `Principal: { Service }`. */
  readonly service?: string;
  /** Identity provider of a web-identity request (`sts:AssumeRoleWithWebIdentity`), for statements with `Principal: { Federated }`. */
  readonly federated?: string;
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

const compiledGlobs = new Map<string, RegExp>();

/** Whether a glob with `*` and `?` matches a text (case-sensitive unless told otherwise). */
export function wildcardMatches(glob: string, text: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? "i" : "s"}${glob}`;
  let compiled = compiledGlobs.get(cacheKey);
  if (!compiled) {
    const pattern = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    compiled = new RegExp(`^${pattern}$`, ignoreCase ? "i" : "");
    compiledGlobs.set(cacheKey, compiled);
  }
  return compiled.test(text);
}

/** How a statement's principal names the request's principal: directly, through its account's root (a delegation), or not at all. */
type PrincipalMatch = "direct" | "account" | undefined;

function principalMatch(principal: unknown, request: SimulatedRequest): PrincipalMatch {
  if (principal === undefined) return "direct"; // identity policy: the principal is the policy's owner
  if (principal === "*") return "direct";
  const p = principal as { AWS?: unknown; Service?: unknown; Federated?: unknown };
  if (request.service !== undefined && list(p.Service).some((s) => s === request.service)) return "direct";
  if (request.federated !== undefined && list(p.Federated).some((f) => f === request.federated)) return "direct";
  let match: PrincipalMatch;
  for (const arn of list(p.AWS)) {
    if (!request.principal) continue;
    if (arn === "*" || arn === request.principal) return "direct";
    const account = /^arn:[^:]+:iam::(\d{12}):root$/.exec(arn)?.[1] ?? (/^\d{12}$/.test(arn) ? arn : undefined);
    if (account && accountOf(request.principal) === account) match = "account";
  }
  return match;
}

/** The account of an ARN (the fifth field). */
export function accountOf(arn: string): string | undefined {
  const account = arn.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

function conditionHolds(operatorWithQualifiers: string, key: string, expected: unknown, context: Readonly<Record<string, Value>>): boolean {
  const [qualifier, operatorWithSuffix] = operatorWithQualifiers.includes(":") ? operatorWithQualifiers.split(":", 2) : [undefined, operatorWithQualifiers];
  if (qualifier !== undefined && qualifier !== "ForAnyValue" && qualifier !== "ForAllValues") {
    throw new Error(`the IAM simulator does not know condition qualifier ${qualifier}`);
  }
  const ifExists = operatorWithSuffix.endsWith("IfExists");
  const operator = ifExists ? operatorWithSuffix.slice(0, -"IfExists".length) : operatorWithSuffix;
  const actual = context[key];
  const wanted = list(expected);
  if (qualifier !== undefined) {
    // Set operators: each value of the request's key is compared on its own.
    const values = actual === undefined ? [] : list(actual);
    const holds = (value: string) => conditionHolds(operatorWithSuffix, key, expected, { [key]: value });
    if (qualifier === "ForAllValues") return values.every(holds);
    return values.some(holds);
  }
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
  return statementMatch(statement, request) !== undefined;
}

/** Whether, and through which principal match, one statement applies to a request. */
function statementMatch(statement: Record<string, any>, request: SimulatedRequest): PrincipalMatch {
  const principal = principalMatch(statement.Principal, request);
  if (principal === undefined) return undefined;
  if (statement.NotPrincipal !== undefined) throw new Error("the IAM simulator does not evaluate NotPrincipal");
  const actionMatches = (globs: unknown) => list(globs).some((g) => wildcardMatches(g, request.action, true));
  if (statement.Action !== undefined && !actionMatches(statement.Action)) return undefined;
  if (statement.NotAction !== undefined && actionMatches(statement.NotAction)) return undefined;
  const resourceMatches = (globs: unknown) => list(globs).some((g) => wildcardMatches(g, request.resource));
  if (statement.Resource !== undefined && !resourceMatches(statement.Resource)) return undefined;
  if (statement.NotResource !== undefined && resourceMatches(statement.NotResource)) return undefined;
  const context: Record<string, Value> = {
    ...(request.principal ? { "aws:PrincipalArn": request.principal, "aws:PrincipalAccount": accountOf(request.principal) } : {}),
    ...request.context,
  };
  for (const [operator, block] of Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, expected] of Object.entries(block)) {
      if (!conditionHolds(operator, key, expected, context)) return undefined;
    }
  }
  return principal;
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

/** The policies that decide one request, by type. */
export interface AccessPolicies {
  /** Statements of the principal's identity policies. Default: none. */
  readonly identity?: readonly Record<string, any>[];
  /** Statements of the principal's permissions boundary. Default: no boundary. */
  readonly boundary?: readonly Record<string, any>[];
  /** Statements of the resource's policy (bucket, key, file system, trust policy). Default: none. */
  readonly resource?: readonly Record<string, any>[];
  /** Statements of the VPC endpoint policy the request passes through. Default: no endpoint. */
  readonly endpoint?: readonly Record<string, any>[];
  /** Account that owns the resource. Default: the resource ARN's account, else the principal's. */
  readonly resourceAccount?: string;
  /** The resource policy must grant (KMS keys, role trust): identity policies alone are not enough. Default false. */
  readonly resourcePolicyRequired?: boolean;
}

/**
 * Evaluates a request against every policy type that decides it, as IAM
 * does: an explicit deny anywhere wins; a boundary and an endpoint policy
 * must allow too; in the same account an identity or a resource policy may
 * grant (a resource policy's account-root principal delegates to the
 * identity policies); across accounts both must. A service principal's
 * request is decided by the resource policy alone.
 */
export function evaluateAccess(policies: AccessPolicies, request: SimulatedRequest): Decision {
  const resourceAccount = policies.resourceAccount ?? accountOf(request.resource) ?? (request.principal ? accountOf(request.principal) : undefined);
  const withAccount: SimulatedRequest = {
    ...request,
    context: { ...(resourceAccount ? { "aws:ResourceAccount": resourceAccount } : {}), ...request.context },
  };
  const all = [...(policies.identity ?? []), ...(policies.boundary ?? []), ...(policies.resource ?? []), ...(policies.endpoint ?? [])];
  if (all.some((s) => s.Effect === "Deny" && statementMatch(s, withAccount) !== undefined)) return "explicitly denied";
  const allows = (statements: readonly Record<string, any>[] | undefined) =>
    (statements ?? []).filter((s) => s.Effect === "Allow").map((s) => statementMatch(s, withAccount)).filter((m): m is "direct" | "account" => m !== undefined);
  if (policies.endpoint && allows(policies.endpoint).length === 0) return "implicitly denied";
  const resourceGrants = allows(policies.resource);
  if (request.principal === undefined) return resourceGrants.includes("direct") ? "allowed" : "implicitly denied"; // a service or an identity provider
  if (policies.boundary && allows(policies.boundary).length === 0) return "implicitly denied";
  const identityGrants = allows(policies.identity).length > 0;
  const sameAccount = accountOf(request.principal) === resourceAccount;
  const resourceDirect = resourceGrants.includes("direct");
  const resourceDelegates = resourceGrants.includes("account");
  let granted: boolean;
  if (policies.resourcePolicyRequired) granted = resourceDirect || (resourceDelegates && identityGrants);
  else if (sameAccount) granted = identityGrants || resourceDirect;
  else granted = identityGrants && (resourceDirect || resourceDelegates);
  return granted ? "allowed" : "implicitly denied";
}
