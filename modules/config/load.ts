/**
 * Turns environment inputs (typed files or JSON files) into validated
 * environments, or one {@link ConfigError} listing every problem.
 */
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { ConfigError, ConfigProblem, problemsFromIssue } from "./errors";
import { DEFAULT_RELEASE, releaseOf } from "../releases";
import { adoptionWarnings } from "./adopt-schema";
import { CE_NAME_PREFIX, defenderNames, patternMatches } from "./defender-schema";
import { stateKeyOf } from "../backend/remote-state";
import { stateWritersOf } from "../backend/state-writers";
import { Environment, environmentObject, environmentSchema } from "./schema";
import { mongodumpBlocker } from "./backup-schema";
import { defaultHaNamespace, resolveImages } from "./derive";
import { standbyPairProblems } from "./standby-schema";

/** An environment as written, with where it came from. */
export interface EnvironmentSource {
  /** File the environment came from, for messages, e.g. `environments/dev.ts`. */
  readonly source: string;
  /** The unvalidated content. */
  readonly input: unknown;
}

/** Field names allowed at a path of the environment schema, given the input there (for unknown-field hints). */
function allowedFieldsAt(path: readonly PropertyKey[], input: unknown): string[] | undefined {
  let schema: z.core.$ZodType | undefined = environmentObject;
  let value: unknown = input;
  const step = (): void => {
    for (;;) {
      const def: any = schema?._zod.def;
      if (!def) return;
      if (["optional", "default", "prefault", "nullable", "readonly", "catch"].includes(def.type)) schema = def.innerType;
      else if (def.type === "pipe") schema = def.in;
      else if (def.type === "union" && def.discriminator && value && typeof value === "object") {
        const wanted = (value as Record<string, unknown>)[def.discriminator];
        schema = def.options.find((o: any) => o._zod.def.shape?.[def.discriminator]?._zod.def.values?.includes(wanted));
      } else return;
    }
  };
  step();
  for (const key of path) {
    const def: any = schema?._zod.def;
    if (!def) return undefined;
    if (def.type === "object") schema = def.shape[key as string];
    else if (def.type === "array") schema = def.element;
    else if (def.type === "record") schema = def.valueType;
    else return undefined;
    value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    step();
  }
  const def: any = schema?._zod.def;
  return def?.type === "object" ? Object.keys(def.shape) : undefined;
}

/** Problems of one environment input; empty when it is valid. */
export function problemsOf(source: EnvironmentSource): { environment?: Environment; problems: ConfigProblem[] } {
  const result = environmentSchema.safeParse(source.input, { reportInput: true });
  if (result.success) return { environment: result.data, problems: [] };
  // A value of the wrong type also fails the size checks of the right one (a string
  // where a list belongs has a "length"); the type is the one problem to report.
  const wrongType = new Set(result.error.issues.filter((i) => i.code === "invalid_type").map((i) => JSON.stringify(i.path)));
  const issues = result.error.issues.filter((i) => !((i.code === "too_big" || i.code === "too_small") && wrongType.has(JSON.stringify(i.path))));
  const problems = issues.flatMap((issue) =>
    problemsFromIssue(source.source, issue, (path) => allowedFieldsAt(path, source.input)),
  );
  return { problems };
}

/** Validates one environment; throws {@link ConfigError} when it is invalid. */
export function parseEnvironment(input: unknown, source = "(inline)"): Environment {
  return parseEnvironments([{ source, input }])[0];
}

/**
 * Validates every environment before anything is built, so one bad file
 * stops the whole synthesis with all problems listed at once. Also rejects
 * two environments with the same name (they would share a stack and state).
 */
export function parseEnvironments(sources: readonly EnvironmentSource[]): Environment[] {
  const environments: Environment[] = [];
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const result = problemsOf(source);
    problems.push(...result.problems);
    if (!result.environment) continue;
    const earlier = seen.get(result.environment.name);
    if (earlier) {
      problems.push({ source: source.source, path: "name", message: `"${result.environment.name}" is already used by ${earlier}` });
      continue;
    }
    seen.set(result.environment.name, source.source);
    environments.push(result.environment);
  }
  problems.push(...acrossEnvironments(environments, seen));
  if (problems.length > 0) throw new ConfigError(problems);
  return environments;
}

