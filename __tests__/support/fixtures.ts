/**
 * Environment fixtures for tests: a complete base environment and the
 * variations the suites cover (new/existing VPC, ALB on/off, certificate
 * on/off, existing secrets for offline plans).
 */
import type { EnvironmentInput } from "../../modules/config";

export const ACCOUNT = "210987654321";
export const REGION = "eu-west-1";

/** A full, valid standalone environment (new VPC, ALB without certificate, generated secrets). */
export function baseEnvironment(overrides: Partial<EnvironmentInput> = {}): EnvironmentInput {
  return {
    name: "test",
    accountId: ACCOUNT,
    region: REGION,
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    state: { bucket: "test-ce-tfstate", region: REGION },
    ...overrides,
  };
}

export const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
export const CERTIFICATE_ARN = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`;
export const TARGET_GROUP_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/existing-ui/0123456789abcdef`;

/** The same environment in existing-secret mode (what offline plans need: no random provider). */
export function withExistingSecrets(input: EnvironmentInput): EnvironmentInput {
  const at = (name: string) =>
    `arn:aws:secretsmanager:${input.region}:${input.accountId}:secret:ce/${input.name}/${name}-AbCdEf`;
  return {
    ...input,
    secrets: {
      mode: "existing",
      jwtSecretArn: at("jwt-secret"),
      maintenanceSecretArn: at("maintenance"),
      clusterSecretArn: at("cluster"),
    },
  };
}

/** An existing-VPC network for the base region. */
export const EXISTING_NETWORK = {
  mode: "existing",
  vpcId: "vpc-0a1b2c3d4e5f60718",
  vpcCidr: "10.40.0.0/16",
  privateSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"],
} as const;

/** The fixture variations every structural suite runs over, by name. */
export function variations(): Record<string, EnvironmentInput> {
  return {
    "new-vpc-alb-http": baseEnvironment({ name: "newhttp" }),
    // CE 5.0 (the official template's release) stays in the synth and plan suites.
    "ce-5.0-standalone": baseEnvironment({ name: "legacy", release: "5.0", size: { preset: "extra-small" } }),
    "new-vpc-alb-https": baseEnvironment({ name: "newhttps", ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }),
    "existing-vpc-alb-https": baseEnvironment({
      name: "exhttps",
      network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] },
      ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN },
    }),
    "existing-vpc-no-alb-defender-organization": baseEnvironment({
      name: "exnone",
      network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] },
      ingress: { mode: "none" },
      defender: {
        enabled: true,
        image: { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "2026.11.1" },
        pccSecretArn: secretArn("PCCAccessSecret"),
        deploymentMode: "organization",
        organizationalUnitIds: ["ou-ab12-cdef3456"],
        accounts: ["111111111111", "222222222222"],
        passRoles: ["apps-*-task", "apps-*-execution"],
        credentialId: "aws-ecr-apps",
        consolePort: 8083,
        run: { mode: "scheduled", scheduleExpression: "rate(1 day)" },
      },
    }),
    "new-vpc-existing-target-group-pull-through-cache": baseEnvironment({
      name: "extg",
      ingress: { mode: "existing-target-group", targetGroupArn: TARGET_GROUP_ARN, sourceCidrs: ["172.16.1.0/24"] },
      images: { pullThroughCache: { credentialsSecretArn: secretArn("ecr-pullthroughcache/docker-hub") } },
      // A proxy as the only way out: VPC interface endpoints, S3 through its prefix list.
      proxy: { httpsUrl: "http://proxy.corp.example:3128" },
    }),
    // CE 5.0's HA path keeps working: planned beside prod's 6.1 cluster.
    "ha-existing-vpc-ce-5.0": haEnvironment({
      name: "haex",
      release: "5.0",
      network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds, "subnet-0a1b2c3d4e5f60733"] },
    }),
  };
}

/** A three-node HA environment in three zones (new VPC, HTTPS load balancer). */
export function haEnvironment(overrides: Partial<EnvironmentInput> = {}): EnvironmentInput {
  return baseEnvironment({
    name: "ha",
    variant: "ha",
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    size: { preset: "large" },
    ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN },
    ...overrides,
  });
}

/**
 * A three-node HA fixture on CE 6.1 with ECS Exec on: the offline plans read
 * its per-node resources and the ECS Exec setting as Terraform evaluates them.
 */
export function haExecEnvironment(): EnvironmentInput {
  return haEnvironment({ name: "haexec", workload: { enableExecuteCommand: true } });
}

/**
 * What the official CloudFormation template created, as an adopt-mode
 * environment needs to name it: the template's file system (encrypted with
 * the AWS managed key, general purpose, a CloudFormation creation token), its
 * two mount targets in the template's private subnets and its access points
 * (0777, uid/gid 1001). The IDs are those of the state fixture the adopt plan
 * starts from (__tests__/plan/official-template-state.ts).
 */
