/**
 * The example pipeline roles (examples/pipeline/<stack>.json), evaluated.
 * Attacker: the pipeline of environment A, i.e. its plan role, its deploy
 * role, and any role the deploy role creates or rewrites (whatever policy it
 * gives it, the permissions boundary caps it), aiming at environment B in the
 * same account and state bucket: read or write B's state or secrets, decrypt
 * with, change, re-alias, disable or schedule deletion of B's key or the state
 * key, hand B's roles to a service (a task definition with B's execution role
 * and secrets), rewrite B's roles, change B's services, audit logs, buckets or
 * anything tagged for B. Also: A's own pipeline may not destroy or disable its
 * own key, move an alias, or create a role without the boundary; a pull
 * request, or another environment's job, cannot assume the roles. Shown for
 * the shipped environments, for fixtures with names that are prefixes of each
 * other and a Defender organization, and for environments generated within
 * the schema.
 */
import fc from "fast-check";
import { environmentSources } from "../../environments";
import { lockFileOf, memberStateKeyOf, stateKeyAliasName, stateKeyOf } from "../../modules/backend/remote-state";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { GITHUB_OIDC, PipelineRoles, REPOSITORY_PLACEHOLDER } from "../../modules/pipeline/pipeline-policies";
import { roleNameOf, stackNames } from "../../modules/pipeline/stack-names";
import { pipelineRolesOf } from "../../scripts/lib/pipeline-policy";
import { ACCOUNT, baseEnvironment, haEnvironment, REGION, secretArn } from "../support/fixtures";
import { AccessPolicies, Decision, evaluateAccess, SimulatedRequest } from "../support/iam-simulator";
import { resourcesOf, StackJson, synthApp } from "../support/synth";

const allowAll = [{ Effect: "Allow", Action: "*", Resource: "*" }];
const KEY_ID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

interface Attack extends SimulatedRequest {
  readonly label: string;
  readonly policies?: Omit<AccessPolicies, "identity" | "boundary">;
}

/** One environment's stack and pipeline, as the attacks need them. */
interface Target {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly stack: StackJson;
  readonly roles: PipelineRoles;
  readonly stateKey: string;
  /** The bucket its state is in (a standby's is in its own region). */
  readonly bucket: StateBucket;
}

const statementsOf = (documents: readonly { Statement: readonly unknown[] }[]) => documents.flatMap((d) => d.Statement) as Record<string, any>[];
const asStatements = (statements: readonly unknown[]) => statements as Record<string, any>[];

/** The shared state bucket: its name, account, region, and the policies of the bucket and its key. */
interface StateBucket {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly policy: Record<string, any>[];
  readonly keyPolicy: Record<string, any>[];
}

/** What the attacker's roles are: A's plan role, A's deploy role, and a role A's deploy role wrote (anything, within the boundary). */
function attackers(a: Target): { who: string; policies: Pick<AccessPolicies, "identity" | "boundary">; principal: string }[] {
  const role = (name: string) => `arn:aws:iam::${a.accountId}:role/${name}`;
  return [
    { who: `${a.roles.planRole.name}`, policies: { identity: statementsOf(a.roles.planRole.policies) }, principal: role(a.roles.planRole.name) },
    { who: `${a.roles.deployRole.name}`, policies: { identity: statementsOf(a.roles.deployRole.policies) }, principal: role(a.roles.deployRole.name) },
    {
      who: `a role ${a.roles.deployRole.name} created`,
      policies: { identity: allowAll, boundary: asStatements(a.roles.permissionsBoundary.policy.Statement) },
      principal: role(`ce-${a.name}-task`),
    },
  ];
}

