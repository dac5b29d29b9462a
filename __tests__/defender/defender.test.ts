/**
 * The optional Prisma Cloud Fargate Defender updater: roles and policies,
 * task definition, log group, schedule, run modes and the single-account /
 * organization switch, with its member-role stacks.
 */
import { EnvironmentInput, parseEnvironments, problemsOf } from "../../modules/config";
import { ACCOUNT, baseEnvironment, REGION, secretArn } from "../support/fixtures";
import { evaluate, statementsOf } from "../support/iam-simulator";
import { containersOf, policyOf, ref, resourceNamed, resourcesOf, synthApp, synthEnvironment } from "../support/synth";

const PCC = secretArn("PCCAccessSecret");
const IMAGE = { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "2026.11.1" };
const MEMBERS = ["111111111111", "222222222222"];

function withDefender(defender: Record<string, unknown>, name = "test"): EnvironmentInput {
  return baseEnvironment({
    name,
    defender: { enabled: true, image: IMAGE, pccSecretArn: PCC, passRoles: ["apps-*"], ...defender } as EnvironmentInput["defender"],
  });
}
const envOf = (task: any) => Object.fromEntries(containersOf(task)[0].environment.map((e: any) => [e.name, e.value]));
const master = (attr: string) => ref("aws_iam_role", "defender_master-role", attr);

