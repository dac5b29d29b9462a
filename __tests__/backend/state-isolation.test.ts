/**
 * State isolation, evaluated. The attacker is any principal the project
 * creates or accepts near the state bucket: an environment's deploy roles
 * (`state.writers`), a Defender member account's deployer
 * (`defender.memberStateWriters`, in another account), the roles the stacks
 * create, and an administrator of the bucket's account. Each is given an
 * identity policy that allows everything (the worst its own account could
 * grant), and the bucket's and the state key's policies must still keep it
 * to the one state object it deploys: no other environment's state, no
 * member stack reading its environment's state (which holds the secrets),
 * no versions, tags, ACLs or bucket settings, no listing beyond Terraform's
 * workspace prefix, and nobody moving the state key's alias or deleting it.
 * A property test does the same for environments generated within the
 * schema, names that are prefixes of each other included.
 */
import fc from "fast-check";
import { stateBuckets } from "../../main";
import { lockFileOf, memberStateKeyOf, stateKeyOf, WORKSPACE_LIST_PREFIX } from "../../modules/backend/remote-state";
import { stateBucketStatements } from "../../modules/backend/state-bootstrap-stack";
import { stateWritersOf } from "../../modules/backend/state-writers";
import { ALIAS_MOVING_ACTIONS, KEY_DESTROYING_ACTIONS } from "../../modules/encryption/encryption-key";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { ACCOUNT, baseEnvironment, REGION, secretArn } from "../support/fixtures";
import { evaluateAccess } from "../support/iam-simulator";
import { resourcesOf, StackJson, synthApp } from "../support/synth";