/** Every request aimed at B's resources, with the resource policies that also decide it. */
function attacksOn(b: Target, attacker: Target): Attack[] {
  const { accountId, region: REGION, bucket } = b;
  const names = stackNames(b.stack);
  const keyPolicy = (resourcesOf(b.stack, "aws_kms_key")[0]?.[1].policy as string | undefined) ?? undefined;
  const bKey = `arn:aws:kms:${REGION}:${accountId}:key/${KEY_ID}`;
  const bKeyContext = { "aws:ResourceTag/Environment": b.name, "kms:ResourceAliases": [`alias/ce-${b.name}`] };
  const stateKeyArn = `arn:aws:kms:${bucket.region}:${bucket.accountId}:key/ffffffff-4f50-6172-8394-a5b6c7d8e9f0`;
  const stateContext = { "kms:ResourceAliases": [stateKeyAliasName(bucket.name)] };
  const objects = [b.stateKey, lockFileOf(b.stateKey)].map((key) => `arn:aws:s3:::${bucket.name}/${key}`);
  const kmsHeaders = { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:${bucket.region}:${bucket.accountId}:alias/ce-tfstate-${bucket.name}` };
  const tagged = { "aws:ResourceTag/Environment": b.name };
  const withBoundary = { "iam:PermissionsBoundary": attacker.roles.permissionsBoundary.arn };
  const attacks: Attack[] = [
    ...objects.flatMap((resource) =>
      ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:DeleteObjectVersion"].map((action) => ({
        label: `${action} ${resource}`,
        action,
        resource,
        context: { "aws:SecureTransport": "true", ...kmsHeaders },
        policies: { resource: bucket.policy, resourceAccount: bucket.accountId },
      })),
    ),
    ...names.secrets.flatMap((name) =>
      ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret", "secretsmanager:PutResourcePolicy"].map((action) => ({
        label: `${action} ${name}`,
        action,
        resource: `arn:aws:secretsmanager:${REGION}:${accountId}:secret:${name}-AbCdEf`,
      })),
    ),
    ...[
      ["kms:Decrypt", { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` }],
      ["kms:Decrypt", {}],
      ["kms:CreateGrant", { "kms:ViaService": `elasticfilesystem.${REGION}.amazonaws.com` }],
      ["kms:PutKeyPolicy", {}],
      ["kms:ScheduleKeyDeletion", {}],
      ["kms:DisableKey", {}],
      ["kms:UpdateAlias", {}],
      ["kms:CreateAlias", {}],
      ["kms:TagResource", { "aws:RequestTag/Environment": attacker.name }],
    ].map(([action, context]) => ({
      label: `${action} ${b.name}'s key ${JSON.stringify(context)}`,
      action: action as string,
      resource: bKey,
      context: { ...bKeyContext, ...(context as Record<string, string>) },
      ...(keyPolicy ? { policies: { resource: JSON.parse(keyPolicy).Statement, resourcePolicyRequired: true } } : {}),
    })),
    ...["kms:Decrypt", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:UpdateAlias", "kms:DeleteAlias"].map((action) => ({
      label: `${action} the state key`,
      action,
      resource: stateKeyArn,
      context: stateContext,
      policies: { resource: bucket.keyPolicy, resourcePolicyRequired: true },
    })),
    ...names.passedRoles.map((p) => {
      const role = p.role.startsWith("arn:") ? p.role : `arn:aws:iam::${accountId}:role/${stackRoleName(b.stack, p.role)}`;
      return { label: `PassRole ${role} to ${p.service}`, action: "iam:PassRole", resource: role, context: { "iam:PassedToService": p.service } };
    }),
    ...names.roles.flatMap((name) =>
      ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DeleteRole", "iam:CreateRole"].map(
        (action) => ({ label: `${action} ${name}`, action, resource: `arn:aws:iam::${accountId}:role/${name}`, context: withBoundary }),
      ),
    ),
    ...names.services.flatMap((service) =>
      ["ecs:UpdateService", "ecs:DeleteService", "ecs:CreateService"].map((action) => ({
        label: `${action} ${service}`,
        action,
        resource: `arn:aws:ecs:${REGION}:${accountId}:service/${service}`,
        context: tagged,
      })),
    ),
    ...names.logGroups.flatMap((name) =>
      ["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DisassociateKmsKey", "logs:PutSubscriptionFilter"].map((action) => ({
        label: `${action} ${name}`,
        action,
        resource: `arn:aws:logs:${REGION}:${accountId}:log-group:${name}`,
        context: tagged,
      })),
    ),
    ...names.buckets.flatMap((name) =>
      ["s3:PutBucketPolicy", "s3:DeleteBucket", "s3:PutLifecycleConfiguration"].map((action) => ({ label: `${action} ${name}`, action, resource: `arn:aws:s3:::${name}` })),
    ),
    ...names.topics.map((name) => ({ label: `DeleteTopic ${name}`, action: "sns:DeleteTopic", resource: `arn:aws:sns:${REGION}:${accountId}:${name}` })),
    ...names.alarms.map((name) => ({ label: `DeleteAlarms ${name}`, action: "cloudwatch:DeleteAlarms", resource: `arn:aws:cloudwatch:${REGION}:${accountId}:alarm:${name}` })),
    ...names.schedules.map((name) => ({ label: `UpdateSchedule ${name}`, action: "scheduler:UpdateSchedule", resource: `arn:aws:scheduler:${REGION}:${accountId}:schedule/default/${name}` })),
    // Resources named only at creation, recognized by their tag.
    { label: "DeleteFileSystem of B", action: "elasticfilesystem:DeleteFileSystem", resource: `arn:aws:elasticfilesystem:${REGION}:${accountId}:file-system/fs-0b`, context: tagged },
    { label: "ClientMount of B's file system", action: "elasticfilesystem:ClientMount", resource: `arn:aws:elasticfilesystem:${REGION}:${accountId}:file-system/fs-0b`, context: tagged },
    { label: "AuthorizeSecurityGroupIngress on B", action: "ec2:AuthorizeSecurityGroupIngress", resource: `arn:aws:ec2:${REGION}:${accountId}:security-group/sg-0b`, context: tagged },
    { label: "DeleteLoadBalancer of B", action: "elasticloadbalancing:DeleteLoadBalancer", resource: `arn:aws:elasticloadbalancing:${REGION}:${accountId}:loadbalancer/app/ce-${b.name}/1`, context: tagged },
    { label: "DeregisterTaskDefinition of B", action: "ecs:DeregisterTaskDefinition", resource: `arn:aws:ecs:${REGION}:${accountId}:task-definition/ce-${b.name}:1`, context: tagged },
  ];
  return attacks;
}

