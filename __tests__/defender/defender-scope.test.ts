/**
 * Defender scope, evaluated. The attacker is whoever controls an
 * environment's Fargate Defender updater (its image, its task, or the
 * credentials of its master or member role): it must not be able to change
 * any Cloud Exchange environment's services (its own, or another's in any
 * account it reaches), nor hand any Cloud Exchange or pipeline role to a
 * task it registers, nor act outside its regions. Proven with the schema's
 * defaults, with the widest inputs the schema accepts, and for updater
 * settings generated within the schema.
 */
import fc from "fast-check";
import { environmentSources } from "../../environments";
import { Environment, EnvironmentInput, parseEnvironments, problemsOf } from "../../modules/config";
import { memberScopeOf, memberStatements } from "../../modules/defender/member-role";
import { ACCOUNT, baseEnvironment, REGION, secretArn } from "../support/fixtures";
import { evaluateAccess } from "../support/iam-simulator";
import { resourceNamed, resourcesOf, synthApp } from "../support/synth";

const MEMBER = "111111111111";
const IMAGE = { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "1" };
const allowAll = [{ Effect: "Allow", Action: "*", Resource: "*" }];
/** Environment names the attacks aim at: the updater's own, others, and names that are prefixes of each other. */
const TARGET_ENVIRONMENTS = ["prod", "prod-eu", "dev", "staging", "a"];

function withDefender(defender: Record<string, unknown>, name = "staging"): EnvironmentInput {
  return baseEnvironment({
    name,
    defender: { enabled: true, image: IMAGE, pccSecretArn: secretArn("PCCAccessSecret"), passRoles: ["apps-*"], ...defender } as EnvironmentInput["defender"],
  });
}

