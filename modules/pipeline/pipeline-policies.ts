/**
 * The IAM roles a CI pipeline plans and applies one stack with, generated
 * from the environment and the stack's synthesized JSON (examples/pipeline/,
 * examples/github-actions/cloud-exchange.yml):
 *
 * - the plan role reads what a plan refreshes, this environment's secrets
 *   and its own state object, and writes nothing (plans run with -lock=false);
 * - the deploy role applies exactly the stack's resources: its roles (only
 *   with the environment's permissions boundary, and handed only to the
 *   service that uses each; of managed policies only the AWS managed ones
 *   the stack attaches), its secrets, its keys (tagged with the environment;
 *   never deleted, disabled or re-aliased), its buckets, log groups,
 *   services, topics, alarms, schedules and backup vaults by name, the rest
 *   (EC2, EFS, load balancers, backup plans) never when tagged for another
 *   environment, and its own state object; a primary's deploy role may also
 *   encrypt its secrets' replicas under its standby's key, through Secrets
 *   Manager in the standby's region and nothing else of the standby;
 * - the permissions boundary every role the deploy role creates must carry:
 *   the union of what the stack's roles need, for this environment's
 *   resources only, so a role it creates or rewrites can never reach further.
 *
 * Each role trusts GitHub's OIDC provider for one GitHub environment of one
 * repository: `<stack>-plan` for the plan role and `<stack>` for the deploy
 * role, which the repository restricts to its protected branch (and the
 * deploy environment to required reviewers).
 */
import type { Environment } from "../config/schema";
import { policyDocument, PolicyCondition, PolicyStatement } from "../iam/policy";
import { lockFileOf, stateKeyAliasName, WORKSPACE_LIST_PREFIX } from "../backend/remote-state";
import { partitionOf } from "../config/patterns";
import { ACTIONS_BY_TYPE, DESTROY_ACTIONS_BY_SCOPE, WriteScope } from "./actions-by-type";
import { roleNameOf, stackNames, SynthesizedStack } from "./stack-names";

/** The tag key every resource of an environment carries (the provider's default tags). */
export const ENVIRONMENT_TAG = "Environment";
/** GitHub's OIDC issuer, without the scheme. */
export const GITHUB_OIDC = "token.actions.githubusercontent.com";
/** What the examples use until you name your repository. */
export const REPOSITORY_PLACEHOLDER = "OWNER/REPOSITORY";
/** Largest policy document IAM accepts as a customer managed policy (characters, whitespace excluded). */
export const MANAGED_POLICY_LIMIT = 6144;

/** What one stack's pipeline roles are generated from. */
export interface PipelineStack {
  /** The environment the stack belongs to. */
  readonly env: Environment;
  /** Stack name: `ce-<env>`, or a Defender member stack `ce-<env>-defender-member-<account>`. */
  readonly stackName: string;
  /** The stack's synthesized JSON. */
  readonly stack: SynthesizedStack;
  /** Account the stack deploys into. */
  readonly accountId: string;
  /** Object key of the stack's state. */
  readonly stateKey: string;
  /** GitHub repository (`owner/name`) whose workflow may assume the roles. Default {@link REPOSITORY_PLACEHOLDER}. */
  readonly repository?: string;
}

/** One pipeline role: its name, trust policy and permission policies (each a managed policy within IAM's size limit). */
export interface PipelineRole {
  readonly name: string;
  /** The GitHub environment whose jobs may assume it. */
  readonly githubEnvironment: string;
  readonly trustPolicy: { readonly Version: string; readonly Statement: readonly PolicyStatement[] };
  readonly policies: readonly { readonly Version: string; readonly Statement: readonly PolicyStatement[] }[];
}

/** The roles of one stack's pipeline, and the boundary of the roles its deploy role creates. */
export interface PipelineRoles {
  readonly stackName: string;
  readonly planRole: PipelineRole;
  readonly deployRole: PipelineRole;
  readonly permissionsBoundary: { readonly name: string; readonly arn: string; readonly policy: { readonly Version: string; readonly Statement: readonly PolicyStatement[] } };
}