const BUCKET = "shared-ce-tfstate";
const ALIAS_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:alias/ce-tfstate-${BUCKET}`;
const MEMBERS = ["111111111111", "222222222222"];
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const allowAll = [{ Effect: "Allow", Action: "*", Resource: "*" }];

/** Object actions an attacker tries on a state object. */
const OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:GetObjectVersion",
  "s3:DeleteObjectVersion",
  "s3:PutObjectTagging",
  "s3:GetObjectTagging",
  "s3:DeleteObjectTagging",
  "s3:PutObjectAcl",
  "s3:RestoreObject",
  "s3:PutObjectRetention",
];
/** Bucket-level actions an attacker tries. */
const BUCKET_ACTIONS = [
  "s3:ListBucketVersions",
  "s3:GetBucketPolicy",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketLogging",
  "s3:PutBucketTagging",
  "s3:DeleteBucket",
];
const KMS_HEADERS = { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": ALIAS_ARN };

interface Writer {
  readonly role: string;
  /** The one state object (and its lock file) it deploys. */
  readonly stateKey: string;
}

/** Every request an attacker makes, and whether the bucket may allow it. */
function attacks(writer: Writer, stateKeys: readonly string[], bucketArn: string): { action: string; resource: string; context: Record<string, string>; allowed: boolean }[] {
  const own = new Set([writer.stateKey, lockFileOf(writer.stateKey)]);
  const objects = [...stateKeys.flatMap((k) => [k, lockFileOf(k)]), "cloud-exchange/notes.txt"];
  const tries = objects.flatMap((key) =>
    OBJECT_ACTIONS.map((action) => ({
      action,
      resource: `${bucketArn}/${key}`,
      context: action === "s3:PutObject" ? { ...KMS_HEADERS } : ({} as Record<string, string>),
      allowed: own.has(key) && ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"].includes(action),
    })),
  );
  const prefixes = [undefined, "", "cloud-exchange/", writer.stateKey.replace(/terraform\.tfstate$/, ""), ...stateKeys.map((k) => k.slice(0, k.lastIndexOf("/") + 1)), WORKSPACE_LIST_PREFIX];
  for (const prefix of prefixes) {
    tries.push({
      action: "s3:ListBucket",
      resource: bucketArn,
      context: prefix === undefined ? {} : { "s3:prefix": prefix },
      allowed: prefix === WORKSPACE_LIST_PREFIX,
    });
  }
  for (const action of BUCKET_ACTIONS) tries.push({ action, resource: bucketArn, context: {}, allowed: false });
  return tries;
}

/** The requests whose outcome differs from what the bucket may allow, for one writer. */
function breaches(statements: Record<string, any>[], writer: Writer, stateKeys: readonly string[], bucketArn: string): string[] {
  return attacks(writer, stateKeys, bucketArn).flatMap((attack) => {
    const decision = evaluateAccess(
      { identity: allowAll, resource: statements, resourceAccount: ACCOUNT },
      { principal: writer.role, action: attack.action, resource: attack.resource, context: { "aws:SecureTransport": "true", ...attack.context } },
    );
    const ok = attack.allowed ? decision === "allowed" : decision !== "allowed";
    return ok ? [] : [`${writer.role} ${attack.action} ${attack.resource} ${JSON.stringify(attack.context)}: ${decision}`];
  });
}

function defender(accounts: readonly string[], memberStateWriters: readonly string[]): EnvironmentInput["defender"] {
  return {
    enabled: true,
    image: { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "1" },
    pccSecretArn: secretArn("PCCAccessSecret"),
    deploymentMode: "organization",
    organizationalUnitIds: ["ou-ab12-cdef3456"],
    accounts: [...accounts],
    passRoles: ["apps-*"],
    memberStateWriters: [...memberStateWriters],
  } as EnvironmentInput["defender"];
}

describe("state isolation, evaluated", () => {
  const state = (writers: string[]) => ({ bucket: BUCKET, region: REGION, writers });
  const inputs = [
    baseEnvironment({
      name: "prod",
      state: state([role(ACCOUNT, "ce-prod-pipeline-deploy"), role(ACCOUNT, "ce-prod-pipeline-plan")]),
      defender: defender(MEMBERS, MEMBERS.map((a) => role(a, "ce-prod-defender-member-deploy"))),
    }),
    // A name the first is a prefix of: its state lives under cloud-exchange/prod-eu/, which prod's must not reach.
    baseEnvironment({ name: "prod-eu", state: state([role(ACCOUNT, "ce-prod-eu-pipeline-deploy")]) }),
    baseEnvironment({ name: "dev", state: state([role(ACCOUNT, "ce-dev-pipeline-deploy")]) }),
  ];
  const stacks = synthApp(inputs);
  const bootstrap = stacks["ce-state-bootstrap"];
  const bucketPolicy = JSON.parse(resourcesOf(bootstrap, "aws_s3_bucket_policy").find(([name]) => name.startsWith(`${BUCKET}_bucket_`))![1].policy);
  const keyPolicy = JSON.parse(resourcesOf(bootstrap, "aws_kms_key")[0][1].policy);
  const bucketArn = `\${aws_s3_bucket.${BUCKET}_bucket_bucket.arn}`;
  const environments = parseEnvironments(inputs.map((input, i) => ({ source: `fixture ${i}`, input })));
  const writers: Writer[] = environments.flatMap((env) => stateWritersOf(env).flatMap((group) => group.roleArns.map((r) => ({ role: r, stateKey: group.stateKey }))));
  const stateKeys = [...environments.map((env) => stateKeyOf(env.name)), ...MEMBERS.map((a) => memberStateKeyOf("prod", a))];

  it("keeps every writer to its own state object, whatever its own IAM policies grant", () => {
    expect(writers).toHaveLength(6);
    expect(writers.flatMap((writer) => breaches(bucketPolicy.Statement, writer, stateKeys, bucketArn))).toEqual([]);
  });

  it("keeps a Defender member account's deployer off its environment's state, which holds the secrets", () => {
    const member = writers.find((w) => w.role.startsWith(`arn:aws:iam::${MEMBERS[0]}:`))!;
    const get = (key: string) =>
      evaluateAccess({ identity: allowAll, resource: bucketPolicy.Statement, resourceAccount: ACCOUNT }, { principal: member.role, action: "s3:GetObject", resource: `${bucketArn}/${key}` });
    expect(get(memberStateKeyOf("prod", MEMBERS[0]))).toBe("allowed");
    expect(get(stateKeyOf("prod"))).toBe("explicitly denied");
    expect(get(memberStateKeyOf("prod", MEMBERS[1]))).toBe("explicitly denied");
  });

  it("gives no role the stacks create any access to the state", () => {
    const roles = Object.values(stacks).flatMap((stack: StackJson) =>
      resourcesOf(stack, "aws_iam_role_policy").map(([name, policy]) => ({ name, statements: JSON.parse(policy.policy).Statement })),
    );
    expect(roles.length).toBeGreaterThan(5);
    const reached = roles.flatMap(({ name, statements }) =>
      [stateKeyOf("prod"), stateKeyOf("dev")].flatMap((key) =>
        evaluateAccess({ identity: statements, resource: bucketPolicy.Statement, resourceAccount: ACCOUNT }, { principal: role(ACCOUNT, name), action: "s3:GetObject", resource: `${bucketArn}/${key}` }) ===
        "allowed"
          ? [`${name} reads ${key}`]
          : [],
      ),
    );
    expect(reached).toEqual([]);
  });

  it("lets the writers of other accounts use the state key only through S3, and nobody move its alias, delete or disable it", () => {
    const member = role(MEMBERS[0], "ce-prod-defender-member-deploy");
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;
    const use = (principal: string, action: string, context: Record<string, string> = {}) =>
      evaluateAccess({ identity: allowAll, resource: keyPolicy.Statement, resourcePolicyRequired: true }, { principal, action, resource: key, context });
    expect(use(member, "kms:GenerateDataKey", { "kms:ViaService": `s3.${REGION}.amazonaws.com` })).toBe("allowed");
    expect(use(member, "kms:Decrypt")).toBe("implicitly denied");
    expect(use(member, "kms:PutKeyPolicy")).toBe("implicitly denied");
    const administrator = role(ACCOUNT, "Administrator");
    for (const action of [...ALIAS_MOVING_ACTIONS, ...KEY_DESTROYING_ACTIONS]) {
      expect({ action, decision: use(administrator, action) }).toEqual({ action, decision: "explicitly denied" });
    }
  });

  it("refuses a role that would write two stacks' state, and a member writer outside the listed accounts", () => {
    const shared = role(ACCOUNT, "one-deployer-for-all");
    expect(() =>
      parseEnvironments([
        { source: "environments/a.ts", input: baseEnvironment({ name: "a", state: state([shared]) }) },
        { source: "environments/b.ts", input: baseEnvironment({ name: "b", state: state([shared]) }) },
      ]),
    ).toThrow(/environments\/b\.ts[^\n]*\n\s+- state\.writers: lists arn:aws:iam::210987654321:role\/one-deployer-for-all, which already writes the state of a in bucket shared-ce-tfstate/);
    expect(() =>
      parseEnvironments([{ source: "environments/a.ts", input: baseEnvironment({ name: "a", state: state([]), defender: defender(MEMBERS, [role("333333333333", "x")]) }) }]),
    ).toThrow(/defender\.memberStateWriters\[0\]: must be a role of a member account listed in defender\.accounts in organization mode \(got account 333333333333\)/);
  });

  it("holds for environments generated within the schema, with names that are prefixes of each other", () => {
    const name = fc.constantFrom("a", "a-b", "ab", "a-b-c", "b", "prod", "prod-eu", "prod2");
    const environment = fc.record({
      name,
      writers: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), { maxLength: 2 }),
      members: fc.subarray(MEMBERS),
    });
    fc.assert(
      fc.property(fc.uniqueArray(environment, { minLength: 2, maxLength: 3, selector: (e) => e.name }), (generated) => {
        const inputs = generated.map((g) =>
          baseEnvironment({
            name: g.name,
            state: state(g.writers.map((w) => role(ACCOUNT, `${g.name}-${w}`))),
            ...(g.members.length > 0 ? { defender: defender(g.members, g.members.map((a) => role(a, `${g.name}-member`))) } : {}),
          }),
        );
        const envs = parseEnvironments(inputs.map((input, i) => ({ source: `generated ${i}`, input })));
        const [spec] = stateBuckets(envs);
        const arn = `arn:aws:s3:::${BUCKET}`;
        const statements = stateBucketStatements(arn, [ALIAS_ARN], spec.writers ?? []) as Record<string, any>[];
        const all = envs.flatMap((env) => stateWritersOf(env));
        const keys = all.map((g) => g.stateKey).concat(envs.map((env) => stateKeyOf(env.name)));
        const found = all.flatMap((group) => group.roleArns.flatMap((r) => breaches(statements, { role: r, stateKey: group.stateKey }, keys, arn)));
        expect(found).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });
});