/** Every request an updater must never get through, in one account and region. */
function attacks(account: string, region: string): { action: string; resource: string; context?: Record<string, string> }[] {
  const service = (cluster: string, name: string) => `arn:aws:ecs:${region}:${account}:service/${cluster}/${name}`;
  const pass = (name: string) => ({ action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/${name}`, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
  return TARGET_ENVIRONMENTS.flatMap((env) => [
    { action: "ecs:UpdateService", resource: service(`ce-${env}`, `ce-${env}`) },
    { action: "ecs:UpdateService", resource: service(`ce-${env}`, `ce-${env}-node-2`) },
    // A Cloud Exchange environment in an existing (shared) cluster keeps its service names.
    { action: "ecs:UpdateService", resource: service("shared-apps", `ce-${env}`) },
    { action: "ecs:UpdateService", resource: service("apps-prod", `ce-${env}-node-1`) },
    pass(`ce-${env}-task`),
    pass(`ce-${env}-task-execution`),
    pass(`ce-${env}-fargate-master`),
    pass(`ce-${env}-vpc-flow-logs`),
    pass(`ce-${env}-pipeline-deploy`),
  ]);
}

/** The attacks a member role's statements let through. */
function breaches(statements: Record<string, any>[], account: string, regions: readonly string[]): string[] {
  return regions.flatMap((region) =>
    attacks(account, region).flatMap((attack) => {
      const decision = evaluateAccess({ identity: statements }, { principal: `arn:aws:iam::${account}:role/updater-member`, ...attack });
      return decision === "allowed" ? [`${attack.action} ${attack.resource}`] : [];
    }),
  );
}

/** Member-role statements of an environment in each account it protects. */
function memberPolicies(env: Environment): { account: string; statements: Record<string, any>[] }[] {
  const accounts = env.defender.deploymentMode === "organization" ? env.defender.accounts : [env.accountId];
  return accounts.map((account) => ({ account, statements: memberStatements(memberScopeOf(env, account)) as Record<string, any>[] }));
}

describe("Defender scope, evaluated", () => {
  it("with the schema's defaults (no clusters listed), updates no Cloud Exchange service and passes no Cloud Exchange role", () => {
    const stacks = synthApp([withDefender({}), withDefender({ deploymentMode: "organization", organizationalUnitIds: ["ou-ab12-cdef3456"], accounts: [MEMBER, ACCOUNT] }, "org")]);
    const single = JSON.parse(resourceNamed(stacks["ce-staging"], "aws_iam_role_policy", "defender_member-role_policy").policy).Statement;
    expect(breaches(single, ACCOUNT, [REGION])).toEqual([]);
    for (const account of [MEMBER, ACCOUNT]) {
      const member = JSON.parse(resourceNamed(stacks[`ce-org-defender-member-${account}`], "aws_iam_role_policy", "member-role_policy").policy).Statement;
      expect({ account, breaches: breaches(member, account, [REGION]) }).toEqual({ account, breaches: [] });
    }
    // Not vacuous: an application's service and role are still in reach.
    const app = evaluateAccess({ identity: single }, { principal: `arn:aws:iam::${ACCOUNT}:role/m`, action: "ecs:UpdateService", resource: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/apps/checkout` });
    expect(app).toBe("allowed");
  });

  it("gives the master role nothing but assuming the member roles: no service, no role to pass", () => {
    const stack = synthApp([withDefender({})])["ce-staging"];
    const master = JSON.parse(resourceNamed(stack, "aws_iam_role_policy", "defender_master-role-policy").policy).Statement;
    expect(breaches(master, ACCOUNT, [REGION])).toEqual([]);
  });

  it("with the shipped environments' updaters, reaches no Cloud Exchange service or role in any region", () => {
    const stacks = synthApp(environmentSources().map((s) => s.input as EnvironmentInput));
    const policies = Object.entries(stacks).flatMap(([stack, json]) =>
      resourcesOf(json, "aws_iam_role_policy")
        .filter(([name]) => name.includes("member-role"))
        .map(([name, policy]) => ({ where: `${stack} ${name}`, statements: JSON.parse(policy.policy).Statement })),
    );
    for (const { where, statements } of policies) {
      expect({ where, breaches: breaches(statements, "123456789012", ["us-east-1", "eu-west-1"]) }).toEqual({ where, breaches: [] });
    }
  });

  it("refuses pass-role patterns that could match a Cloud Exchange or pipeline role, naming the field", () => {
    const problems = (passRoles: string[]) =>
      problemsOf({ source: "environments/staging.ts", input: withDefender({ passRoles }) }).problems.map((p) => `${p.path}: ${p.message}`);
    for (const pattern of ["**", "*-task-execution", "c*", "ce-*", "ce-prod-task", "*"]) {
      expect({ pattern, problems: problems([pattern]) }).toEqual({ pattern, problems: [expect.stringMatching(/^defender\.passRoles\[0\]: /)] });
    }
    expect(problems(["*-task-execution"])[0]).toMatch(/could match Cloud Exchange's roles \(ce-<environment>-\.\.\.: task, execution, updater and pipeline roles/);
    expect(problems(["apps-*", "ecsTaskExecutionRole", "payments/*"])).toEqual([]);
  });

  it("refuses any Cloud Exchange environment's cluster as a target, its own included", () => {
    const problems = (clusters: string[]) =>
      problemsOf({ source: "environments/staging.ts", input: withDefender({ clusters }) }).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems(["ce-staging"])).toEqual([expect.stringMatching(/^defender\.clusters\[0\]: is this environment's own cluster/)]);
    expect(problems(["ce-prod"])).toEqual([expect.stringMatching(/^defender\.clusters\[0\]: is the cluster of environment prod: Terraform owns its services' task definitions/)]);
  });

  it("holds for updater settings generated within the schema (widest clusters, pass roles, regions, accounts)", () => {
    const clusterName = fc.oneof(fc.constantFrom("apps", "apps-prod", "shared-apps", "ce_x", "CE-upper"), fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/));
    const rolePattern = fc.oneof(fc.constantFrom("apps-*", "*", "**", "*-task", "c*", "ce-*", "C*", "app?", "*/ce-*"), fc.stringMatching(/^[a-z*/-]{1,10}$/));
    const settings = fc.record({
      name: fc.constantFrom(...TARGET_ENVIRONMENTS),
      clusters: fc.uniqueArray(clusterName, { maxLength: 3 }),
      passRoles: fc.uniqueArray(rolePattern, { minLength: 1, maxLength: 3 }),
      regions: fc.subarray(["eu-west-1", "us-east-1", "ap-southeast-2"]),
      organization: fc.boolean(),
      existingCluster: fc.option(clusterName, { nil: undefined }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(settings, (s) => {
        const input = {
          ...withDefender(
            {
              clusters: s.clusters,
              passRoles: s.passRoles,
              regions: s.regions,
              ...(s.organization ? { deploymentMode: "organization", organizationalUnitIds: ["ou-ab12-cdef3456"], accounts: [MEMBER, ACCOUNT] } : {}),
            },
            s.name,
          ),
          ...(s.existingCluster ? { cluster: { existingClusterName: s.existingCluster } } : {}),
        };
        const parsed = problemsOf({ source: "generated", input });
        if (!parsed.environment) return; // refused with a message: nothing is built
        accepted += 1;
        const [env] = parseEnvironments([{ source: "generated", input }]);
        const regions = env.defender.regions.length > 0 ? [...env.defender.regions, "sa-east-1"] : [env.region, "sa-east-1"];
        for (const { account, statements } of memberPolicies(env)) {
          expect({ account, breaches: breaches(statements, account, regions) }).toEqual({ account, breaches: [] });
          // Outside its regions it updates nothing at all.
          const elsewhere = evaluateAccess(
            { identity: statements },
            { principal: `arn:aws:iam::${account}:role/m`, action: "ecs:UpdateService", resource: `arn:aws:ecs:sa-east-1:${account}:service/${env.defender.clusters[0] ?? "apps"}/checkout` },
          );
          expect(elsewhere).not.toBe("allowed");
        }
      }),
      { numRuns: 150 },
    );
    expect(accepted).toBeGreaterThan(20);
  });

  it("keeps the updater's reach even when an account administrator's policy is attached to the member role: the denies hold", () => {
    const [env] = parseEnvironments([{ source: "environments/staging.ts", input: withDefender({}) }]);
    const statements = memberStatements(memberScopeOf(env, ACCOUNT)) as Record<string, any>[];
    const widened = [...statements, ...allowAll];
    const decisions = attacks(ACCOUNT, REGION).map((attack) => evaluateAccess({ identity: widened }, { principal: `arn:aws:iam::${ACCOUNT}:role/m`, ...attack }));
    expect(decisions.every((d) => d === "explicitly denied")).toBe(true);
  });
});