/** Name of the permissions boundary an environment's roles carry. */
export function permissionsBoundaryNameOf(env: Pick<Environment, "name" | "iam">): string {
  return env.iam.permissionsBoundaryName ?? `ce-${env.name}-pipeline-boundary`;
}

/** Names of a stack's pipeline roles. */
export function pipelineRoleNames(stackName: string): { plan: string; deploy: string } {
  return { plan: `${stackName}-pipeline-plan`, deploy: `${stackName}-pipeline-deploy` };
}

const sidOf = (text: string) => text.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _s, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");
const unique = <T>(values: Iterable<T>) => [...new Set(values)];

/** Generates the pipeline roles of one stack. */
export function pipelineRoles(input: PipelineStack): PipelineRoles {
  const { env, stack, accountId } = input;
  const partition = partitionOf(env.region);
  const region = env.region;
  const names = stackNames(stack);
  const destroy = env.protection.allowDestroy;
  const boundaryName = permissionsBoundaryNameOf(env);
  const boundaryArn = `arn:${partition}:iam::${accountId}:policy/${boundaryName}`;
  const tagged: PolicyCondition = { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env.name } };
  const arn = (service: string, resource: string, inRegion = true) => `arn:${partition}:${service}:${inRegion ? region : ""}:${accountId}:${resource}`;
  const usedTypes = Object.keys(stack.resource ?? {});
  for (const type of usedTypes) if (!(type in ACTIONS_BY_TYPE)) throw new Error(`no pipeline actions for resource type ${type}`);
  const actionsOf = (kind: "read" | "write", scopes: readonly WriteScope[]) =>
    unique(usedTypes.flatMap((type) => (scopes.includes(ACTIONS_BY_TYPE[type].scope) ? ACTIONS_BY_TYPE[type][kind] : []))).sort();
  const destroyActions = (scope: WriteScope) => (destroy ? [...(DESTROY_ACTIONS_BY_SCOPE[scope] ?? [])] : []);

  // Resources by scope, from the stack's own names.
  const roleArns = names.roles.map((name) => arn("iam", `role/${name}`, false));
  const secretArns = names.secrets.map((name) => arn("secretsmanager", `secret:${name}-??????`));
  const bucketArns = names.buckets.map((name) => `arn:${partition}:s3:::${name}`);
  const logGroupArns = names.logGroups.flatMap((name) => [arn("logs", `log-group:${name}`), arn("logs", `log-group:${name}:*`)]);
  const ecsArns = [...names.clusters.map((name) => arn("ecs", `cluster/${name}`)), ...names.services.map((name) => arn("ecs", `service/${name}`))];
  const topicArns = names.topics.flatMap((name) => [arn("sns", name), arn("sns", `${name}:*`)]);
  const alarmArns = names.alarms.map((name) => arn("cloudwatch", `alarm:${name}`));
  const scheduleArns = names.schedules.map((name) => arn("scheduler", `schedule/default/${name}`));
  const aliasArns = names.aliases.map((name) => arn("kms", name));
  const vaultArns = names.vaults.map((name) => arn("backup", `backup-vault:${name}`));
  const keys = arn("kms", "key/*");
  // AWS managed policies the stack attaches (AWS Backup's service role), and the roles it attaches them to.
  const managedPolicyArns = unique(names.attachedPolicies.map((a) => a.policyArn)).sort();
  const attachingRoleArns = unique(names.attachedPolicies.map((a) => arn("iam", `role/${roleNameOf(stack, a.role)}`, false))).sort();
  // A primary's secrets replicated under its standby's key (the standby's environment tag and region).
  const standby = env.replication && names.secretReplicas.length > 0 ? env.replication : undefined;
  const REPLICA_KEY_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey"];

  // The state: this stack's object and lock file, the workspace listing, the state key through S3.
  const bucket = `arn:${partition}:s3:::${env.state.bucket}`;
  const stateObjects = [`${bucket}/${input.stateKey}`, `${bucket}/${lockFileOf(input.stateKey)}`];
  const stateKey: PolicyStatement = env.state.kmsKeyArn
    ? { Sid: "UseTheStateKeyThroughS3", Effect: "Allow", Action: [], Resource: env.state.kmsKeyArn }
    : {
        Sid: "UseTheStateKeyThroughS3",
        Effect: "Allow",
        Action: [],
        Resource: `arn:${partition}:kms:${env.state.region}:${env.accountId}:key/*`,
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": stateKeyAliasName(env.state.bucket) } },
      };
  const stateKeyUse = (actions: string[]): PolicyStatement => ({
    ...stateKey,
    Action: actions,
    Condition: { ...(stateKey.Condition ?? {}), StringEquals: { "kms:ViaService": `s3.${env.state.region}.amazonaws.com` } },
  });
  const listWorkspaces: PolicyStatement = {
    Sid: "ListTerraformWorkspaces",
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: bucket,
    Condition: { StringEquals: { "s3:prefix": WORKSPACE_LIST_PREFIX } },
  };
  const noOtherObjects: PolicyStatement = {
    // Whatever else is attached to the role: no other state, and no object of any other bucket.
    Sid: "NeverAnotherStateOrObject",
    Effect: "Deny",
    Action: ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:RestoreObject"],
    NotResource: [...stateObjects, ...(destroy ? bucketArns.map((b) => `${b}/*`) : [])],
  };

  // Reads: metadata on any resource; object, secret and key reads only of this stack.
  const metadataReads = actionsOf("read", ["roles", "keys", "aliases", "logGroups", "ecs", "topics", "alarms", "schedules", "tagged"]);
  // Every plan and apply opens the stack's ephemeral passwords: Secrets Manager generates them (no resource to scope).
  const generatesPasswords = Object.keys((stack as { ephemeral?: Record<string, object> }).ephemeral?.aws_secretsmanager_random_password ?? {}).length > 0;
  const reads: PolicyStatement[] = [
    { Sid: "ReadTheStacksResourceSettings", Effect: "Allow", Action: metadataReads, Resource: "*" },
    ...(generatesPasswords ? [{ Sid: "GenerateTheStacksPasswords", Effect: "Allow" as const, Action: "secretsmanager:GetRandomPassword", Resource: "*" }] : []),
    ...(bucketArns.length > 0 ? [{ Sid: "ReadTheStacksBuckets", Effect: "Allow" as const, Action: actionsOf("read", ["buckets"]), Resource: bucketArns }] : []),
    ...(secretArns.length > 0 ? [{ Sid: "ReadThisEnvironmentsSecrets", Effect: "Allow" as const, Action: actionsOf("read", ["secrets"]), Resource: secretArns }] : []),
    ...(secretArns.length > 0
      ? [
          {
            Sid: "DecryptThisEnvironmentsSecrets",
            Effect: "Allow" as const,
            Action: "kms:Decrypt",
            Resource: keys,
            Condition: { StringEquals: { ...tagged.StringEquals, "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
          },
        ]
      : []),
  ];

  const planPolicies: PolicyStatement[] = [
    ...reads,
    { Sid: "ReadThisStacksState", Effect: "Allow", Action: "s3:GetObject", Resource: stateObjects[0] },
    listWorkspaces,
    stateKeyUse(["kms:Decrypt"]),
    noOtherObjects,
    // The state bucket lets every writer of the stack write its state; the plan role never does (plans run with -lock=false).
    { Sid: "NeverWriteTheState", Effect: "Deny", Action: ["s3:PutObject*", "s3:DeleteObject*"], Resource: stateObjects },
  ];

  // Writes, scope by scope.
  const writes = (scope: WriteScope) => [...actionsOf("write", [scope]), ...destroyActions(scope)];
  const roleWrites = writes("roles");
  const withinBoundary = ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"];
  const attachments = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"];
  const passed = names.passedRoles.map((p) => ({ ...p, arn: p.role.startsWith("arn:") ? p.role : arn("iam", `role/${roleNameOf(stack, p.role)}`, false) }));
  const deployStatements: PolicyStatement[] = [
    ...reads,
    ...(roleArns.length > 0
      ? [
          {
            Sid: "CreateAndChangeTheStacksRolesOnlyWithTheBoundary",
            Effect: "Allow" as const,
            Action: roleWrites.filter((a) => withinBoundary.includes(a)),
            Resource: roleArns,
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
          },
          { Sid: "ManageTheStacksRoles", Effect: "Allow" as const, Action: roleWrites.filter((a) => !withinBoundary.includes(a) && !attachments.includes(a)), Resource: roleArns },
        ]
      : []),
    ...(managedPolicyArns.length > 0
      ? [
          {
            Sid: "AttachOnlyTheStacksManagedPoliciesWithTheBoundary",
            Effect: "Allow" as const,
            Action: attachments,
            Resource: attachingRoleArns,
            Condition: { ArnEquals: { "iam:PolicyARN": managedPolicyArns }, StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
          },
        ]
      : []),
    ...unique(passed.map((p) => p.service)).map((service) => ({
      Sid: `PassRolesTo${sidOf(service.split(".")[0])}`,
      Effect: "Allow" as const,
      Action: "iam:PassRole",
      Resource: unique(passed.filter((p) => p.service === service).map((p) => p.arn)).sort(),
      Condition: { StringEquals: { "iam:PassedToService": service } },
    })),
    ...(secretArns.length > 0 ? [{ Sid: "WriteThisEnvironmentsSecrets", Effect: "Allow" as const, Action: writes("secrets"), Resource: secretArns }] : []),
    ...(usedTypes.includes("aws_kms_key")
      ? [
          {
            Sid: "CreateKeysTaggedForThisEnvironment",
            Effect: "Allow" as const,
            Action: "kms:CreateKey",
            Resource: "*",
            Condition: {
              StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: env.name },
              BoolIfExists: { "kms:BypassPolicyLockoutSafetyCheck": "false" },
            },
          },
          { Sid: "ManageThisEnvironmentsKeys", Effect: "Allow" as const, Action: writes("keys").filter((a) => a !== "kms:CreateKey"), Resource: keys, Condition: tagged },
          {
            // Secrets Manager and EFS encrypt with the key on the deployer's behalf.
            Sid: "UseThisEnvironmentsKeysThroughItsServices",
            Effect: "Allow" as const,
            Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"],
            Resource: keys,
            Condition: {
              StringEquals: {
                ...tagged.StringEquals,
                "kms:ViaService": [`secretsmanager.${region}.amazonaws.com`, `elasticfilesystem.${region}.amazonaws.com`, `backup.${region}.amazonaws.com`],
              },
            },
          },
        ]
      : []),
    ...(aliasArns.length > 0
      ? [
          { Sid: "NameThisEnvironmentsKeys", Effect: "Allow" as const, Action: writes("aliases"), Resource: aliasArns },
          { Sid: "NameOnlyKeysOfThisEnvironment", Effect: "Allow" as const, Action: writes("aliases"), Resource: keys, Condition: tagged },
        ]
      : []),
    ...scoped("WriteTheStacksBuckets", writes("buckets"), [...bucketArns, ...(destroy ? bucketArns.map((b) => `${b}/*`) : [])]),
    ...scoped("WriteTheStacksLogGroups", writes("logGroups"), logGroupArns),
    ...scoped("WriteTheStacksClusterAndServices", writes("ecs"), ecsArns),
    ...scoped("WriteTheStacksTopics", writes("topics"), topicArns),
    ...scoped("WriteTheStacksAlarms", writes("alarms"), alarmArns),
    ...scoped("WriteTheStacksSchedules", writes("schedules"), scheduleArns),
    ...scoped("WriteTheStacksBackupVaults", writes("vaults"), vaultArns),
    ...(standby
      ? [
          {
            Sid: "EncryptTheSecretReplicasUnderTheStandbysKey",
            Effect: "Allow" as const,
            Action: REPLICA_KEY_ACTIONS,
            Resource: `arn:${partition}:kms:${standby.region}:${accountId}:key/*`,
            Condition: {
              StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: standby.standby, "kms:ViaService": `secretsmanager.${standby.region}.amazonaws.com` },
            },
          },
        ]
      : []),
    ...(writes("tagged").length > 0
      ? [{ Sid: "WriteResourcesNamedOnlyAtCreation", Effect: "Allow" as const, Action: writes("tagged"), Resource: "*" }]
      : []),
    ...(usedTypes.some((t) => ["aws_ecs_service", "aws_efs_file_system", "aws_lb", "aws_efs_backup_policy", "aws_backup_vault"].includes(t))
      ? [
          {
            Sid: "LetServicesCreateTheirLinkedRoles",
            Effect: "Allow" as const,
            Action: "iam:CreateServiceLinkedRole",
            Resource: "*",
            Condition: {
              StringEquals: {
                "iam:AWSServiceName": ["ecs.amazonaws.com", "elasticfilesystem.amazonaws.com", "elasticloadbalancing.amazonaws.com", "backup.amazonaws.com"],
              },
            },
          },
        ]
      : []),
    ...(Object.values(stack.resource?.aws_ecr_pull_through_cache_rule ?? {}).length > 0
      ? [
          {
            Sid: "CheckThePullThroughCacheCredentials",
            Effect: "Allow" as const,
            Action: "secretsmanager:DescribeSecret",
            Resource: unique(Object.values(stack.resource!.aws_ecr_pull_through_cache_rule).map((rule) => String(rule.credential_arn))),
          },
        ]
      : []),
    { Sid: "WriteThisStacksState", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: stateObjects },
    listWorkspaces,
    stateKeyUse(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]),
    ...(standby
      ? [
          {
            Sid: "NeverAnotherEnvironmentsResources",
            Effect: "Deny" as const,
            NotAction: REPLICA_KEY_ACTIONS,
            Resource: "*",
            Condition: { StringNotEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env.name }, Null: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: "false" } },
          },
          {
            Sid: "NeverAnotherEnvironmentsKeysButTheStandbysForReplicas",
            Effect: "Deny" as const,
            Action: REPLICA_KEY_ACTIONS,
            Resource: "*",
            Condition: { StringNotEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: [env.name, standby.standby] }, Null: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: "false" } },
          },
          {
            Sid: "TheStandbysKeyOnlyThroughSecretsManagerThere",
            Effect: "Deny" as const,
            Action: REPLICA_KEY_ACTIONS,
            Resource: "*",
            Condition: {
              StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: standby.standby },
              StringNotEquals: { "kms:ViaService": `secretsmanager.${standby.region}.amazonaws.com` },
            },
          },
        ]
      : [
          {
            Sid: "NeverAnotherEnvironmentsResources",
            Effect: "Deny" as const,
            Action: "*",
            Resource: "*",
            Condition: { StringNotEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env.name }, Null: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: "false" } },
          },
        ]),
    {
      Sid: "NeverTagForAnotherEnvironment",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { StringNotEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: env.name }, Null: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: "false" } },
    },
    {
      // No apply needs them while stateful resources carry prevent_destroy: a key is never destroyed, disabled or re-aliased by a pipeline.
      Sid: "NeverDestroyDisableOrRealiasAKey",
      Effect: "Deny",
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:UpdateAlias", "kms:DeleteAlias", "kms:DeleteImportedKeyMaterial"].filter(
        (a) => !destroyActions("keys").includes(a) && !destroyActions("aliases").includes(a),
      ),
      Resource: "*",
    },
    {
      Sid: "NeverLoosenTheBoundary",
      Effect: "Deny",
      Action: ["iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
      Resource: "*",
    },
    {
      // A managed policy only the stack attaches (AWS Backup's, whose reach the boundary caps); none other, to any role.
      Sid: "NeverAttachAnotherPolicy",
      Effect: "Deny",
      Action: "iam:AttachRolePolicy",
      Resource: "*",
      ...(managedPolicyArns.length > 0 ? { Condition: { ArnNotEquals: { "iam:PolicyARN": managedPolicyArns } } } : {}),
    },
    noOtherObjects,
  ];

  const pipeline = pipelineRoleNames(input.stackName);
  const repository = input.repository ?? REPOSITORY_PLACEHOLDER;
  const trust = (githubEnvironment: string) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GitHubActionsOfThisRepositoryEnvironment",
        Effect: "Allow" as const,
        Principal: { Federated: `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${GITHUB_OIDC}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC}:sub`]: `repo:${repository}:environment:${githubEnvironment}` } },
      } as PolicyStatement,
    ],
  });
  return {
    stackName: input.stackName,
    planRole: { name: pipeline.plan, githubEnvironment: `${input.stackName}-plan`, trustPolicy: trust(`${input.stackName}-plan`), policies: chunk(planPolicies) },
    deployRole: { name: pipeline.deploy, githubEnvironment: input.stackName, trustPolicy: trust(input.stackName), policies: chunk(deployStatements) },
    permissionsBoundary: { name: boundaryName, arn: boundaryArn, policy: { Version: "2012-10-17", Statement: fitted(boundaryStatements(input, partition)) } },
  };

  function scoped(sid: string, actions: string[], resources: string[]): PolicyStatement[] {
    return actions.length > 0 && resources.length > 0 ? [{ Sid: sid, Effect: "Allow", Action: actions, Resource: resources }] : [];
  }
}