export const OFFICIAL_TEMPLATE = {
  stackName: "netskope-ce",
  envName: "prod",
  fileSystemId: "fs-0a1b2c3d4e5f60789",
  awsManagedEfsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/7f3e2d1c-0b9a-4876-9543-210fedcba987`,
  creationToken: "netsk-Netsk-1A2B3C4D5E6F7",
  /** The template's mount targets, one in each of EXISTING_NETWORK's private subnets, in their order. */
  mountTargetIds: ["fsmt-0a1b2c3d4e5f60701", "fsmt-0a1b2c3d4e5f60702"],
  mountTargetSecurityGroupId: "sg-0a1b2c3d4e5f60799",
  accessPoints: {
    "mongo-data": { id: "fsap-0a1b2c3d4e5f60711", path: "/data/mongo-data/data/db" },
    "custom-plugins": { id: "fsap-0a1b2c3d4e5f60712", path: "/data/custom_plugins" },
    repos: { id: "fsap-0a1b2c3d4e5f60713", path: "/data/repos" },
    "ssl-certs": { id: "fsap-0a1b2c3d4e5f60714", path: "/data/ssl_certs" },
    "rabbitmq-data": { id: "fsap-0a1b2c3d4e5f60715", path: "/data/rabbitmq-data" },
  },
} as const;

/** An environment adopting the official template's deployment, on CE 5.0 or moving to 6.1. */
export function adoptedEnvironment(release: "5.0" | "6.1" = "5.0"): EnvironmentInput {
  const kept = Object.entries(OFFICIAL_TEMPLATE.accessPoints).filter(([key]) => release === "5.0" || key !== "rabbitmq-data");
  return withExistingSecrets(
    baseEnvironment({
      name: release === "5.0" ? "adopted" : "adopted6",
      release,
      size: { preset: release === "5.0" ? "small" : "medium" },
      network: { ...EXISTING_NETWORK, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] },
      ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN },
      ...(release === "5.0" ? {} : { upgrade: { fromRelease: "5.0" } }),
      adopt: {
        fileSystemId: OFFICIAL_TEMPLATE.fileSystemId,
        kmsKeyArn: OFFICIAL_TEMPLATE.awsManagedEfsKeyArn,
        creationToken: OFFICIAL_TEMPLATE.creationToken,
        mountTargetIds: Object.fromEntries(EXISTING_NETWORK.privateSubnetIds.map((subnet, i) => [subnet, OFFICIAL_TEMPLATE.mountTargetIds[i]])),
        accessPointIds: Object.fromEntries(kept.map(([key, ap]) => [key, ap.id])),
        officialStack: {
          name: OFFICIAL_TEMPLATE.stackName,
          clusterName: `Netskope-CE-${OFFICIAL_TEMPLATE.envName}-Cluster`,
          serviceName: `NetskopeCloudExchange-${OFFICIAL_TEMPLATE.envName}`,
        },
      },
    }),
  );
}

/**
 * The fixtures some suites synthesize in one app together with the
 * environment files (the policy corpus, the offline plans), so an
 * environment file may not use their names (a test says so).
 */
export function fixturesBesideEnvironments(): EnvironmentInput[] {
  return [...Object.values(variations()), haEnvironment({ name: "hagen" }), haExecEnvironment(), adoptedEnvironment("5.0"), adoptedEnvironment("6.1")];
}

/** The standby fixtures' region. */
export const STANDBY_REGION = "eu-central-1";

/** The ARN of the standby region's replica of a primary's secret `ce/<primary>/<name>`. */
export const replica = (name: string, primary = "test") => `arn:aws:secretsmanager:${STANDBY_REGION}:${ACCOUNT}:secret:ce/${primary}/${name}-AbCdEf`;

/** A standby (`test-standby`, in STANDBY_REGION) of a fixture environment, reading its replicated secrets. */
export function standbyOf(primary: EnvironmentInput, overrides: Partial<EnvironmentInput> = {}): EnvironmentInput {
  const { replication: _primarys, ...rest } = primary as EnvironmentInput & { replication?: unknown };
  return {
    ...rest,
    name: "test-standby",
    region: STANDBY_REGION,
    availabilityZones: (primary.availabilityZones ?? []).map((z) => z.replace(primary.region, STANDBY_REGION)),
    ingress: { mode: "alb", certificateArn: `arn:aws:acm:${STANDBY_REGION}:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555` },
    secrets: { mode: "existing", jwtSecretArn: replica("jwt-secret"), maintenanceSecretArn: replica("maintenance"), clusterSecretArn: replica("cluster"), backupSecretArn: replica("backup") },
    standby: { primary: primary.name, primaryRegion: primary.region },
    ...overrides,
  } as EnvironmentInput;
}

/** The base environment `test` behind an HTTPS load balancer, replicating its file system to `test-standby`. */
export const replicatingPrimary = baseEnvironment({
  ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN },
  replication: { standby: "test-standby", region: STANDBY_REGION, fileSystemId: "fs-0b1c2d3e4f5a60789" },
} as Partial<EnvironmentInput>);
