/**
 * Configuration errors: one line per problem, naming the field path, the bad
 * value (shortened and with any URL credentials masked) and what is allowed.
 */
import type { z } from "zod";

/** One problem found in an environment. */
export interface ConfigProblem {
  /** Where the environment came from, e.g. `environments/dev.ts`. */
  readonly source: string;
  /** Dotted field path, e.g. `network.privateSubnetCidrs[1]`; empty for the whole file. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** Thrown before any construct is built when one or more environments are invalid. */
export class ConfigError extends Error {
  /** Every problem, in file and field order. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Renders problems grouped by source. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  const sources = [...new Set(problems.map((p) => p.source))];
  const lines: string[] = [];
  for (const source of sources) {
    const own = problems.filter((p) => p.source === source);
    lines.push(`Invalid environment ${source} (${own.length} problem${own.length === 1 ? "" : "s"}):`);
    for (const p of own) lines.push(`  - ${p.path || "(file)"}: ${p.message}`);
  }
  return lines.join("\n");
}

/** Formats a field path the way a reader writes it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) text += text ? `.${key}` : key;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

const MAX_SHOWN = 80;

/** Names that hold secret values (environment-variable style); their values are never shown. */
export const SECRET_LOOKING_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|COOKIE/;

/** `1 item`, `3 items`. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * Shows a rejected value safely, in plain English: strings are JSON-quoted
 * (so control and unicode characters stay visible), credentials in URLs are
 * masked and long values are shortened; lists and objects are named by kind
 * and size. A value under a secret-looking name (a variable called
 * DB_PASSWORD) is never shown at all. Environment files hold no secret
 * values by design; this keeps a mistaken one out of logs anyway.
 */
export function showValue(value: unknown, path: readonly PropertyKey[] = []): string {
  if (value === undefined) return "nothing";
  if (path.some((key) => typeof key === "string" && SECRET_LOOKING_NAME.test(key))) {
    const kind = typeof value === "string" ? `a string of ${countOf(value.length, "character")}` : value === null ? "null" : `a ${Array.isArray(value) ? "list" : typeof value}`;
    return `${kind}, not shown because the name looks secret`;
  }
  if (typeof value === "string") {
    const masked = value.replace(/(\/\/)[^/@\s]*@/g, "$1***@");
    const quoted = JSON.stringify(masked);
    return quoted.length > MAX_SHOWN ? `${quoted.slice(0, MAX_SHOWN - 4)}…" (${countOf(value.length, "character")})` : quoted;
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${countOf(value.length, "item")}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "an empty object" : `an object with ${countOf(keys.length, "field")}`;
  }
  return `a ${typeof value}`;
}

const typeWords: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
};

/** Turns one zod issue into problems (an unknown-keys issue yields one per key). */
export function problemsFromIssue(
  source: string,
  issue: z.core.$ZodIssue,
  allowedFieldsAt: (path: readonly PropertyKey[]) => string[] | undefined,
): ConfigProblem[] {
  const input = (issue as { input?: unknown }).input;
  const at = (path: readonly PropertyKey[], message: string): ConfigProblem => ({
    source,
    path: formatPath(path),
    message,
  });
  const got = (value: unknown) => ` (got ${showValue(value, issue.path)})`;

  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedFieldsAt(issue.path);
      const hint = allowed ? `; allowed fields here: ${allowed.join(", ")}` : "";
      return issue.keys.map((key) => at([...issue.path, key], `is not a known field${hint}`));
    }
    case "invalid_type": {
      const expected = typeWords[issue.expected] ?? issue.expected;
      if (input === undefined) return [at(issue.path, `is required (${expected})`)];
      return [at(issue.path, `must be ${expected}${got(input)}`)];
    }
    case "invalid_key": {
      const inner = (issue as unknown as { issues?: { message: string }[] }).issues ?? [];
      const message = inner.map((i) => i.message).join("; ") || "is not an allowed key";
      return [at(issue.path, `${message}${got(input)}`)];
    }
    case "invalid_value":
      return [at(issue.path, `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got(input)}`)];
    case "invalid_union": {
      const discriminated = issue as unknown as { discriminator?: string; options?: unknown[] };
      if (discriminated.discriminator && discriminated.options) {
        const value = input && typeof input === "object" ? (input as Record<string, unknown>)[discriminated.discriminator] : input;
        const options = discriminated.options.map((v) => JSON.stringify(v)).join(", ");
        return [at(issue.path, `must be one of ${options}${got(value)}`)];
      }
      return [at(issue.path, `does not match any allowed form${got(input)}`)];
    }
    case "too_small":
    case "too_big": {
      const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const word = issue.code === "too_small" ? "at least" : "at most";
      if (issue.origin === "array" || issue.origin === "string") {
        const noun = issue.origin === "array" ? "item" : "character";
        const size = Array.isArray(input) || typeof input === "string" ? input.length : 0;
        return [at(issue.path, `must have ${word} ${countOf(bound, noun)} (got ${countOf(size, noun)})`)];
      }
      return [at(issue.path, `must be ${word} ${bound}${got(input)}`)];
    }
    default: {
      const message = issue.message;
      const suffix = input !== undefined && !message.includes("(got") ? got(input) : "";
      return [at(issue.path, `${message}${suffix}`)];
    }
  }
}
