/**
 * The optional Prisma Cloud Fargate Defender updater: roles and policies,
 * task definition, log group, schedule, run modes and the single-account /
 * organization switch, with its member-role stacks.
 */
import { EnvironmentInput } from "../../modules/config";
import { ACCOUNT, baseEnvironment, REGION, secretArn } from "../support/fixtures";
import { containersOf, policyOf, ref, resourceNamed, resourcesOf, synthApp, synthEnvironment } from "../support/synth";

const PCC = secretArn("PCCAccessSecret");
const IMAGE = { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "2026.11.1" };
const MEMBERS = ["111111111111", "222222222222"];

function withDefender(defender: Record<string, unknown>, name = "test"): EnvironmentInput {
  return baseEnvironment({ name, defender: { enabled: true, image: IMAGE, pccSecretArn: PCC, ...defender } as EnvironmentInput["defender"] });
}
const envOf = (task: any) => Object.fromEntries(containersOf(task)[0].environment.map((e: any) => [e.name, e.value]));
const master = (attr: string) => ref("aws_iam_role", "defender_master-role", attr);

describe("Fargate Defender updater, single-account, scheduled", () => {
  const stack = synthEnvironment(withDefender({ run: { mode: "scheduled", scheduleExpression: "rate(12 hours)" }, clusters: ["ce-test"] }));
  const task = resourceNamed(stack, "aws_ecs_task_definition", "defender_task-definition");

  it("is off by default", () => {
    const plain = synthEnvironment(baseEnvironment());
    expect(Object.keys(plain.resource ?? {}).flatMap((t) => Object.keys(plain.resource![t])).filter((n) => n.startsWith("defender"))).toEqual([]);
  });

  it("logs to /ecs/fargate-updater for 7 days, KMS-encrypted", () => {
    expect(resourceNamed(stack, "aws_cloudwatch_log_group", "defender_log-group")).toMatchObject({
      name: "/ecs/fargate-updater",
      retention_in_days: 7,
      kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
    });
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
      CLUSTERS: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ce-test`,
      UPGRADE: "true",
      DEPLOYMENT_MODE: "SINGLE",
      FS_MONITOR: "false",
      FIPS_ENABLED: "false",
      ROLE_NAME: "FargateDeployMember",
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
      ["AssumeMemberRoles", "sts:AssumeRole", [`arn:aws:iam::${ACCOUNT}:role/FargateDeployMember`]],
    ]);
  });

  it("creates this account's member role, assumable by the master role only, limited to ECS services", () => {
    const role = resourceNamed(stack, "aws_iam_role", "defender_member-role_role");
    expect(role.name).toBe("FargateDeployMember");
    expect(policyOf(role.assume_role_policy).Statement).toEqual([{ Effect: "Allow", Principal: { AWS: master("arn") }, Action: "sts:AssumeRole" }]);
    const statements = policyOf(resourceNamed(stack, "aws_iam_role_policy", "defender_member-role_policy").policy).Statement;
    expect(statements.map((s) => s.Sid)).toEqual(["ReadFargateServices", "PointServicesAtProtectedRevisions", "KeepTheTasksRoles"]);
    expect(statements[1]).toMatchObject({ Action: "ecs:UpdateService", Resource: `arn:aws:ecs:*:${ACCOUNT}:service/*/*` });
    expect(statements[2]).toMatchObject({ Action: "iam:PassRole", Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } });
  });

  it("runs on a schedule whose role may run only this task in this cluster", () => {
    expect(resourceNamed(stack, "aws_scheduler_schedule", "defender_schedule")).toMatchObject({
      schedule_expression: "rate(12 hours)",
      schedule_expression_timezone: "UTC",
      state: "ENABLED",
      target: {
        arn: ref("aws_ecs_cluster", "cluster_cluster", "arn"),
        role_arn: ref("aws_iam_role", "defender_scheduler-role", "arn"),
        ecs_parameters: {
          task_definition_arn: ref("aws_ecs_task_definition", "defender_task-definition", "arn_without_revision"),
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
        Resource: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/ce-test-fargate-updater:*`,
        Condition: { ArnEquals: { "ecs:cluster": ref("aws_ecs_cluster", "cluster_cluster", "arn") } },
      },
      { Sid: "HandTheUpdaterItsRole", Effect: "Allow", Action: "iam:PassRole", Resource: master("arn"), Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
    ]);
  });

  it("reaches only HTTPS outbound", () => {
    const rules = resourcesOf(stack, "aws_vpc_security_group_egress_rule").filter(([n]) => n.startsWith("defender"));
    expect(rules.map(([, r]) => [r.from_port, r.to_port, r.cidr_ipv4])).toEqual([[443, 443, "0.0.0.0/0"]]);
  });
});

describe("Fargate Defender updater, run once", () => {
  const stack = synthEnvironment(withDefender({}));

  it("has no schedule and prints the run-task command", () => {
    expect(stack.resource?.aws_scheduler_schedule).toBeUndefined();
    const command = String(stack.output?.["defender-run-task-command"].value);
    expect(command).toContain("aws ecs run-task");
    expect(command).toContain("--task-definition ${aws_ecs_task_definition.defender_task-definition.family}");
    expect(command).toContain("securityGroups=[${aws_security_group.defender_security-group.id}]");
  });
});

describe("Fargate Defender updater, organization mode", () => {
  const input = withDefender({ deploymentMode: "organization", organizationalUnitIds: ["ou-ab12-cdef3456"], accounts: MEMBERS, regions: ["eu-west-1", "us-east-1"] }, "org");
  const stacks = synthApp([input]);
  const stack = stacks["ce-org"];

  it("lists the organization and assumes the member role in each listed account", () => {
    const statements = policyOf(resourceNamed(stack, "aws_iam_role_policy", "defender_master-role-policy").policy).Statement;
    expect(statements.find((s) => s.Sid === "AssumeMemberRoles")!.Resource).toEqual(MEMBERS.map((a) => `arn:aws:iam::${a}:role/FargateDeployMember`));
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
      expect(policyOf(role.assume_role_policy).Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:role/FargateDeployMaster` });
      expect(policyOf(resourceNamed(member, "aws_iam_role_policy", "member-role_policy").policy).Statement[1].Resource).toBe(`arn:aws:ecs:*:${account}:service/*/*`);
    }
  });
});