describe("Fargate Defender updater, single-account, scheduled", () => {
  const stack = synthEnvironment(withDefender({ run: { mode: "scheduled", scheduleExpression: "rate(12 hours)" }, clusters: ["apps"] }));
  const task = resourceNamed(stack, "aws_ecs_task_definition", "defender_task-definition");

  it("is off by default", () => {
    const plain = synthEnvironment(baseEnvironment());
    expect(Object.keys(plain.resource ?? {}).flatMap((t) => Object.keys(plain.resource![t])).filter((n) => n.startsWith("defender"))).toEqual([]);
  });

  it("logs to its environment's own log group, KMS-encrypted, kept as long as the environment's logs", () => {
    expect(resourceNamed(stack, "aws_cloudwatch_log_group", "defender_log-group")).toMatchObject({
      name: "/ecs/ce-test/fargate-updater",
      retention_in_days: 365,
      kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
    });
    const longer = synthEnvironment({ ...withDefender({ logRetentionDays: 3653 }), logs: { retentionDays: 731 } });
    expect(resourceNamed(longer, "aws_cloudwatch_log_group", "defender_log-group").retention_in_days).toBe(3653);
    const following = synthEnvironment({ ...withDefender({}), logs: { retentionDays: 731 } });
    expect(resourceNamed(following, "aws_cloudwatch_log_group", "defender_log-group").retention_in_days).toBe(731);
  });

  it("runs the environment's image with the document's variables and only the secret's name", () => {
    expect(task).toMatchObject({ family: "ce-test-fargate-updater", cpu: "512", memory: "1024", execution_role_arn: master("arn"), task_role_arn: master("arn") });
    const [container] = containersOf(task);
    expect(container.image).toBe(`${IMAGE.repository}:${IMAGE.tag}`);
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(envOf(task)).toEqual({
      PCC_SECRET: "PCCAccessSecret",
      REGIONS: REGION,
      ACCOUNTS: ACCOUNT,
      CLUSTERS: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/apps`,
      UPGRADE: "true",
      DEPLOYMENT_MODE: "SINGLE",
      FS_MONITOR: "false",
      FIPS_ENABLED: "false",
      ROLE_NAME: "ce-test-fargate-member",
      REGISTRY_TYPE: "aws",
      AWS_DEFAULT_REGION: REGION,
    });
    expect(container.secrets).toBeUndefined();
    expect(task.container_definitions).not.toMatch(/PCC_USER|PCC_PASS|PCC_URL/);
  });

  it("gives the master role exactly the updater's needs", () => {
    expect(policyOf(resourceNamed(stack, "aws_iam_role", "defender_master-role").assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: "ecs-tasks.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    });
    const statements = policyOf(resourceNamed(stack, "aws_iam_role_policy", "defender_master-role-policy").policy).Statement;
    expect(statements.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["GetEcrToken", "ecr:GetAuthorizationToken", "*"],
      ["PullTheUpdaterImage", ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/prisma/fargate-updater`],
      ["WriteUpdaterLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], `${ref("aws_cloudwatch_log_group", "defender_log-group", "arn")}:log-stream:*`],
      ["ReadPrismaCloudCredentials", "secretsmanager:GetSecretValue", PCC],
      ["AssumeMemberRoles", "sts:AssumeRole", [`arn:aws:iam::${ACCOUNT}:role/ce-test-fargate-member`]],
    ]);
    expect(resourceNamed(stack, "aws_iam_role", "defender_master-role").name).toBe("ce-test-fargate-master");
  });

  it("creates this account's member role, assumable by the master role only", () => {
    const role = resourceNamed(stack, "aws_iam_role", "defender_member-role_role");
    expect(role.name).toBe("ce-test-fargate-member");
    expect(policyOf(role.assume_role_policy).Statement).toEqual([{ Effect: "Allow", Principal: { AWS: master("arn") }, Action: "sts:AssumeRole" }]);
  });

  it("runs on a schedule whose role may run only this task's pinned revision in this cluster, assumable by this schedule only", () => {
    expect(resourceNamed(stack, "aws_scheduler_schedule", "defender_schedule")).toMatchObject({
      schedule_expression: "rate(12 hours)",
      schedule_expression_timezone: "UTC",
      state: "ENABLED",
      target: {
        arn: ref("aws_ecs_cluster", "cluster_cluster", "arn"),
        role_arn: ref("aws_iam_role", "defender_scheduler-role", "arn"),
        ecs_parameters: {
          task_definition_arn: ref("aws_ecs_task_definition", "defender_task-definition", "arn"),
          launch_type: "FARGATE",
          network_configuration: { assign_public_ip: false, security_groups: [ref("aws_security_group", "defender_security-group", "id")] },
        },
      },
    });
    const statements = policyOf(resourceNamed(stack, "aws_iam_role_policy", "defender_scheduler-role-policy").policy).Statement;
    expect(statements).toEqual([
      {
        Sid: "RunOnlyTheUpdaterTask",
        Effect: "Allow",
        Action: "ecs:RunTask",
        Resource: ref("aws_ecs_task_definition", "defender_task-definition", "arn"),
        Condition: { ArnEquals: { "ecs:cluster": ref("aws_ecs_cluster", "cluster_cluster", "arn") } },
      },
      { Sid: "HandTheUpdaterItsRole", Effect: "Allow", Action: "iam:PassRole", Resource: master("arn"), Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
    ]);
    const trust = statementsOf(resourceNamed(stack, "aws_iam_role", "defender_scheduler-role").assume_role_policy);
    const assume = (sourceArn: string) =>
      evaluate(trust, { service: "scheduler.amazonaws.com", action: "sts:AssumeRole", resource: "*", context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": sourceArn } });
    expect(assume(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/ce-test-fargate-updater`)).toBe("allowed");
    expect(assume(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/someone-elses-schedule`)).toBe("implicitly denied");
    // A revision registered outside Terraform (same family, newer number) is not the one the role may run.
    const run = (taskDefinition: string) =>
      evaluate(statements, { action: "ecs:RunTask", resource: taskDefinition, context: { "ecs:cluster": ref("aws_ecs_cluster", "cluster_cluster", "arn") } });
    expect(run(ref("aws_ecs_task_definition", "defender_task-definition", "arn"))).toBe("allowed");
    expect(run(`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/ce-test-fargate-updater:999`)).toBe("implicitly denied");
  });

  it("reaches only HTTPS outbound", () => {
    const rules = resourcesOf(stack, "aws_vpc_security_group_egress_rule").filter(([n]) => n.startsWith("defender"));
    expect(rules.map(([, r]) => [r.from_port, r.to_port, r.cidr_ipv4])).toEqual([[443, 443, "0.0.0.0/0"]]);
  });

  it("reaches a self-hosted console on its port (defender.consolePort)", () => {
    const selfHosted = synthEnvironment(withDefender({ consolePort: 8083 }));
    const rules = resourcesOf(selfHosted, "aws_vpc_security_group_egress_rule").filter(([n]) => n.startsWith("defender"));
    expect(rules.map(([, r]) => [r.from_port, r.to_port, r.cidr_ipv4])).toEqual([
      [8083, 8083, "0.0.0.0/0"],
      [443, 443, "0.0.0.0/0"],
    ]);
  });

  it("passes PCC_SAN, CREDENTIAL_ID and WAAS_PORT when they are set, and decrypts a customer-managed secret key through Secrets Manager only", () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;
    const full = synthEnvironment(withDefender({ pccSan: "console.example.com", credentialId: "aws-ecr-apps", waasPort: 8443, pccSecretKmsKeyArn: key }));
    expect(envOf(resourceNamed(full, "aws_ecs_task_definition", "defender_task-definition"))).toMatchObject({
      PCC_SAN: "console.example.com",
      CREDENTIAL_ID: "aws-ecr-apps",
      WAAS_PORT: "8443",
    });
    const statements = statementsOf(resourceNamed(full, "aws_iam_role_policy", "defender_master-role-policy").policy);
    const decrypt = (context: Record<string, string>) => evaluate(statements, { action: "kms:Decrypt", resource: key, context });
    expect(decrypt({ "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` })).toBe("allowed");
    expect(decrypt({})).toBe("implicitly denied");
    expect(envOf(task)).not.toHaveProperty("PCC_SAN");
  });
});

describe("Fargate Defender updater, run once", () => {
  const stack = synthEnvironment(withDefender({}));

  it("has no schedule, and gives the values of a run as plain outputs, never a command to execute", () => {
    expect(stack.resource?.aws_scheduler_schedule?.["defender_schedule"]).toBeUndefined();
    expect(stack.output?.["defender-task-definition"].value).toBe(ref("aws_ecs_task_definition", "defender_task-definition", "arn"));
    expect(stack.output?.["defender-security-group-id"].value).toBe(ref("aws_security_group", "defender_security-group", "id"));
    expect(String(stack.output?.["defender-subnet-ids"].value)).toMatch(/^\$\{join\(",", \[/);
    const everyOutput = JSON.stringify(stack.output);
    expect(everyOutput).not.toMatch(/aws ecs|run-task|--[a-z]/);
  });
});

describe("Fargate Defender updater, organization mode", () => {
  const input = withDefender({ deploymentMode: "organization", organizationalUnitIds: ["ou-ab12-cdef3456"], accounts: MEMBERS, regions: ["eu-west-1", "us-east-1"] }, "org");
  const stacks = synthApp([input]);
  const stack = stacks["ce-org"];

  it("lists the organization and assumes the member role in each listed account", () => {
    const statements = policyOf(resourceNamed(stack, "aws_iam_role_policy", "defender_master-role-policy").policy).Statement;
    expect(statements.find((s) => s.Sid === "AssumeMemberRoles")!.Resource).toEqual(MEMBERS.map((a) => `arn:aws:iam::${a}:role/ce-org-fargate-member`));
    expect(statements.find((s) => s.Sid === "ReadTheOrganization")!.Action).toEqual(["organizations:DescribeOrganization", "organizations:ListAccounts", "organizations:ListAccountsForParent"]);
    expect(envOf(resourceNamed(stack, "aws_ecs_task_definition", "defender_task-definition"))).toMatchObject({
      DEPLOYMENT_MODE: "ORG",
      ACCOUNTS: MEMBERS.join(","),
      REGIONS: "eu-west-1,us-east-1",
    });
  });

  it("leaves the member roles to one stack per member account", () => {
    expect(stack.resource?.aws_iam_role?.["defender_member-role_role"]).toBeUndefined();
    for (const account of MEMBERS) {
      const member = stacks[`ce-org-defender-member-${account}`];
      expect(member.provider?.aws).toEqual([expect.objectContaining({ allowed_account_ids: [account] })]);
      expect(member.terraform?.backend.s3).toMatchObject({ key: `cloud-exchange/org/defender-member-${account}/terraform.tfstate`, encrypt: true, use_lockfile: true });
      const role = resourceNamed(member, "aws_iam_role", "member-role_role");
      expect(policyOf(role.assume_role_policy).Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:role/ce-org-fargate-master` });
      // No clusters listed: every cluster of the listed regions, and only those regions.
      expect(policyOf(resourceNamed(member, "aws_iam_role_policy", "member-role_policy").policy).Statement[1].Resource).toEqual([
        `arn:aws:ecs:eu-west-1:${account}:service/*/*`,
        `arn:aws:ecs:us-east-1:${account}:service/*/*`,
      ]);
    }
  });
});

describe("what a staging updater for one application cluster may do (its member role, evaluated)", () => {
  // A staging environment whose updater protects the services of its application cluster apps-staging, nightly.
  const staging = synthEnvironment(
    withDefender(
      { clusters: ["apps-staging"], passRoles: ["apps-staging-*"], run: { mode: "scheduled", scheduleExpression: "cron(0 3 * * ? *)", timezone: "Europe/Berlin" } },
      "staging",
    ),
  );
  const statements = statementsOf(resourceNamed(staging, "aws_iam_role_policy", "defender_member-role_policy").policy);
  const account = ACCOUNT;
  const region = REGION;
  const service = (cluster: string, name: string, where = region) => `arn:aws:ecs:${where}:${account}:service/${cluster}/${name}`;
  const update = (resource: string) => evaluate(statements, { action: "ecs:UpdateService", resource });
  const pass = (role: string) =>
    evaluate(statements, { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/${role}`, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });

  it("updates the services of its listed application cluster", () => {
    expect(update(service("apps-staging", "checkout"))).toBe("allowed");
  });

  it("cannot update production's Cloud Exchange, or any other cluster", () => {
    expect(update(service("ce-prod", "ce-prod-node-1"))).toBe("explicitly denied");
    expect(update(service("apps-prod", "checkout"))).toBe("implicitly denied");
  });

  it("cannot update its own environment's Cloud Exchange service, which Terraform owns (no fight over the task definition)", () => {
    expect(update(service("ce-staging", "ce-staging"))).toBe("explicitly denied");
  });

  it("cannot act in another region", () => {
    expect(update(service("apps-staging", "checkout", "us-east-1"))).toBe("implicitly denied");
    const register = (where: string) => evaluate(statements, { action: "ecs:RegisterTaskDefinition", resource: "*", context: { "aws:RequestedRegion": where } });
    expect(register(region)).toBe("allowed");
    expect(register("us-east-1")).toBe("implicitly denied");
  });

  it("passes only the protected services' roles, never Cloud Exchange's or an administrator's", () => {
    expect(pass("apps-staging-checkout-task")).toBe("allowed");
    expect(pass("ce-staging-task")).toBe("explicitly denied");
    expect(pass("ce-staging-task-execution")).toBe("explicitly denied");
    expect(pass("OrganizationAccountAccessRole")).toBe("implicitly denied");
  });

  it("still cannot pass Cloud Exchange's roles, nor its environment's custom-named ones, whatever is attached to the role later", () => {
    const custom = synthEnvironment(withDefender({ masterRoleName: "PrismaUpdaterMaster", clusters: ["apps"] }, "custom"));
    const statements = [...statementsOf(resourceNamed(custom, "aws_iam_role_policy", "defender_member-role_policy").policy), { Effect: "Allow", Action: "iam:PassRole", Resource: "*" }];
    const passAny = (role: string) =>
      evaluate(statements, { action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/${role}`, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
    for (const role of ["ce-other-task", "ce-custom-task", "ce-custom-task-execution", "ce-prod-pipeline-deploy", "PrismaUpdaterMaster"]) {
      expect({ role, decision: passAny(role) }).toEqual({ role, decision: "explicitly denied" });
    }
  });
});

describe("defender validation of scope", () => {
  const problems = (defender: Record<string, unknown>, extra: Partial<EnvironmentInput> = {}) =>
    problemsOf({ source: "environments/test.ts", input: { ...withDefender(defender), ...extra } }).problems.map((p) => `${p.path}: ${p.message}`);

  it("requires the roles the updater may pass", () => {
    expect(problems({ passRoles: [] })).toEqual([expect.stringMatching(/^defender\.passRoles: is required when defender\.enabled is true: name the task and execution roles/)]);
    expect(problems({ passRoles: ["*"] })).toEqual([expect.stringMatching(/^defender\.passRoles\[0\]: must be an IAM role name or name pattern with \*.*not \* alone/)]);
  });

  it("refuses the environment's own cluster, naming why", () => {
    expect(problems({ clusters: ["ce-test"] })).toEqual([expect.stringMatching(/^defender\.clusters\[0\]: is this environment's own cluster: Terraform manages its task definition/)]);
  });

  it("refuses another environment's cluster, whatever else is set", () => {
    expect(problems({ clusters: ["ce-prod"] })).toEqual([
      "defender.clusters[0]: is the cluster of environment prod: Terraform owns its services' task definitions, and no updater may change another environment's services (the member role is denied every ce-<name> cluster); protect application clusters (got \"ce-prod\")",
    ]);
    expect(problems({ clusters: ["ce-prod"], allowOtherEnvironments: true })).toEqual([expect.stringMatching(/^defender\.allowOtherEnvironments: is not a known field/)]);
  });

  it("refuses a pass-role pattern that matches another environment's custom-named role", () => {
    expect(() =>
      parseEnvironments([
        { source: "environments/a.ts", input: withDefender({ passRoles: ["Prisma*"] }, "a") },
        { source: "environments/b.ts", input: withDefender({ masterRoleName: "PrismaMaster" }, "b") },
      ]),
    ).toThrow(/environments\/a\.ts[^\n]*\n\s+- defender\.passRoles\.0: matches PrismaMaster, a role of environment b/);
  });

  it("refuses a log retention shorter than the environment's", () => {
    expect(problems({ logRetentionDays: 7 })).toEqual(["defender.logRetentionDays: must be at least logs.retentionDays (365); leave it out to use that (got 7)"]);
  });

  it("gives two environments in one account their own updater, and refuses two that name the same role", () => {
    const sources = (a: Record<string, unknown>, b: Record<string, unknown>) => [
      { source: "environments/a.ts", input: withDefender(a, "a") },
      { source: "environments/b.ts", input: withDefender(b, "b") },
    ];
    expect(parseEnvironments(sources({}, {})).map((e) => e.name)).toEqual(["a", "b"]);
    expect(() => parseEnvironments(sources({ memberRoleName: "FargateDeployMember" }, { memberRoleName: "FargateDeployMember" }))).toThrow(
      /environments\/b\.ts .*\n {2}- defender\.memberRoleName: names role FargateDeployMember, which environment a already uses in account 210987654321/,
    );
  });
});