/** The role name of a `${aws_iam_role.<id>.arn}` reference. */
function stackRoleName(stack: StackJson, reference: string): string {
  const id = /^\$\{aws_iam_role\.([^.}]+)\.arn\}$/.exec(reference)![1];
  return stack.resource!.aws_iam_role[id].name;
}

/** The attacks of A's pipeline on B that get through (B's state in B's bucket, whichever `_shared` is). */
function breaches(a: Target, b: Target, _shared: StateBucket): string[] {
  return attackers(a).flatMap((attacker) =>
    attacksOn(b, a).flatMap((attack) => {
      const decision: Decision = evaluateAccess({ ...attacker.policies, ...(attack.policies ?? {}) }, { principal: attacker.principal, action: attack.action, resource: attack.resource, context: attack.context });
      return decision === "allowed" ? [`${attacker.who}: ${attack.label}`] : [];
    }),
  );
}

/** Targets, each with its state bucket's policies, and the first environment's bucket, for a set of environment inputs. */
function targetsOf(inputs: readonly EnvironmentInput[]): { targets: Target[]; bucket: StateBucket } {
  const stacks = synthApp(inputs);
  const roles = pipelineRolesOf(inputs, stacks);
  const environments = parseEnvironments(inputs.map((input, i) => ({ source: `environment ${i}`, input })));
  const bootstrap = stacks["ce-state-bootstrap"];
  const buckets = new Map<string, StateBucket>();
  const bucketOf = (env: (typeof environments)[number]): StateBucket => {
    const bucketName = env.state.bucket;
    if (!buckets.has(bucketName)) {
      // The synthesized policy names the bucket by reference; requests name it by ARN.
      const bucketPolicy = String(resourcesOf(bootstrap, "aws_s3_bucket_policy").find(([name]) => name.startsWith(`${bucketName}_bucket_`))![1].policy).replace(
        /\$\{aws_s3_bucket\.([^.}]+)\.arn\}/g,
        (_m, id: string) => `arn:aws:s3:::${bootstrap.resource!.aws_s3_bucket[id].bucket}`,
      );
      const policy = JSON.parse(bucketPolicy).Statement;
      const keyPolicy = JSON.parse(resourcesOf(bootstrap, "aws_kms_key").find(([name]) => name.startsWith(`${bucketName}_`))![1].policy).Statement;
      buckets.set(bucketName, { name: bucketName, accountId: env.accountId, region: env.state.region, policy, keyPolicy });
    }
    return buckets.get(bucketName)!;
  };
  const targets: Target[] = [];
  for (const env of environments) {
    const bucket = bucketOf(env);
    targets.push({ name: env.name, accountId: env.accountId, region: env.region, stackName: `ce-${env.name}`, stack: stacks[`ce-${env.name}`], roles: roles.get(`ce-${env.name}`)!, stateKey: stateKeyOf(env.name), bucket });
    if (env.defender.enabled && env.defender.deploymentMode === "organization") {
      for (const accountId of env.defender.accounts) {
        const stackName = `ce-${env.name}-defender-member-${accountId}`;
        targets.push({ name: env.name, accountId, region: env.region, stackName, stack: stacks[stackName], roles: roles.get(stackName)!, stateKey: memberStateKeyOf(env.name, accountId), bucket });
      }
    }
  }
  return { targets, bucket: bucketOf(environments[0]) };
}