/**
 * Problems only visible across environments:
 * - environments sharing a state bucket must agree on its region, account
 *   and KMS key (the bootstrap stack creates each bucket once);
 * - the Fargate Defender updater's role names are global in an account: two
 *   environments naming the same role explicitly are refused (the defaults
 *   are per environment);
 * - a role may write one stack's state per bucket (the bucket policy confines
 *   each writer to one state object).
 */
function acrossEnvironments(environments: readonly Environment[], sourceByName: ReadonlyMap<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sourceOf = (env: Environment) => sourceByName.get(env.name) ?? `environment ${env.name}`;

  const bucketOwners = new Map<string, Environment>();
  for (const env of environments) {
    const earlier = bucketOwners.get(env.state.bucket);
    if (!earlier) bucketOwners.set(env.state.bucket, env);
    else if (earlier.state.region !== env.state.region || earlier.accountId !== env.accountId || earlier.state.kmsKeyArn !== env.state.kmsKeyArn) {
      problems.push({
        source: sourceOf(env),
        path: "state",
        message: `uses bucket ${env.state.bucket} with a different region, account or KMS key than environment ${earlier.name}`,
      });
    }
  }

  problems.push(...standbyProblems(environments, sourceOf));

  const writerGroups = new Map<string, string>();
  for (const env of environments) {
    for (const group of stateWritersOf(env)) {
      for (const role of group.roleArns) {
        const key = `${env.state.bucket} ${role}`;
        const earlier = writerGroups.get(key);
        if (earlier && earlier !== group.label) {
          problems.push({
            source: sourceOf(env),
            path: group.stateKey === stateKeyOf(env.name) ? "state.writers" : "defender.memberStateWriters",
            message: `lists ${role}, which already writes the state of ${earlier} in bucket ${env.state.bucket}: the bucket confines each role to one stack's state, so give every stack its own deploy role`,
          });
        } else writerGroups.set(key, group.label);
      }
    }
  }

  // Roles an environment names that do not start with ce- (custom updater roles, existing task roles): no
  // environment's updater may pass them, which the ce- refusal of defender.passRoles cannot see.
  const customRoles = environments.flatMap((env) => {
    const names = env.defender.enabled ? [defenderNames(env).masterRoleName, defenderNames(env).memberRoleName] : [];
    const existing = [env.iam.executionRoleArn, env.iam.taskRoleArn].filter((arn): arn is string => arn !== undefined).map((arn) => arn.split("/").pop()!);
    return [...names, ...existing].filter((name) => !name.startsWith(CE_NAME_PREFIX)).map((name) => ({ env, name }));
  });
  for (const env of environments) {
    if (!env.defender.enabled) continue;
    env.defender.passRoles.forEach((pattern, i) => {
      const hit = customRoles.find((role) => patternMatches(pattern, role.name));
      if (hit) {
        problems.push({
          source: sourceOf(env),
          path: `defender.passRoles.${i}`,
          message: `matches ${hit.name}, a role of environment ${hit.env.name}: the updater may pass only the protected services' roles`,
        });
      }
    });
  }

  const owners = new Map<string, Environment>();
  for (const env of environments) {
    if (!env.defender.enabled) continue;
    const names = defenderNames(env);
    const keys = [
      [`${env.accountId}/role/${names.masterRoleName}`, "masterRoleName", names.masterRoleName],
      [`${env.accountId}/role/${names.memberRoleName}`, "memberRoleName", names.memberRoleName],
    ] as const;
    for (const [key, field, name] of keys) {
      const earlier = owners.get(key);
      if (earlier) {
        problems.push({
          source: sourceOf(env),
          path: `defender.${field}`,
          message: `names role ${name}, which environment ${earlier.name} already uses in account ${env.accountId}; leave it out for the per-environment default`,
        });
      } else owners.set(key, env);
    }
  }
  return problems;
}

/**
 * Problems between standbys and their primaries loaded together (a
 * standby alone, e.g. from CE_ENV_FILE, is checked on its own only): the
 * pair's regions, account, release, variant, namespace and MongoDB image
 * agree, the primary replicates to it, and no primary has two standbys (EFS
 * replicates a file system to one destination).
 */
