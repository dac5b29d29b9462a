/**
 * The optional Prisma Cloud Fargate Defender updater (as Palo Alto Networks'
 * Prisma Cloud Fargate Defender updater document describes it): a Fargate
 * task that adds (and upgrades) Prisma Cloud runtime defenders in the
 * Fargate services of this account, or of every listed account of an
 * organization, run by hand or on an EventBridge Scheduler schedule.
 *
 * It replaces the document's CloudFormation template and console steps:
 * - the master role (ECS tasks): pull the updater image, write its logs, read
 *   the Prisma Cloud credentials secret (and decrypt it through Secrets
 *   Manager), list the organization's accounts (organization mode) and assume
 *   the member role in each account;
 * - the member role in this account (single-account mode; other accounts get
 *   it from their own member-role stack, since StackSets have no CDKTF form),
 *   limited to the listed clusters, regions and pass roles, and denied this
 *   environment's own services and roles;
 * - the log group /ecs/ce-<env>/fargate-updater (KMS, the environment's
 *   retention: it records changes to other services);
 * - the updater task definition, with the document's variables and only the
 *   secret's name (PCC_SECRET): the updater reads the credentials itself;
 * - a security group with outbound HTTPS and the console's port only, and
 *   the schedule and its role.
 *
 * Names are per environment (`ce-<env>-fargate-master`, ...), so two
 * environments in one account each have their own updater.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Fn, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { DEFENDER_UPDATER_TASK, DefenderSettings, secretNameOf } from "../config";
import { ecrPullStatements, policyDocument, PolicyStatement, serviceTrustPolicy } from "../iam/policy";
import { ecrRepositoryArn, imageUri } from "../workload/images";
import { scheduleEcsTask } from "../scheduling/scheduled-ecs-task";
import { DefenderMemberRole, MemberRoleScope } from "./member-role";

/** Props of {@link FargateDefenderUpdater}. */
export interface FargateDefenderUpdaterProps extends AwsLocation {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** The environment's defender settings (enabled, with image and secret). */
  readonly settings: DefenderSettings;
  /** Role and log group names (defaults applied). */
  readonly names: { readonly masterRoleName: string; readonly memberRoleName: string; readonly logGroupName: string };
  /** Log retention in days (defaults applied). */
  readonly logRetentionDays: number;
  /** The member role's scope in this account (single-account mode). */
  readonly memberScope: MemberRoleScope;
  /** KMS key of the log group. */
  readonly kmsKeyArn: string;
  /** Cluster the updater task runs in. */
  readonly clusterArn: string;
  /** VPC of the task's security group. */
  readonly vpcId: string;
  /** Private subnets the task runs in. */
  readonly subnetIds: readonly string[];
}

/** Accounts the updater protects: the listed ones in organization mode, else this one. */
export function updaterAccounts(settings: DefenderSettings, accountId: string): readonly string[] {
  return settings.deploymentMode === "organization" ? settings.accounts : [accountId];
}

/** Variables of the updater task (the document's table). */
export function updaterEnvironment(
  props: Pick<FargateDefenderUpdaterProps, "settings" | "accountId" | "region" | "partition"> & { readonly memberRoleName: string },
): Record<string, string> {
  const s = props.settings;
  const organization = s.deploymentMode === "organization";
  const accounts = updaterAccounts(s, props.accountId);
  const regions = s.regions.length > 0 ? s.regions : [props.region];
  const clusters = s.clusters.flatMap((name) =>
    accounts.flatMap((account) => regions.map((region) => `arn:${props.partition}:ecs:${region}:${account}:cluster/${name}`)),
  );
  return {
    PCC_SECRET: secretNameOf(s.pccSecretArn!),
    REGIONS: regions.join(","),
    ACCOUNTS: accounts.join(","),
    CLUSTERS: clusters.join(","),
    UPGRADE: String(s.upgrade),
    DEPLOYMENT_MODE: organization ? "ORG" : "SINGLE",
    FS_MONITOR: String(s.fsMonitor),
    FIPS_ENABLED: String(s.fipsEnabled),
    ROLE_NAME: props.memberRoleName,
    REGISTRY_TYPE: "aws",
    AWS_DEFAULT_REGION: props.region,
    ...(s.pccSan ? { PCC_SAN: s.pccSan } : {}),
    ...(s.credentialId ? { CREDENTIAL_ID: s.credentialId } : {}),
    ...(s.waasPort !== undefined ? { WAAS_PORT: String(s.waasPort) } : {}),
  };
}

/**
 * The values an operator needs to run the updater once, each a plain value:
 * the README builds the `aws ecs run-task` command from them in the
 * operator's own shell (quoted, so a value is one argument, never code).
 */
export const DEFENDER_RUN_OUTPUTS = ["defender-task-definition", "defender-subnet-ids", "defender-security-group-id"] as const;

/** The updater. */
export class FargateDefenderUpdater extends Construct {
  /** The master role (task and execution role of the updater). */
  readonly masterRole: IamRole;
  /** The updater task definition. */
  readonly taskDefinition: EcsTaskDefinition;
  /** The updater's log group. */
  readonly logGroup: CloudwatchLogGroup;
  /** The updater's security group. */
  readonly securityGroup: SecurityGroup;
  /** The schedule, in scheduled mode. */
  readonly schedule?: SchedulerSchedule;
  /** The member role of this account, in single-account mode. */
  readonly memberRole?: DefenderMemberRole;