/** An environment with its pipeline: writers, boundary, shared bucket. */
function withPipeline(input: EnvironmentInput, bucket = "shared-ce-tfstate"): EnvironmentInput {
  const role = (suffix: string) => `arn:aws:iam::${input.accountId}:role/ce-${input.name}-pipeline-${suffix}`;
  return { ...input, state: { bucket, region: REGION, writers: [role("plan"), role("deploy")] }, iam: { ...(input.iam ?? {}), permissionsBoundaryName: `ce-${input.name}-pipeline-boundary` } };
}

const MEMBER = "111111111111";
const FIXTURES = [
  withPipeline(haEnvironment({ name: "prod" })),
  withPipeline(baseEnvironment({ name: "prod-eu", workload: { enableExecuteCommand: true } })),
  withPipeline(
    baseEnvironment({
      name: "org",
      defender: {
        enabled: true,
        image: { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "1" },
        pccSecretArn: secretArn("PCCAccessSecret"),
        deploymentMode: "organization",
        organizationalUnitIds: ["ou-ab12-cdef3456"],
        accounts: [MEMBER],
        passRoles: ["apps-*"],
        memberStateWriters: [`arn:aws:iam::${MEMBER}:role/ce-org-defender-member-${MEMBER}-pipeline-plan`, `arn:aws:iam::${MEMBER}:role/ce-org-defender-member-${MEMBER}-pipeline-deploy`],
        run: { mode: "scheduled", scheduleExpression: "rate(1 day)" },
      } as EnvironmentInput["defender"],
    }),
  ),
];