function standbyProblems(environments: readonly Environment[], sourceOf: (env: Environment) => string): ConfigProblem[] {
  const byName = new Map(environments.map((env) => [env.name, env]));
  const problems: ConfigProblem[] = [];
  const image = (env: Environment) => {
    const { repository, tag, digest } = resolveImages(env).mongodb;
    return digest ? `${repository}@${digest}` : `${repository}:${tag}`;
  };
  const standbysOf = new Map<string, Environment[]>();
  for (const env of environments) {
    if (!env.standby) continue;
    standbysOf.set(env.standby.primary, [...(standbysOf.get(env.standby.primary) ?? []), env]);
    const primary = byName.get(env.standby.primary);
    const pairs = standbyPairProblems(
      env,
      primary,
      { standby: defaultHaNamespace(env), primary: primary ? defaultHaNamespace(primary) : undefined },
      { standby: image(env), primary: primary ? image(primary) : undefined },
    );
    for (const [name, path, message] of pairs) problems.push({ source: sourceOf(byName.get(name)!), path, message });
  }
  for (const [primary, standbys] of standbysOf) {
    for (const extra of standbys.slice(1)) {
      problems.push({ source: sourceOf(extra), path: "standby.primary", message: `names ${primary}, which ${standbys[0].name} already stands by for: EFS replicates a file system to one destination` });
    }
  }
  for (const env of environments) {
    const target = env.replication ? byName.get(env.replication.standby) : undefined;
    if (env.replication && target && target.standby?.primary !== env.name) {
      problems.push({ source: sourceOf(env), path: "replication.standby", message: `names ${target.name}, which is not a standby of ${env.name} (standby: { primary: "${env.name}", ... })` });
    }
  }
  return problems;
}

/**
 * What is valid but worth a line on stderr at synthesis: an environment on a
 * release Netskope no longer supports (checked against `today`, ISO date), a
 * load balancer serving plain HTTP, an adoption that changes the file
 * system in place (adopt-schema.ts), and a release with TLS whose logical
 * MongoDB backup cannot run (backup-schema.ts).
 */
export function environmentWarnings(environments: readonly Environment[], sources: readonly string[] = [], today = new Date().toISOString().slice(0, 10)): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  environments.forEach((env, i) => {
    const release = releaseOf(env.release);
    if (release.endOfLife && release.endOfLife <= today) {
      warnings.push({
        source: sources[i] ?? `environment ${env.name}`,
        path: "release",
        message: `CE ${release.id} reached the end of Netskope's support on ${release.endOfLife}; move to ${DEFAULT_RELEASE} (docs/upgrades.md)`,
      });
    }
    if (env.ingress.mode === "alb" && !env.ingress.certificateArn) {
      warnings.push({
        source: sources[i] ?? `environment ${env.name}`,
        path: "ingress.certificateArn",
        message: "is not set: the load balancer serves plain HTTP, so CE's logins and API tokens cross the network unencrypted (Security Hub ELB.1 fails); set a certificate",
      });
    }
    for (const warning of adoptionWarnings(env)) warnings.push({ source: sources[i] ?? `environment ${env.name}`, ...warning });
    const dumpBlocked = release.tls && env.backup.mongodump.enabled === undefined ? mongodumpBlocker(env, true) : undefined;
    if (dumpBlocked) {
      warnings.push({
        source: sources[i] ?? `environment ${env.name}`,
        path: dumpBlocked.path.join("."),
        message: `${dumpBlocked.reason}: no logical MongoDB backup runs, and a file-level backup of a running MongoDB may not start (docs/runbooks.md, backing up)`,
      });
    }
  });
  return warnings;
}

/** Reads a JSON environment file (for pipelines: `CE_ENV_FILE=path npx cdktf synth`). */
export function readEnvironmentFile(path: string): EnvironmentSource {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([{ source: path, path: "", message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }]);
  }
  try {
    return { source: path, input: JSON.parse(text) as unknown };
  } catch (error) {
    throw new ConfigError([{ source: path, path: "", message: `is not valid JSON: ${(error as Error).message}` }]);
  }
}