  constructor(scope: Construct, id: string, props: FargateDefenderUpdaterProps) {
    super(scope, id);
    const s = props.settings;
    if (!s.enabled || !s.image || !s.pccSecretArn) throw new Error("the defender updater needs enabled settings with an image and a secret");
    const { partition, region, accountId } = props;
    const organization = s.deploymentMode === "organization";
    const accounts = updaterAccounts(s, accountId);
    const family = `${props.prefix}-fargate-updater`;

    const names = props.names;
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: names.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });

    this.masterRole = new IamRole(this, "master-role", {
      name: names.masterRoleName,
      description: "Prisma Cloud Fargate Defender updater task: reads the organization and assumes the member roles",
      assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", accountId, `arn:${partition}:ecs:${region}:${accountId}:*`),
    });
    const statements: PolicyStatement[] = [
      ...ecrPullStatements(ecrRepositoryArn(s.image), "PullTheUpdaterImage"),
      {
        Sid: "WriteUpdaterLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${this.logGroup.arn}:log-stream:*`,
      },
      { Sid: "ReadPrismaCloudCredentials", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: s.pccSecretArn },
      ...(s.pccSecretKmsKeyArn
        ? [
            {
              Sid: "DecryptPrismaCloudCredentialsThroughSecretsManager",
              Effect: "Allow" as const,
              Action: "kms:Decrypt",
              Resource: s.pccSecretKmsKeyArn,
              Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
            },
          ]
        : []),
      {
        Sid: "AssumeMemberRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: accounts.map((account) => `arn:${partition}:iam::${account}:role/${names.memberRoleName}`),
      },
    ];
    if (organization) {
      statements.push({
        // Organizations list actions have no resource-level permissions without the organization ID.
        Sid: "ReadTheOrganization",
        Effect: "Allow",
        Action: ["organizations:DescribeOrganization", "organizations:ListAccounts", "organizations:ListAccountsForParent"],
        Resource: "*",
      });
    }
    new IamRolePolicy(this, "master-role-policy", {
      role: this.masterRole.id,
      name: "fargate-defender-updater",
      policy: policyDocument(statements),
    });

    if (!organization) {
      this.memberRole = new DefenderMemberRole(this, "member-role", {
        ...props.memberScope,
        roleName: names.memberRoleName,
        masterRoleArn: this.masterRole.arn,
      });
    }

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.prefix}-fargate-updater`,
      description: "Prisma Cloud Fargate Defender updater task",
      vpcId: props.vpcId,
      tags: { Name: `${props.prefix}-fargate-updater` },
    });
    new VpcSecurityGroupEgressRule(this, "egress-https", {
      securityGroupId: this.securityGroup.id,
      description: `HTTPS to AWS APIs and image registries${s.consolePort === 443 ? ", and the Prisma Cloud console" : ""}`,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    if (s.consolePort !== 443) {
      new VpcSecurityGroupEgressRule(this, "egress-console", {
        securityGroupId: this.securityGroup.id,
        description: `The Prisma Cloud console on ${s.consolePort} (defender.consolePort)`,
        ipProtocol: "tcp",
        fromPort: s.consolePort,
        toPort: s.consolePort,
        cidrIpv4: "0.0.0.0/0",
      });
    }

    const environment = updaterEnvironment({ ...props, memberRoleName: names.memberRoleName });
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(DEFENDER_UPDATER_TASK.cpu),
      memory: String(DEFENDER_UPDATER_TASK.memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: this.masterRole.arn,
      taskRoleArn: this.masterRole.arn,
      containerDefinitions: JSON.stringify([
        {
          name: "fargate-updater",
          image: imageUri(s.image),
          essential: true,
          environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": this.logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": "fargate-updater" },
          },
          readonlyRootFilesystem: true,
        },
      ]),
      skipDestroy: true,
    });

    this.outputs(props.subnetIds);

    if (s.run.mode === "scheduled") {
      const scheduleName = `${props.prefix}-fargate-updater`;
      this.schedule = scheduleEcsTask(this, {
        partition,
        region,
        accountId,
        scheduleName,
        description: "Runs the Prisma Cloud Fargate Defender updater",
        scheduleExpression: s.run.scheduleExpression,
        timezone: s.run.timezone,
        roleName: `${props.prefix}-fargate-updater-schedule`,
        roleDescription: "EventBridge Scheduler runs the Fargate Defender updater task",
        policy: { name: "run-the-updater-task", runSid: "RunOnlyTheUpdaterTask", passSid: "HandTheUpdaterItsRole" },
        clusterArn: props.clusterArn,
        taskDefinitionArn: this.taskDefinition.arn,
        passRoleArns: [this.masterRole.arn],
        subnetIds: props.subnetIds,
        securityGroupId: this.securityGroup.id,
      });
    }
  }

  /** Stack outputs for running the updater by hand (see {@link DEFENDER_RUN_OUTPUTS}). */
  private outputs(subnetIds: readonly string[]): void {
    const [taskDefinition, subnets, securityGroup] = DEFENDER_RUN_OUTPUTS;
    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output(taskDefinition, this.taskDefinition.arn, "Task definition (with its revision) of the Fargate Defender updater");
    output(subnets, Fn.join(",", [...subnetIds]), "Private subnets the updater runs in, comma-separated");
    output(securityGroup, this.securityGroup.id, "Security group of the updater task");
  }
}