describe("example pipeline roles, evaluated", () => {
  const shipped = targetsOf(environmentSources().map((s) => s.input as EnvironmentInput));
  const fixtures = targetsOf(FIXTURES);

  it("keep each shipped environment's pipeline off every other shipped environment", () => {
    expect(shipped.targets.length).toBeGreaterThan(1);
    for (const a of shipped.targets) {
      for (const b of shipped.targets.filter((t) => t.name !== a.name && t.accountId === a.accountId)) {
        expect({ from: a.stackName, to: b.stackName, breaches: breaches(a, b, shipped.bucket) }).toEqual({ from: a.stackName, to: b.stackName, breaches: [] });
      }
    }
  });

  it("keep the pipelines apart for names that are prefixes of each other, HA, ECS Exec and a Defender organization", () => {
    for (const a of fixtures.targets) {
      for (const b of fixtures.targets.filter((t) => t.stackName !== a.stackName && t.accountId === a.accountId)) {
        expect({ from: a.stackName, to: b.stackName, breaches: breaches(a, b, fixtures.bucket) }).toEqual({ from: a.stackName, to: b.stackName, breaches: [] });
      }
    }
  });

  it("let a Defender member account's pipeline touch only its member stack: not the environment's state, secrets or roles", () => {
    const member = fixtures.targets.find((t) => t.accountId === MEMBER)!;
    const main = fixtures.targets.find((t) => t.stackName === "ce-org")!;
    expect(breaches(member, main, fixtures.bucket)).toEqual([]);
  });

  it("let no pipeline destroy, disable or re-alias its own key, touch the state key but through S3, or create a role without the boundary", () => {
    for (const target of [...shipped.targets, ...fixtures.targets]) {
      const [, deploy, bounded] = attackers(target);
      const own = `arn:aws:kms:${target.region}:${target.accountId}:key/${KEY_ID}`;
      const bucket = target.bucket;
      const ownContext = { "aws:ResourceTag/Environment": target.name };
      const decide = (who: typeof deploy, action: string, resource: string, context: Record<string, unknown> = {}) =>
        evaluateAccess(who.policies, { principal: who.principal, action, resource, context: context as Record<string, string> });
      for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:UpdateAlias", "kms:DeleteAlias", "kms:DisableKeyRotation"]) {
        expect({ stack: target.stackName, action, decision: decide(deploy, action, own, ownContext) }).toEqual({ stack: target.stackName, action, decision: "explicitly denied" });
      }
      const stateKeyArn = `arn:aws:kms:${bucket.region}:${bucket.accountId}:key/ffffffff-4f50-6172-8394-a5b6c7d8e9f0`;
      for (const action of ["kms:PutKeyPolicy", "kms:CreateGrant", "kms:Decrypt", "kms:ReEncryptFrom"]) {
        expect({ stack: target.stackName, action, decision: decide(deploy, action, stateKeyArn, { "kms:ResourceAliases": [stateKeyAliasName(bucket.name)] }) }).toEqual({
          stack: target.stackName,
          action,
          decision: expect.stringMatching(/denied/),
        });
      }
      const role = `arn:aws:iam::${target.accountId}:role/${stackNames(target.stack).roles[0]}`;
      expect(decide(deploy, "iam:CreateRole", role)).not.toBe("allowed");
      expect(decide(deploy, "iam:CreateRole", role, { "iam:PermissionsBoundary": `arn:aws:iam::${target.accountId}:policy/AdministratorAccess` })).not.toBe("allowed");
      expect(decide(deploy, "iam:CreateRole", `arn:aws:iam::${target.accountId}:role/ce-${target.name}-extra`, { "iam:PermissionsBoundary": target.roles.permissionsBoundary.arn })).not.toBe("allowed");
      // A role it created may not create roles or change policies at all.
      expect(decide(bounded, "iam:CreateRole", role, { "iam:PermissionsBoundary": target.roles.permissionsBoundary.arn })).not.toBe("allowed");
    }
  });

  it("still let each pipeline plan and apply its own stack (not vacuous)", () => {
    for (const target of [...shipped.targets, ...fixtures.targets]) {
      const [plan, deploy] = attackers(target);
      const names = stackNames(target.stack);
      const decide = (who: typeof plan, action: string, resource: string, context: Record<string, unknown> = {}, policies: Omit<AccessPolicies, "identity" | "boundary"> = {}) =>
        evaluateAccess({ ...who.policies, ...policies }, { principal: who.principal, action, resource, context: context as Record<string, string> });
      const bucket = target.bucket;
      const REGION = target.region;
      const state = `arn:aws:s3:::${bucket.name}/${target.stateKey}`;
      const headers = { "aws:SecureTransport": "true", "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:${bucket.region}:${bucket.accountId}:alias/ce-tfstate-${bucket.name}` };
      const expectations: [string, Decision][] = [
        [decide(plan, "s3:GetObject", state, {}, { resource: bucket.policy, resourceAccount: bucket.accountId }), "allowed"],
        [decide(plan, "s3:PutObject", state, headers, { resource: bucket.policy, resourceAccount: bucket.accountId }), "explicitly denied"],
        [decide(deploy, "s3:PutObject", state, headers, { resource: bucket.policy, resourceAccount: bucket.accountId }), "allowed"],
        [decide(deploy, "s3:PutObject", `arn:aws:s3:::${bucket.name}/${lockFileOf(target.stateKey)}`, headers, { resource: bucket.policy, resourceAccount: bucket.accountId }), "allowed"],
        [decide(deploy, "iam:PutRolePolicy", `arn:aws:iam::${target.accountId}:role/${names.roles[0]}`, { "iam:PermissionsBoundary": target.roles.permissionsBoundary.arn }), "allowed"],
        ...names.passedRoles.map((p): [string, Decision] => [
          decide(deploy, "iam:PassRole", p.role.startsWith("arn:") ? p.role : `arn:aws:iam::${target.accountId}:role/${stackRoleName(target.stack, p.role)}`, { "iam:PassedToService": p.service }),
          "allowed",
        ]),
        ...names.secrets.map((name): [string, Decision] => [decide(plan, "secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${REGION}:${target.accountId}:secret:${name}-AbCdEf`), "allowed"]),
        ...names.services.map((service): [string, Decision] => [decide(deploy, "ecs:UpdateService", `arn:aws:ecs:${REGION}:${target.accountId}:service/${service}`, { "aws:ResourceTag/Environment": target.name }), "allowed"]),
        // A stack with generated secrets opens its ephemeral passwords in every plan and apply.
        ...((target.stack as { ephemeral?: object }).ephemeral
          ? [plan, deploy].map((who): [string, Decision] => [decide(who, "secretsmanager:GetRandomPassword", "*"), "allowed"])
          : []),
      ];
      if (names.aliases.length > 0) {
        expectations.push([decide(deploy, "kms:CreateKey", "*", { "aws:RequestTag/Environment": target.name }), "allowed"]);
        expectations.push([decide(deploy, "kms:PutKeyPolicy", `arn:aws:kms:${REGION}:${target.accountId}:key/${KEY_ID}`, { "aws:ResourceTag/Environment": target.name }), "allowed"]);
        expectations.push([decide(deploy, "kms:CreateKey", "*", { "aws:RequestTag/Environment": "someone-else" }), "explicitly denied"]);
      }
      expect({ stack: target.stackName, decisions: expectations.map(([d]) => d) }).toEqual({ stack: target.stackName, decisions: expectations.map(([, wanted]) => wanted) });
    }
  });

  it("let a primary's pipeline encrypt its secrets' replicas under its standby's key through Secrets Manager there, and nothing else with that key", () => {
    for (const target of shipped.targets) {
      const [plan, deploy, bounded] = attackers(target);
      for (const replica of stackNames(target.stack).secretReplicas) {
        const standby = /:alias\/ce-(.+)$/.exec(replica.kmsKeyId)![1];
        const key = `arn:aws:kms:${replica.region}:${target.accountId}:key/${KEY_ID}`;
        const decide = (who: typeof deploy, action: string, context: Record<string, string>) =>
          evaluateAccess(who.policies, { principal: who.principal, action, resource: key, context: { "aws:ResourceTag/Environment": standby, ...context } });
        const through = (service: string) => ({ "kms:ViaService": `${service}.${replica.region}.amazonaws.com` });
        expect({ stack: target.stackName, standby, decisions: [
          decide(deploy, "kms:GenerateDataKey", through("secretsmanager")),
          decide(deploy, "kms:Encrypt", through("secretsmanager")),
          decide(deploy, "kms:GenerateDataKey", through("elasticfilesystem")),
          decide(deploy, "kms:GenerateDataKey", {}),
          decide(deploy, "kms:Decrypt", through("secretsmanager")),
          decide(deploy, "kms:CreateGrant", through("secretsmanager")),
          decide(deploy, "kms:GenerateDataKey", { ...through("secretsmanager"), "aws:ResourceTag/Environment": "someone-else" }),
          decide(plan, "kms:GenerateDataKey", through("secretsmanager")),
          decide(bounded, "kms:GenerateDataKey", through("secretsmanager")),
        ] }).toEqual({ stack: target.stackName, standby, decisions: [
          "allowed",
          "allowed",
          "explicitly denied",
          "explicitly denied",
          "explicitly denied",
          "explicitly denied",
          "explicitly denied",
          "implicitly denied",
          "implicitly denied",
        ] });
      }
    }
  });

  it("let a pipeline attach only AWS Backup's managed policies its stack attaches, to that role and with the boundary", () => {
    for (const target of [...shipped.targets, ...fixtures.targets]) {
      const [, deploy] = attackers(target);
      const names = stackNames(target.stack);
      const decide = (action: string, role: string, policyArn: string, boundary = target.roles.permissionsBoundary.arn) =>
        evaluateAccess(deploy.policies, { principal: deploy.principal, action, resource: `arn:aws:iam::${target.accountId}:role/${role}`, context: { "iam:PolicyARN": policyArn, "iam:PermissionsBoundary": boundary } });
      const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
      for (const role of names.roles) expect({ role, decision: decide("iam:AttachRolePolicy", role, admin) }).toEqual({ role, decision: "explicitly denied" });
      for (const attached of names.attachedPolicies) {
        const role = roleNameOf(target.stack, attached.role);
        expect({ role, decisions: [decide("iam:AttachRolePolicy", role, attached.policyArn), decide("iam:AttachRolePolicy", role, attached.policyArn, "arn:aws:iam::aws:policy/AdministratorAccess")] }).toEqual({
          role,
          decisions: ["allowed", "implicitly denied"],
        });
        const other = names.roles.find((r) => r !== role)!;
        expect({ other, decision: decide("iam:AttachRolePolicy", other, attached.policyArn) }).toEqual({ other, decision: "implicitly denied" });
      }
    }
  });

  it("let every role the stacks create do, within the boundary, everything its own policy allows", () => {
    for (const target of [...shipped.targets, ...fixtures.targets]) {
      const boundary = asStatements(target.roles.permissionsBoundary.policy.Statement);
      const refused = resourcesOf(target.stack, "aws_iam_role_policy").flatMap(([id, policy]) =>
        (JSON.parse(policy.policy).Statement as Record<string, any>[])
          .filter((s) => s.Effect === "Allow")
          .flatMap((s) => {
            const resolved = JSON.parse(resolveReferences(JSON.stringify(s), target));
            // The boundary is what is asked here, not the other account's trust of a role it names.
            return requestsOf(s, target)
              .filter((r) => evaluateAccess({ identity: [resolved], boundary, resourceAccount: target.accountId }, r) !== "allowed")
              .map((r) => `${id}: ${r.action} ${r.resource}`);
          }),
      );
      expect({ stack: target.stackName, refused }).toEqual({ stack: target.stackName, refused: [] });
      for (const [, role] of resourcesOf(target.stack, "aws_iam_role")) {
        expect({ role: role.name, boundary: role.permissions_boundary }).toEqual({ role: role.name, boundary: target.roles.permissionsBoundary.arn });
      }
    }
  });

  it("let only the stack's own GitHub environments assume its roles: no pull request, no other stack's job", () => {
    const assume = (roles: PipelineRoles, which: "planRole" | "deployRole", sub: string) =>
      evaluateAccess(
        { resource: asStatements(roles[which].trustPolicy.Statement), resourcePolicyRequired: true },
        {
          federated: (roles[which].trustPolicy.Statement[0].Principal as { Federated: string }).Federated,
          action: "sts:AssumeRoleWithWebIdentity",
          resource: `arn:aws:iam::${ACCOUNT}:role/${roles[which].name}`,
          context: { [`${GITHUB_OIDC}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC}:sub`]: sub },
        },
      );
    const repo = `repo:${REPOSITORY_PLACEHOLDER}`;
    for (const a of shipped.targets) {
      expect(assume(a.roles, "planRole", `${repo}:environment:${a.stackName}-plan`)).toBe("allowed");
      expect(assume(a.roles, "deployRole", `${repo}:environment:${a.stackName}`)).toBe("allowed");
      for (const sub of [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`, `${repo}:environment:${a.stackName}-plan`, `repo:someone/else:environment:${a.stackName}`]) {
        expect({ sub, decision: assume(a.roles, "deployRole", sub) }).toEqual({ sub, decision: "implicitly denied" });
      }
      for (const b of shipped.targets.filter((t) => t !== a && t.accountId === a.accountId)) {
        expect(assume(b.roles, "deployRole", `${repo}:environment:${a.stackName}`)).toBe("implicitly denied");
        expect(assume(b.roles, "planRole", `${repo}:environment:${a.stackName}-plan`)).toBe("implicitly denied");
      }
    }
  });

  it("fit IAM's size limit for a customer managed policy, each document", () => {
    for (const target of [...shipped.targets, ...fixtures.targets]) {
      for (const document of [...target.roles.planRole.policies, ...target.roles.deployRole.policies, target.roles.permissionsBoundary.policy]) {
        expect(JSON.stringify(document).length).toBeLessThanOrEqual(6144);
      }
      expect(target.roles.deployRole.policies.length).toBeLessThanOrEqual(10);
    }
  });

  it("keep the pipelines apart for environments generated within the schema", () => {
    const name = fc.constantFrom("a", "a-b", "ab", "prod", "prod-eu", "p");
    const environment = fc.record({
      name,
      ha: fc.boolean(),
      exec: fc.boolean(),
      defender: fc.boolean(),
      proxy: fc.boolean(),
      certificate: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(environment, { minLength: 2, maxLength: 2, selector: (e) => e.name }), (generated) => {
        const inputs = generated.map((g) => {
          const base = (g.ha ? haEnvironment : baseEnvironment)({
            name: g.name,
            workload: { enableExecuteCommand: g.exec },
            ...(g.proxy ? { proxy: { httpsUrl: "http://proxy.corp.example:3128" }, images: { pullThroughCache: { credentialsSecretArn: secretArn("ecr-pullthroughcache/docker-hub") } } } : {}),
            ...(g.certificate ? { ingress: { mode: "alb", certificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555` } } : {}),
            ...(g.defender
              ? {
                  defender: {
                    enabled: true,
                    image: { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "1" },
                    pccSecretArn: secretArn("PCCAccessSecret"),
                    passRoles: ["apps-*"],
                    run: { mode: "scheduled", scheduleExpression: "rate(1 day)" },
                  },
                }
              : {}),
          } as Partial<EnvironmentInput>);
          return withPipeline(base);
        });
        const { targets, bucket } = targetsOf(inputs);
        const [a, b] = targets;
        expect(breaches(a, b, bucket)).toEqual([]);
        expect(breaches(b, a, bucket)).toEqual([]);
      }),
      { numRuns: 5 },
    );
  });
});