/**
 * A role has one permissions boundary, so it cannot be split: when the
 * boundary's statements do not fit one managed policy, they are merged
 * without their Sids (statements alike but for their actions take the union
 * of the actions, then statements alike but for their resources the union of
 * the resources), which allows exactly the same requests.
 */
function fitted(statements: PolicyStatement[]): PolicyStatement[] {
  if (policyDocument(statements).length <= MANAGED_POLICY_LIMIT) return statements;
  const listOf = (value: string | readonly string[] | undefined) => (value === undefined ? [] : typeof value === "string" ? [value] : [...value]);
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)])) : value;
  const mergeBy = (all: PolicyStatement[], field: "Action" | "Resource") => {
    const merged = new Map<string, PolicyStatement>();
    for (const [i, statement] of all.entries()) {
      const { [field]: values, ...rest } = statement;
      if (values === undefined) {
        // A NotAction or NotResource statement stays as it is.
        merged.set(`unmerged ${i}`, statement);
        continue;
      }
      const key = JSON.stringify(canonical(rest));
      const earlier = merged.get(key);
      const union = [...new Set([...listOf(earlier?.[field]), ...listOf(values)])].sort();
      merged.set(key, { ...(earlier ?? statement), [field]: union.length === 1 ? union[0] : union });
    }
    return [...merged.values()];
  };
  let compact = statements.map(({ Sid: _sid, ...rest }) => rest as PolicyStatement);
  for (let size = Infinity; policyDocument(compact).length < size; ) {
    size = policyDocument(compact).length;
    compact = mergeBy(mergeBy(compact, "Action"), "Resource");
  }
  return compact;
}