/** A stack role's policy text with its Terraform references replaced by concrete ARNs of the target. */
function resolveReferences(text: string, target: Target): string {
  const stack = target.stack;
  return text.replace(/\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.arn\}/g, (_m, type: string, id: string) => {
        const config = stack.resource![type][id];
        const at = (service: string, resource: string, inRegion = true) => `arn:aws:${service}:${inRegion ? target.region : ""}:${target.accountId}:${resource}`;
        switch (type) {
          case "aws_cloudwatch_log_group":
            return at("logs", `log-group:${config.name}`);
          case "aws_secretsmanager_secret":
            return at("secretsmanager", `secret:${config.name}-AbCdEf`);
          case "aws_iam_role":
            return at("iam", `role/${config.name}`, false);
          case "aws_ecs_task_definition":
            return at("ecs", `task-definition/${config.family}:3`);
          case "aws_ecs_cluster":
            return at("ecs", `cluster/${config.name}`);
          case "aws_kms_key":
            return at("kms", `key/${KEY_ID}`);
          case "aws_efs_file_system":
            return at("elasticfilesystem", "file-system/fs-0a");
          case "aws_efs_access_point":
            return at("elasticfilesystem", "access-point/fsap-0a");
          case "aws_backup_vault":
            return at("backup", `backup-vault:${config.name}`);
          default:
            throw new Error(`no concrete ARN for ${type}`);
        }
      });
}

/** Concrete requests one statement of a stack role's policy stands for (references and wildcards filled in). */
function requestsOf(statement: Record<string, any>, target: Target): SimulatedRequest[] {
  const concrete = (text: string) => resolveReferences(text, target).replace(/\?/g, "x").replace(/\*/g, "x");
  const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const context: Record<string, string | string[]> = { "aws:ResourceTag/Environment": target.name };
  for (const [operator, block] of Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, value] of Object.entries(block)) {
      const first = concrete(String(list(value)[0]));
      context[key] = operator.startsWith("ForAnyValue") ? [first] : first;
    }
  }
  return list(statement.Action).flatMap((action: string) =>
    list(statement.Resource).map((resource: string) => ({ principal: `arn:aws:iam::${target.accountId}:role/stack-role`, action: action.replace(/\*/g, "Anything"), resource: concrete(resource), context })),
  );
}