/** Splits statements into policy documents that each fit a customer managed policy. */
function chunk(statements: readonly PolicyStatement[]): { Version: string; Statement: PolicyStatement[] }[] {
  const documents: PolicyStatement[][] = [[]];
  for (const statement of statements) {
    const current = documents[documents.length - 1];
    if (current.length > 0 && policyDocument([...current, statement]).length > MANAGED_POLICY_LIMIT) documents.push([statement]);
    else current.push(statement);
  }
  return documents.map((Statement) => ({ Version: "2012-10-17", Statement }));
}

const REFERENCE = /\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}/g;

/**
 * What the boundary lets through of the AWS managed policies a stack
 * attaches, by policy name: their part for this environment's file system
 * and vaults (AWS Backup's service role backs the file system up into the
 * environment's vault, copies recovery points to the vaults the plan names,
 * and restores into a new file system). The managed policies reach every
 * AWS Backup resource type; the boundary keeps the role to EFS and the
 * environment, and never lets it delete a file system.
 */
function managedPolicyBoundary(policyName: string, at: { fileSystems: string; vaults: string[]; recoveryPoints: string; env: string }): PolicyStatement[] {
  const tagged: PolicyCondition = { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: at.env } };
  switch (policyName) {
    case "AWSBackupServiceRolePolicyForBackup":
      return [
        { Sid: "AwsBackupBacksUpTheFileSystem", Effect: "Allow", Action: ["elasticfilesystem:Backup", "elasticfilesystem:DescribeTags"], Resource: at.fileSystems, Condition: tagged },
        { Sid: "AwsBackupFindsTheFileSystem", Effect: "Allow", Action: ["elasticfilesystem:DescribeFileSystems", "tag:GetResources"], Resource: "*" },
        { Sid: "AwsBackupWritesAndCopiesIntoTheVaults", Effect: "Allow", Action: ["backup:DescribeBackupVault", "backup:CopyIntoBackupVault"], Resource: at.vaults },
        { Sid: "AwsBackupCopiesRecoveryPointsOut", Effect: "Allow", Action: "backup:CopyFromBackupVault", Resource: at.recoveryPoints },
      ];
    case "AWSBackupServiceRolePolicyForRestores":
      return [
        {
          // A restore creates a new file system (no tag yet) and tags it; an existing one only when it is this environment's.
          Sid: "AwsBackupRestoresIntoANewFileSystem",
          Effect: "Allow",
          Action: ["elasticfilesystem:Restore", "elasticfilesystem:CreateFileSystem", "elasticfilesystem:TagResource", "elasticfilesystem:DescribeFileSystems"],
          Resource: at.fileSystems,
          Condition: { StringEqualsIfExists: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: at.env } },
        },
      ];
    default:
      throw new Error(`the permissions boundary has no statements for the managed policy ${policyName}`);
  }
}

/**
 * The boundary: every statement of the stack's own role policies, its
 * Terraform references replaced by the environment's ARNs (keys and file
 * systems, whose IDs are unknown, by their environment tag), and the part of
 * the AWS managed policies it attaches that concerns the environment.
 */
function boundaryStatements(input: PipelineStack, partition: string): PolicyStatement[] {
  const { stack, env, accountId } = input;
  const region = env.region;
  const resourceOf = (type: string, id: string) => stack.resource?.[type]?.[id] ?? {};
  const arnOf = (type: string, id: string, attribute: string): { arn: string; tagged: boolean } => {
    const config = resourceOf(type, id);
    const at = (service: string, resource: string, inRegion = true) => `arn:${partition}:${service}:${inRegion ? region : ""}:${accountId}:${resource}`;
    if (attribute === "arn") {
      switch (type) {
        case "aws_cloudwatch_log_group":
          return { arn: at("logs", `log-group:${config.name}`), tagged: false };
        case "aws_secretsmanager_secret":
          return { arn: at("secretsmanager", `secret:${config.name}-??????`), tagged: false };
        case "aws_iam_role":
          return { arn: at("iam", `role/${config.name}`, false), tagged: false };
        case "aws_ecs_task_definition":
          return { arn: at("ecs", `task-definition/${config.family}:*`), tagged: false };
        case "aws_ecs_cluster":
          return { arn: at("ecs", `cluster/${config.name}`), tagged: false };
        case "aws_kms_key":
          return { arn: at("kms", "key/*"), tagged: true };
        case "aws_efs_file_system":
          return { arn: at("elasticfilesystem", "file-system/*"), tagged: true };
        case "aws_efs_access_point":
          return { arn: at("elasticfilesystem", "access-point/*"), tagged: true };
        case "aws_backup_vault":
          return { arn: at("backup", `backup-vault:${config.name}`), tagged: false };
      }
    }
    throw new Error(`the permissions boundary cannot resolve \${${type}.${id}.${attribute}}`);
  };
  const resolve = (text: string): { text: string; tagged: boolean } => {
    let tagged = false;
    const resolved = text.replace(REFERENCE, (_m, type: string, id: string, attribute: string) => {
      const found = arnOf(type, id, attribute);
      tagged ||= found.tagged;
      return found.arn;
    });
    return { text: resolved, tagged };
  };
  const resolveCondition = (condition: Record<string, Record<string, unknown>> | undefined) =>
    condition
      ? Object.fromEntries(
          Object.entries(condition).map(([operator, block]) => [
            operator,
            Object.fromEntries(Object.entries(block).map(([key, value]) => [key, Array.isArray(value) ? value.map((v) => resolve(String(v)).text) : typeof value === "string" ? resolve(value).text : value])),
          ]),
        )
      : undefined;
  const statements: PolicyStatement[] = [];
  const seen = new Set<string>();
  const add = (statement: PolicyStatement) => {
    const { Sid: _sid, ...rest } = statement;
    const key = JSON.stringify(rest);
    if (seen.has(key)) return;
    seen.add(key);
    statements.push(statement);
  };
  for (const [id, policy] of Object.entries(stack.resource?.aws_iam_role_policy ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const roleRef = /^\$\{aws_iam_role\.([^.}]+)\.(?:id|name)\}$/.exec(String(policy.role));
    const roleName = roleRef ? String(resourceOf("aws_iam_role", roleRef[1]).name) : id;
    const prefix = sidOf(roleName.replace(new RegExp(`^ce-${env.name}-`), ""));
    for (const original of JSON.parse(String(policy.policy)).Statement as PolicyStatement[]) {
      const resources = (typeof original.Resource === "string" ? [original.Resource] : [...(original.Resource ?? [])]).map(resolve);
      const condition = resolveCondition(original.Condition as Record<string, Record<string, unknown>>) as PolicyCondition | undefined;
      const groups = [resources.filter((r) => !r.tagged), resources.filter((r) => r.tagged)];
      groups.forEach((group, i) => {
        if (group.length === 0) return;
        const isTagged = i === 1;
        add({
          ...original,
          Sid: `${prefix}${original.Sid ?? `Statement${statements.length}`}${isTagged ? "OnTaggedResources" : ""}`,
          Resource: group.length === 1 ? group[0].text : group.map((r) => r.text),
          ...(condition || isTagged
            ? {
                Condition: {
                  ...(condition ?? {}),
                  ...(isTagged ? { StringEquals: { ...((condition ?? {}).StringEquals ?? {}), [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env.name } } : {}),
                },
              }
            : {}),
        });
      });
    }
  }
  const names = stackNames(stack);
  const managed = unique(names.attachedPolicies.map((a) => a.policyArn.split("/").pop()!)).sort();
  const anywhere = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${accountId}:${resource}`;
  for (const policyName of managed) {
    for (const statement of managedPolicyBoundary(policyName, {
      fileSystems: anywhere("elasticfilesystem", "file-system/*"),
      vaults: [...names.vaults.map((name) => anywhere("backup", `backup-vault:${name}`)), ...names.copyVaults],
      recoveryPoints: anywhere("backup", "recovery-point:*"),
      env: env.name,
    })) {
      if (!(Array.isArray(statement.Resource) && statement.Resource.length === 0)) add(statement);
    }
  }
  // A role's explicit deny joins the boundary (so a role rewritten by a compromised deploy role keeps it) unless it
  // would take away what another role of the stack is allowed: the member role's "no ce-* role" deny would stop
  // the schedule handing the updater its own role, so that one stays with the member role.
  const allows = statements.filter((s) => s.Effect === "Allow");
  return statements.filter((s) => s.Effect === "Allow" || !allows.some((allow) => overlaps(s, allow)));
}

const listOf = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === "string" ? [value] : [...value]);
const globMatches = (glob: string, text: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(text);

/** Whether a deny statement would refuse part of what an allow statement grants (actions and resources overlap). */
function overlaps(deny: PolicyStatement, allow: PolicyStatement): boolean {
  const actions = listOf(allow.Action).some((a) => listOf(deny.Action).some((d) => globMatches(d, a) || globMatches(a, d)));
  const resources = listOf(allow.Resource).some((r) => listOf(deny.Resource).some((d) => globMatches(d, r)));
  return actions && resources;
}
