/**
 * The environment model: one zod schema for everything an environment file
 * decides. Every field carries its description and default; the reference in
 * docs/environment-reference.md is generated from this file.
 */
import { z } from "zod";
import { cidrContains, cidrsOverlap, cidrSubnet, formatCidr, parseCidr } from "./cidr";
import { countOf, SECRET_LOOKING_NAME, showValue } from "./errors";
import { secretShapeOf } from "./secret-values";
import { checkAtLeastLogRetention, cidr, matching, retentionDays } from "./fields";
import {
  ACCOUNT_ID,
  ACM_CERTIFICATE_ARN,
  arnParts,
  AVAILABILITY_ZONE,
  ECS_CLUSTER_NAME,
  ENVIRONMENT_NAME,
  IAM_ROLE_ARN,
  IMAGE_DIGEST,
  IMAGE_REPOSITORY,
  IMAGE_TAG,
  KMS_KEY_ARN,
  NO_PROXY_ENTRY,
  partitionOf,
  REGION_NAME,
  S3_BUCKET_NAME,
  SECRET_ARN,
  SECURITY_GROUP_ID,
  SUBNET_ID,
  TAG_KEY,
  TAG_VALUE,
  TARGET_GROUP_ARN,
  VPC_ID,
} from "./patterns";
import {
  describeFargateMemory,
  isFargateTaskSize,
  MINIMUM_TASK,
  SIZE_PRESET_NAMES,
  SIZE_PRESETS,
} from "./sizing";
import { defenderSchema, checkDefender } from "./defender-schema";
import { adoptSchema, checkUpgradeAndAdoption } from "./adopt-schema";
import { policyExceptionsSchema } from "./policy-exceptions-schema";
import { checkUpgradeImageDigests, upgradeImages, upgradeSchema } from "./upgrade-schema";
import { backupSchema, checkBackup } from "./backup-schema";
import { checkRestoredFileSystem, restoredFileSystemSchema } from "./restore-schema";
import { checkStandbyAndReplication, replicationSchema, standbySchema } from "./standby-schema";
import { NACL_RULE_QUOTA, naclClientRules, PRIVATE_NACL_FIXED_RULES } from "../network/network-acl-rules";
import { DEFAULT_RELEASE, RELEASE_IDS, releaseOf } from "../releases";
import { dockerHubPath, ecrRepositoryArn } from "../workload/images";

/** ALB TLS policies that Security Hub ELB.17 accepts, TLS 1.3 capable. */
export const RECOMMENDED_TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
] as const;

/** The TLS versions Cloud Exchange's UI container accepts for `TLS_VERSION`. */
export const TLS_VERSIONS = ["TLSv1.3", "TLSv1.2 TLSv1.3"] as const;

const image = (what: string) =>
  z
    .strictObject({
      repository: matching(IMAGE_REPOSITORY)
        .optional()
        .describe(`Repository of the ${what} image. Default: the release's (its record in modules/releases).`),
      tag: matching(IMAGE_TAG).optional().describe(`Tag of the ${what} image. Default: the release's. Pin a release tag, never "latest".`),
      digest: matching(IMAGE_DIGEST)
        .optional()
        .describe(
          `Optional digest of the ${what} image; when set the task pulls repository@digest, so the bytes cannot change under the tag.`,
        ),
    })
    .prefault({})
    .describe(`The ${what} image. Default: the image of the environment's release.`);

const pullThroughCacheSchema = z
  .strictObject({
    credentialsSecretArn: matching(SECRET_ARN).describe(
      "Secret with the Docker Hub username and accessToken (the name must start with ecr-pullthroughcache/, as ECR requires).",
    ),
    repositoryPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9._-]{0,28}[a-z0-9])?$/, { error: "must be 2-30 lowercase letters, digits, dots, hyphens or underscores" })
      .optional()
      .describe("ECR repository prefix of the cache rule. Default: ce-<name>-docker-hub."),
  })
  .describe(
    "Pull Docker Hub images through an ECR pull-through cache rule in this account (no Docker Hub rate limits; images kept in ECR under immutable tags, scanned where the account's registry scanning is on).",
  );

const sizeSchema = z
  .strictObject({
    preset: z
      .enum(SIZE_PRESET_NAMES)
      .default("medium")
      .describe(
        "Size preset: medium 8 vCPU/16 GiB and large 16 vCPU/32 GiB (CE 6's Medium and Large profiles); CE 5.0 also runs extra-small 4 vCPU/8 GiB and small 8 vCPU/16 GiB.",
      ),
    cpu: z
      .number()
      .int()
      .optional()
      .describe("Override of the task CPU units (1024 = 1 vCPU); must form a Fargate task size with the memory."),
    memory: z
      .number()
      .int()
      .optional()
      .describe("Override of the task memory in MiB; must form a Fargate task size with the CPU."),
  })
  .prefault({})
  .describe("Task size of each Cloud Exchange task (each node in the HA variant).");

const flowLogsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Write VPC flow logs to a KMS-encrypted log group."),
    trafficType: z
      .enum(["ACCEPT", "REJECT", "ALL"])
      .default("ALL")
      .describe(
        "Which traffic the flow logs record. ALL records accepted connections too (outbound connections from plugin code, the exfiltration path); the official template records REJECT only.",
      ),
    retentionDays: retentionDays
      .optional()
      .describe("Retention of the flow log group, in days. Default and minimum: logs.retentionDays."),
  })
  .prefault({})
  .describe("VPC flow logs of the new VPC.");

const newNetworkSchema = z.strictObject({
  mode: z.literal("new").describe("Create a VPC with public and private subnets in every zone."),
  vpcCidr: cidr.default("172.16.0.0/16").describe("CIDR block of the new VPC."),
  privateSubnetCidrs: z
    .array(cidr)
    .optional()
    .describe(
      "Private subnet CIDRs, one per zone in zone order. Default: /24 blocks 1..n of the VPC (172.16.1.0/24, 172.16.2.0/24, ... as in the official template).",
    ),
  publicSubnetCidrs: z
    .array(cidr)
    .optional()
    .describe("Public subnet CIDRs (NAT gateways only), one per zone. Default: the /24 blocks after the private ones."),
  flowLogs: flowLogsSchema,
  s3GatewayEndpoint: z
    .boolean()
    .default(true)
    .describe("Add a (free) S3 gateway endpoint so image layers from ECR do not go through the NAT gateways."),
});

const existingNetworkSchema = z.strictObject({
  mode: z.literal("existing").describe("Deploy into an existing VPC; no network resources are created."),
  vpcId: matching(VPC_ID).describe("ID of the existing VPC."),
  vpcCidr: cidr.describe("CIDR block of the existing VPC (the default ALB allow list and proxy location)."),
  privateSubnetIds: z
    .array(matching(SUBNET_ID))
    .describe(
      "Private subnets with a route to the internet (NAT), one per zone in the order of availabilityZones. Public subnets are not needed: the load balancer is internal.",
    ),
});

const networkSchema = z
  .discriminatedUnion("mode", [newNetworkSchema, existingNetworkSchema])
  .prefault({ mode: "new" })
  .describe("Network: a new VPC (mode new) or an existing one (mode existing).");

const albIngressSchema = z.strictObject({
  mode: z.literal("alb").describe("Create an internal Application Load Balancer."),
  certificateArn: matching(ACM_CERTIFICATE_ARN)
    .optional()
    .describe(
      "ACM certificate for the HTTPS listener. With it, HTTP redirects to HTTPS; without it the ALB serves plain HTTP (not for production).",
    ),
  allowedCidrs: z
    .array(cidr)
    .min(1)
    .max(8)
    .optional()
    .describe(
      "Client networks allowed to reach the ALB on 80/443. Each network outside the VPC takes one network ACL rule per listener port; the private subnets' ACL has room for 15. Default: the VPC CIDR (the template's default).",
    ),
  sslPolicy: z
    .enum(RECOMMENDED_TLS_POLICIES)
    .optional()
    .describe(
      "TLS policy of the HTTPS listener. Default: ELBSecurityPolicy-TLS13-1-3-2021-06 for tlsVersion TLSv1.3, ELBSecurityPolicy-TLS13-1-2-2021-06 for TLSv1.2 TLSv1.3.",
    ),
  deletionProtection: z.boolean().default(true).describe("ALB deletion protection."),
  idleTimeoutSeconds: z.number().int().min(1).max(4000).default(300).describe("ALB idle timeout (template: 300)."),
  accessLogRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(3653)
    .optional()
    .describe("Days ALB access logs (and the log bucket's own access logs) are kept. Default and minimum: logs.retentionDays."),
});

const existingTargetGroupSchema = z.strictObject({
  mode: z.literal("existing-target-group").describe("Register the UI with a target group of an existing ALB."),
  targetGroupArn: matching(TARGET_GROUP_ARN).describe("ARN of the existing target group (IP targets, HTTP 3000)."),
  sourceSecurityGroupId: matching(SECURITY_GROUP_ID)
    .optional()
    .describe("Security group of the existing ALB; the task accepts port 3000 from it."),
  sourceCidrs: z
    .array(cidr)
    .min(1)
    .max(20)
    .optional()
    .describe("Alternatively, the subnets of the existing ALB; the task accepts port 3000 from them."),
});

const noIngressSchema = z.strictObject({
  mode: z.literal("none").describe("No load balancer; reach the UI with ECS Exec port forwarding (see docs)."),
});

const ingressSchema = z
  .discriminatedUnion("mode", [albIngressSchema, existingTargetGroupSchema, noIngressSchema])
  .prefault({ mode: "alb" })
  .describe("How users reach the UI: a new internal ALB, an existing target group, or none.");

/** Proxy URLs reach containers as plain variables, so they must not carry credentials. */
const proxyUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a URL such as http://proxy.example.com:3128" });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: "must use http:// or https://" });
  }
  if (url.username || url.password) {
    ctx.addIssue({
      code: "custom",
      message:
        "must not contain credentials; put the URLs with credentials in a secret and set proxy.urlsSecretArn instead",
    });
  }
});

const proxySchema = z
  .strictObject({
    httpUrl: proxyUrl.optional().describe("Proxy for outbound HTTP (HTTP_PROXY), without credentials."),
    httpsUrl: proxyUrl.optional().describe("Proxy for outbound HTTPS (HTTPS_PROXY), without credentials."),
    urlsSecretArn: matching(SECRET_ARN)
      .optional()
      .describe(
        "For a proxy that needs credentials: a JSON secret with keys HTTP_PROXY and HTTPS_PROXY, injected as secrets. Excludes httpUrl/httpsUrl.",
      ),
    ports: z
      .array(z.number().int().min(1).max(65535))
      .min(1)
      .max(5)
      .optional()
      .describe("Proxy ports the tasks may reach. Default: the ports of httpUrl/httpsUrl. Required with urlsSecretArn."),
    egressCidrs: z
      .array(cidr)
      .min(1)
      .max(10)
      .optional()
      .describe("Where the proxy is: the tasks may reach the proxy ports there. Default: the VPC CIDR."),
    noProxy: z
      .array(matching(NO_PROXY_ENTRY))
      .max(30)
      .default([])
      .describe("Extra NO_PROXY entries; localhost, the task metadata endpoints and the HA namespace are always added."),
    awsServiceAccess: z
      .enum(["vpc-endpoints", "direct"])
      .default("vpc-endpoints")
      .describe(
        "How the tasks reach the AWS APIs ECS needs (ECR, S3 for image layers, CloudWatch Logs, Secrets Manager, ECS Exec). vpc-endpoints: through interface endpoints in the VPC (created in a new VPC) and the S3 gateway endpoint, so the proxy is the only way out. direct: HTTPS to anywhere besides the proxy.",
      ),
    s3PrefixListId: z
      .string()
      .regex(/^pl-[0-9a-f]{8,17}$/, { error: "must be a prefix list ID such as pl-63a5400a" })
      .optional()
      .describe(
        "Existing VPC with vpc-endpoints: the S3 prefix list (com.amazonaws.<region>.s3) its gateway endpoint routes; the VPC must already have interface endpoints with private DNS for ecr.api, ecr.dkr, logs, secretsmanager (and ssmmessages for ECS Exec).",
      ),
  })
  .describe(
    "Outbound proxy for Cloud Exchange. With a proxy the tasks reach the proxy and, by default, the AWS APIs through VPC endpoints, and nothing else.",
  );

const generatedSecretsSchema = z.strictObject({
  mode: z
    .literal("generate")
    .describe(
      "Generate the JWT secret, maintenance password and cluster keys into Secrets Manager (Secrets Manager's own generator, through ephemeral values and write-only arguments: no value in the Terraform state or a saved plan).",
    ),
  recoveryWindowDays: z
    .number()
    .int()
    .min(7)
    .max(30)
    .default(30)
    .describe("Days a deleted secret can still be restored."),
});

const existingSecretsSchema = z.strictObject({
  mode: z.literal("existing").describe("Use secrets that already exist (see docs/secrets.md for their layout)."),
  jwtSecretArn: matching(SECRET_ARN).describe("Secret whose string is the JWT signing secret."),
  maintenanceSecretArn: matching(SECRET_ARN).describe(
    "JSON secret with MAINTENANCE_PASSWORD, MAINTENANCE_PASSWORD_ESCAPED, MONGO_CONNECTION_STRING and RABBITMQ_CONNECTION_STRING.",
  ),
  clusterSecretArn: matching(SECRET_ARN).describe(
    "JSON secret with RABBITMQ_COOKIE, MONGO_REPLICA_KEY and MONGO_ROOT_PASSWORD (root's former password; set it to the maintenance password).",
  ),
  kmsKeyArn: matching(KMS_KEY_ARN)
    .optional()
    .describe("Customer managed KMS key of these secrets, if any; the task execution role may decrypt with it."),
  backupSecretArn: matching(SECRET_ARN)
    .optional()
    .describe(
      "JSON secret with MONGO_BACKUP_PASSWORD, the password of MongoDB's backup user the logical dump logs in as. Default: none, and no logical dump (the file-level backup still runs).",
    ),
});

const secretsSchema = z
  .discriminatedUnion("mode", [generatedSecretsSchema, existingSecretsSchema])
  .prefault({ mode: "generate" })
  .describe("Where the JWT secret, maintenance password and cluster keys come from.");

const applicationSchema = z
  .strictObject({
    maxMaintenanceWindowMinutes: z.number().int().min(1).max(1440).default(15).describe("MAX_MAINTENANCE_WINDOW_MINUTES."),
    pullThreads: z.number().int().min(1).max(64).default(4).describe("PULL_THREADS."),
    maxWaitOnLockInMinutes: z.number().int().min(1).max(10080).default(240).describe("MAX_WAIT_ON_LOCK_IN_MINUTES."),
    requestsTimeoutSeconds: z.number().int().min(1).max(3600).default(300).describe("REQUESTS_TIMEOUT."),
    popenTimeoutSeconds: z.number().int().min(1).max(86400).default(1800).describe("POPEN_TIMEOUT."),
    coreLatestVersionTag: z
      .string()
      .regex(/^[a-z0-9./_-]+:[A-Za-z0-9_.-]+$/, { error: "must be an image reference such as repo/name:tag" })
      .optional()
      .describe("CORE_LATEST_VERSION_TAG, the image core checks for updates (CE 5.0 and 6.0 only). Default: the release's."),
    uiLatestVersionTag: z
      .string()
      .regex(/^[a-z0-9./_-]+:[A-Za-z0-9_.-]+$/, { error: "must be an image reference such as repo/name:tag" })
      .optional()
      .describe("UI_LATEST_VERSION_TAG (CE 5.0 and 6.0 only). Default: the release's."),
    analyticsBaseUrl: z
      .url({ protocol: /^https$/, error: "must be an https:// URL" })
      .optional()
      .describe("ANALYTICS_BASE_URL (CE 5.0 and 6.0 only). Default: https://reporting.netskope.tech."),
    extraEnvironment: z
      .record(
        z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: "must be an upper-case variable name" }),
        z.string().max(1024),
      )
      .default({})
      .describe(
        "Additional non-secret variables for the core container. Names that look secret (PASSWORD, SECRET, TOKEN, KEY) and values that do (access keys, tokens, JWTs, private keys, URLs with a password, long random strings) belong in secretEnvironment; names the stack manages are rejected.",
      ),
    secretEnvironment: z
      .record(
        z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: "must be an upper-case variable name" }),
        z.strictObject({
          secretArn: matching(SECRET_ARN).describe("Secret holding the value."),
          jsonKey: z
            .string()
            .regex(/^[A-Za-z0-9_.-]{1,128}$/, { error: "must be a JSON key of the secret (letters, digits, _ . -)" })
            .optional()
            .describe("Key of a JSON secret; default: the whole secret string."),
          kmsKeyArn: matching(KMS_KEY_ARN)
            .optional()
            .describe("Customer managed key of the secret, if any: the task execution role may decrypt with it, through Secrets Manager only."),
        }),
      )
      .default({})
      .describe(
        "Core variables whose values come from Secrets Manager through ECS secrets, never as plain values: ANALYTICS_TOKEN (which official CE deployments set) and any other secret. The execution role may read exactly these secrets (and decrypt with their kmsKeyArn through Secrets Manager).",
      ),
  })
  .prefault({})
  .describe("Cloud Exchange settings passed to the core container.");

const alarmsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Create the CloudWatch alarms and their SNS topic."),
    emails: z.array(z.email({ error: "must be an e-mail address" })).max(10).default([]).describe("E-mail subscribers of the alarm topic."),
    cpuUtilizationPercent: z.number().min(1).max(100).default(85).describe("CPU alarm threshold."),
    memoryUtilizationPercent: z.number().min(1).max(100).default(85).describe("Memory alarm threshold."),
    evaluationPeriods: z.number().int().min(1).max(24).default(3).describe("Consecutive 5-minute periods before an alarm fires."),
  })
  .prefault({})
  .describe("Alarms: running tasks below desired, unhealthy targets, CPU and memory high (and replica-set member down for HA).");

const stateSchema = z
  .strictObject({
    bucket: matching(S3_BUCKET_NAME).describe("S3 bucket holding Terraform state (create it with the ce-state-bootstrap stack)."),
    region: matching(REGION_NAME).describe("Region of the state bucket."),
    kmsKeyArn: matching(KMS_KEY_ARN)
      .optional()
      .describe(
        "KMS key every state object is written with. Default: the key the ce-state-bootstrap stack creates for the bucket (alias/ce-tfstate-<bucket>).",
      ),
    writers: z
      .array(matching(IAM_ROLE_ARN))
      .max(10)
      .default([])
      .describe(
        "Roles that deploy this environment (pipeline roles, member-account roles of the Defender updater). The state bucket policy confines them to cloud-exchange/<name>/ and lets them use the state key, also across accounts. Default: none (access through IAM alone).",
      ),
  })
  .describe(
    "Remote state: S3 backend, SSE-KMS with a named key on every object, S3-native locking; key cloud-exchange/<name>/terraform.tfstate.",
  );

const haSchema = z
  .strictObject({
    namespace: z
      .string()
      .regex(/^(?=.{1,200}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/, {
        error: "must be a private DNS domain such as prod.cloudexchange.internal",
      })
      .optional()
      .describe(
        "Cloud Map private DNS namespace of the nodes (standalone: of its one node, node-1, which the logical backup reaches). Default: <name>.cloudexchange.internal; a standby's default is its primary's.",
      ),
  })
  .prefault({})
  .describe("Node names: the Cloud Map namespace of the HA nodes, and of the standalone node.");

/** The schema of an environment file, before cross-field checks. */
export const environmentObject = z.strictObject({
  name: matching(ENVIRONMENT_NAME).describe("Environment name; the stack is ce-<name> and resource names start with ce-<name>."),
  accountId: matching(ACCOUNT_ID).describe(
    "AWS account of the environment. The provider refuses any other account (allowed_account_ids).",
  ),
  region: matching(REGION_NAME).describe("AWS region of the environment."),
  availabilityZones: z
    .array(matching(AVAILABILITY_ZONE))
    .min(2)
    .max(3)
    .describe("Availability zones, named explicitly: 2 or 3 for standalone, exactly 3 for ha."),
  release: z
    .enum(RELEASE_IDS)
    .default(DEFAULT_RELEASE)
    .describe(
      "Cloud Exchange release: 6.1 (supported), 6.0 (6.0.1), or 5.0 (the official template's, end of life 2026-01-31; kept for parity and the upgrade path). Each is one record in modules/releases.",
    ),
  variant: z
    .enum(["standalone", "ha"])
    .default("standalone")
    .describe("standalone: one task with all four containers. ha: three nodes with a MongoDB replica set and a RabbitMQ cluster."),
  size: sizeSchema,
  network: networkSchema,
  images: z
    .strictObject({
      core: image("core"),
      ui: image("ui"),
      mongodb: image("MongoDB"),
      rabbitmq: image("RabbitMQ"),
      registryCredentialsSecretArn: matching(SECRET_ARN)
        .optional()
        .describe("Secret with username/password for a private registry (e.g. Docker Hub), used as repositoryCredentials."),
      pullThroughCache: pullThroughCacheSchema.optional(),
      requireDigests: z
        .boolean()
        .default(false)
        .describe(
          "Refuse any image without a digest, so what runs cannot change under a re-pushed tag. `npm run pin-images` prints the images pinned by the digests their registries serve.",
        ),
    })
    .prefault({})
    .describe(
      "Container images. Defaults: the release's (CE 6.x from Docker Hub, netskopetechnicalalliances/cloudexchange; CE 5.0 from the AWS Marketplace registry, which needs the Marketplace subscription).",
    ),
  ingress: ingressSchema,
  tlsVersion: z.enum(TLS_VERSIONS).default("TLSv1.3").describe("TLS_VERSION of the UI, and the ALB TLS policy default."),
  internalTls: z
    .strictObject({
      renewBeforeDays: z
        .number()
        .int()
        .min(7)
        .max(180)
        .default(30)
        .describe("A task start renews the generated certificates when they expire within this many days; the expiry alarm fires below it."),
      rotation: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe("Raise this number and deploy to renew the generated leaf and UI certificates now (docs/runbooks.md)."),
    })
    .prefault({})
    .describe("TLS inside the task (CE 6.x): the init container generates a CA, one certificate for MongoDB, RabbitMQ and core, and the UI's certificate, on EFS."),
  proxy: proxySchema.optional(),
  egressRules: z
    .array(
      z.strictObject({
        port: z.number().int().min(1).max(65535).describe("TCP port."),
        cidr: cidr.describe("Destination network."),
        description: z
          .string()
          .regex(/^[A-Za-z0-9 ._:/()#,@\[\]+=&;{}!$*-]{1,200}$/, { error: "must be 1-200 characters allowed in security group rule descriptions" })
          .describe("Why the rule exists (shown on the rule)."),
      }),
    )
    .max(20)
    .default([])
    .describe("Extra outbound TCP rules for the tasks, e.g. syslog to a SIEM (the Log Shipper) on 514/6514."),
  caCertificateSecretArn: matching(SECRET_ARN)
    .optional()
    .describe(
      "Secret holding a PEM CA certificate (e.g. of a TLS-inspecting proxy); written to core's CA directory as cert.pem at start.",
    ),
  secrets: secretsSchema,
  iam: z
    .strictObject({
      executionRoleArn: matching(IAM_ROLE_ARN).optional().describe("Existing task execution role instead of a new one."),
      taskRoleArn: matching(IAM_ROLE_ARN).optional().describe("Existing task role instead of a new one."),
      permissionsBoundaryName: z
        .string()
        .regex(/^[\w+=,.@-]{1,128}$/, { error: "must be an IAM policy name (letters, digits and + = , . @ _ -, up to 128)" })
        .optional()
        .describe(
          "Name of a customer managed policy every role the environment's stacks create carries as its permissions boundary, in each account they create roles in (examples/pipeline/ generates it: the deploy role may create roles only with it). Default: no boundary.",
        ),
    })
    .prefault({})
    .describe("Existing IAM roles, for accounts where the deployer may not create roles, and the permissions boundary of the roles the stacks create."),
  cluster: z
    .strictObject({
      existingClusterName: matching(ECS_CLUSTER_NAME).optional().describe("Run in this existing ECS cluster instead of a new one."),
    })
    .prefault({})
    .describe("ECS cluster: a new one with Container Insights (default) or an existing one."),
  workload: z
    .strictObject({
      platformVersion: z
        .enum(["1.4.0", "LATEST"])
        .default("1.4.0")
        .describe("Fargate platform version; EFS volumes and 8/16 vCPU tasks need 1.4.0."),
      enableExecuteCommand: z
        .boolean()
        .default(false)
        .describe(
          "ECS Exec (audited, KMS-encrypted sessions). Off by default: a session reads every secret the containers hold. Turn it on for a break-glass session and off again (docs/runbooks.md).",
        ),
    })
    .prefault({})
    .describe("ECS service settings."),
  storage: z
    .strictObject({
      throughputMode: z.enum(["elastic", "bursting"]).default("elastic").describe("EFS throughput mode."),
      restoredFileSystem: restoredFileSystemSchema.optional(),
    })
    .prefault({})
    .describe("EFS file system settings."),
  application: applicationSchema,
  logs: z
    .strictObject({ retentionDays: retentionDays.default(365).describe("Retention of the container log group, in days.") })
    .prefault({})
    .describe("Container logs."),
  alarms: alarmsSchema,
  state: stateSchema,
  tags: z
    .record(matching(TAG_KEY), matching(TAG_VALUE))
    .default({})
    .describe("Tags on every resource (with Project, Environment, Variant and ManagedBy, which the stack sets)."),
  protection: z
    .strictObject({
      allowDestroy: z
        .boolean()
        .default(false)
        .describe(
          "false: stateful resources carry prevent_destroy and the ALB deletion protection. Set true, apply, then destroy, to remove an environment on purpose.",
        ),
    })
    .prefault({})
    .describe("Protection of stateful resources."),
  ha: haSchema,
  defender: defenderSchema,
  upgrade: upgradeSchema,
  adopt: adoptSchema.optional(),
  backup: backupSchema,
  standby: standbySchema,
  replication: replicationSchema,
  policyExceptions: policyExceptionsSchema,
});

/**
 * Variables the stack sets on the core container itself, in any release (a
 * test checks every release's core variables against this list).
 */
export const MANAGED_CORE_VARIABLES = [
  "JWT_ALGORITHM",
  "ENABLE_CELERY_BEAT",
  "MAX_MAINTENANCE_WINDOW_MINUTES",
  "PULL_THREADS",
  "MAX_WAIT_ON_LOCK_IN_MINUTES",
  "REQUESTS_TIMEOUT",
  "POPEN_TIMEOUT",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "HA_ENABLED",
  "HA_IP_LIST",
  "HA_CURRENT_NODE",
  "HA_PRIMARY_NODE_IP",
  "UI_PROTOCOL",
  "UI_PORT",
  "JWT_SECRET",
  "CHAINLIT_AUTH_SECRET",
  "MONGO_CONNECTION_STRING",
  "RABBITMQ_CONNECTION_STRING",
  // CE 5.0
  "RABBITMQ_AVAILABLE_STORAGE",
  "UI_SERVICE_NAME",
  "MANAGED_CE",
  "CORE_LATEST_VERSION_TAG",
  "UI_LATEST_VERSION_TAG",
  "ANALYTICS_BASE_URL",
  // CE 6.x
  "ANALYTICS_SERVER_CONNECTIVITY",
  "CORE_TAG",
  "UI_TAG",
  "BETA_OPT_IN",
  "RESTART_ON_HEALTHCHECK_FAILURE",
  "HEALTHCHECK_FREE_DISK_SPACE_LIMIT",
  "HEALTHCHECK_FREE_DISK_SPACE_PATH",
  "INSTALL_VERSION",
  "CE_PROFILE",
  "PROMOTION_BANNERS_FILE_LOCATION",
  "MAINTENANCE_PASSWORD_ESCAPED",
  "CE_MONGO_CONNECTION_TEMPLATE",
  "CE_RABBITMQ_CONNECTION_TEMPLATE",
  "PLATFORM_PROVIDER",
  "CE_AS_VM",
  "MONGO_CURRENT_VERSION",
  "TLS_VERSION",
] as const;

type EnvironmentObject = z.output<typeof environmentObject>;

/** Task size after applying an override to the preset. */
export function taskSizeOf(size: EnvironmentObject["size"]): { cpu: number; memory: number } {
  const preset = SIZE_PRESETS[size.preset];
  return { cpu: size.cpu ?? preset.cpu, memory: size.memory ?? preset.memory };
}

/** Default subnet layout of a new VPC: private blocks 1..n, public blocks n+1..2n. */
export function defaultSubnetCidrs(vpcCidr: string, zones: number): { private: string[]; public: string[] } | undefined {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) return undefined;
  const subnetPrefix = Math.max(24, vpc.prefix + 3);
  if (subnetPrefix > 28) return undefined;
  const bits = subnetPrefix - vpc.prefix;
  const at = (i: number) => formatCidr(cidrSubnet(vpc, bits, i));
  const indexes = Array.from({ length: zones }, (_, i) => i + 1);
  return { private: indexes.map(at), public: indexes.map((i) => at(i + zones)) };
}

/** Nodes of the HA variant: one per availability zone. */
export const HA_NODE_COUNT = 3;

/** Checks that span several fields; each problem is reported at the field that must change. */
function checkEnvironment(env: EnvironmentObject, ctx: z.RefinementCtx): void {
  // The value shown as "(got ...)" is the one at the path when it is a plain value; never the whole environment.
  const problem = (path: (string | number)[], message: string) => {
    const value = path.reduce<unknown>((at, key) => (at && typeof at === "object" ? (at as Record<string | number, unknown>)[key] : undefined), env);
    ctx.addIssue({ code: "custom", path, message, input: value !== null && typeof value !== "object" ? value : undefined });
  };
  const zones = env.availabilityZones;

  zones.forEach((zone, i) => {
    if (!zone.startsWith(env.region)) problem(["availabilityZones", i], `must be a zone of region ${env.region}`);
    if (zones.indexOf(zone) !== i) problem(["availabilityZones", i], "is listed twice");
  });
  if (env.variant === "ha" && zones.length !== HA_NODE_COUNT) {
    problem(["availabilityZones"], `must list exactly ${HA_NODE_COUNT} zones for variant ha (one node per zone)`);
  }

  const sameAccount = (path: (string | number)[], arn: string | undefined, sameRegion: boolean) => {
    if (!arn) return;
    const parts = arnParts(arn);
    if (parts.account !== env.accountId) problem(path, `must belong to account ${env.accountId} (got account ${parts.account})`);
    else if (sameRegion && parts.region !== env.region) problem(path, `must be in region ${env.region} (got ${parts.region})`);
    const partition = arn.split(":")[1];
    if (partition !== partitionOf(env.region)) problem(path, `must be in partition ${partitionOf(env.region)}`);
  };
  const release = releaseOf(env.release);
  const sizing = release.sizing;
  const { cpu, memory } = taskSizeOf(env.size);
  if (!sizing.presets.includes(env.size.preset)) {
    problem(["size", "preset"], `${sizing.refusal ?? "is not offered by this release"}; use ${sizing.presets.join(" or ")} (got "${env.size.preset}" with release ${release.id})`);
  } else if (sizing.cpuUnits.length > 0 && !sizing.cpuUnits.includes(cpu)) {
    problem(["size", "cpu"], `must be ${sizing.cpuUnits.join(" or ")} for release ${release.id}: ${sizing.refusal ?? "the release checks the CPU count"} (got ${cpu})`);
  } else if (!isFargateTaskSize(cpu, memory)) {
    const field = env.size.memory !== undefined ? "memory" : "cpu";
    problem(["size", field], `${describeFargateMemory(cpu)} (got cpu ${cpu}, memory ${memory})`);
  } else if (cpu < MINIMUM_TASK.cpu || memory < MINIMUM_TASK.memory) {
    problem(["size"], `must give at least ${MINIMUM_TASK.cpu} CPU units and ${MINIMUM_TASK.memory} MiB for Cloud Exchange's four services`);
  }
  for (const setting of ["coreLatestVersionTag", "uiLatestVersionTag", "analyticsBaseUrl"] as const) {
    if (env.application[setting] !== undefined && !release.core.settings.includes(setting)) {
      problem(["application", setting], `is not used by CE ${release.id} (its core no longer reads the variable); remove it`);
    }
  }
  if (env.images.requireDigests) {
    for (const name of ["core", "ui", "mongodb", "rabbitmq"] as const) {
      if (!env.images[name].digest) problem(["images", name, "digest"], "is required by images.requireDigests (run npm run pin-images to read it from the registry)");
    }
  }
  checkUpgradeImageDigests(env, problem);
  const cache = env.images.pullThroughCache;
  if (cache) {
    sameAccount(["images", "pullThroughCache", "credentialsSecretArn"], cache.credentialsSecretArn, true);
    if (!/:secret:ecr-pullthroughcache\//.test(cache.credentialsSecretArn)) {
      problem(["images", "pullThroughCache", "credentialsSecretArn"], "must name a secret whose name starts with ecr-pullthroughcache/ (ECR accepts no other for a cache rule)");
    }
    if (env.images.registryCredentialsSecretArn) {
      problem(["images", "registryCredentialsSecretArn"], "excludes images.pullThroughCache: ECR pulls through the cache with the task's own role");
    }
  }

  const network = env.network;
  if (network.mode === "new") checkAtLeastLogRetention(["network", "flowLogs", "retentionDays"], network.flowLogs.retentionDays, env.logs.retentionDays, problem);
  if (env.ingress.mode === "alb") checkAtLeastLogRetention(["ingress", "accessLogRetentionDays"], env.ingress.accessLogRetentionDays, env.logs.retentionDays, problem);

  if (network.mode === "new") {
    const vpc = parseCidr(network.vpcCidr);
    if (vpc && (vpc.prefix < 16 || vpc.prefix > 24)) problem(["network", "vpcCidr"], "must be a /16 to /24 block");
    const subnets: { path: (string | number)[]; value: string }[] = [];
    for (const key of ["privateSubnetCidrs", "publicSubnetCidrs"] as const) {
      const list = network[key];
      if (list === undefined) continue;
      if (list.length !== zones.length) {
        problem(["network", key], `must list ${zones.length} CIDRs, one per availability zone (got ${list.length})`);
      }
      list.forEach((value, i) => subnets.push({ path: ["network", key, i], value }));
    }
    if ((network.privateSubnetCidrs === undefined || network.publicSubnetCidrs === undefined) && vpc) {
      if (!defaultSubnetCidrs(network.vpcCidr, zones.length)) {
        problem(["network", "vpcCidr"], "is too small for the default subnet layout; give privateSubnetCidrs and publicSubnetCidrs");
      }
    }
    if (vpc) {
      subnets.forEach((subnet, i) => {
        const block = parseCidr(subnet.value);
        if (!block) return;
        if (!cidrContains(vpc, block)) problem(subnet.path, `must lie inside the VPC CIDR ${network.vpcCidr}`);
        else if (block.prefix > 28) problem(subnet.path, "must be /28 or larger");
        for (const earlier of subnets.slice(0, i)) {
          const other = parseCidr(earlier.value);
          if (other && cidrsOverlap(block, other)) {
            problem(subnet.path, `overlaps ${earlier.path.slice(1).join(".")} (${earlier.value})`);
            break;
          }
        }
      });
    }
  } else {
    if (network.privateSubnetIds.length !== zones.length) {
      problem(["network", "privateSubnetIds"], `must list ${zones.length} subnets, one per availability zone (got ${network.privateSubnetIds.length})`);
    }
    network.privateSubnetIds.forEach((id, i) => {
      if (network.privateSubnetIds.indexOf(id) !== i) problem(["network", "privateSubnetIds", i], "is listed twice");
    });
  }



  const ingress = env.ingress;
  if (network.mode === "new") {
    // The private subnets' ACL admits clients outside the VPC rule by rule (modules/network/network-acl-rules.ts).
    const listed =
      ingress.mode === "alb"
        ? { path: ["ingress", "allowedCidrs"], ports: ingress.certificateArn ? [443, 80] : [80], cidrs: ingress.allowedCidrs ?? [] }
        : ingress.mode === "existing-target-group"
          ? { path: ["ingress", "sourceCidrs"], ports: [3000], cidrs: ingress.sourceCidrs ?? [] }
          : undefined;
    const rules = listed ? naclClientRules(network.vpcCidr, listed.cidrs.map((cidr) => ({ cidr, ports: listed.ports }))).length : 0;
    const room = NACL_RULE_QUOTA - PRIVATE_NACL_FIXED_RULES;
    if (listed && rules > room) {
      problem(
        listed.path,
        `needs ${rules} network ACL rules for the networks outside the VPC (${listed.ports.length} each); the private subnets' ACL has room for ${room} beside its ${PRIVATE_NACL_FIXED_RULES} fixed rules (AWS allows ${NACL_RULE_QUOTA}): merge networks into larger blocks`,
      );
    }
    if (ingress.mode === "existing-target-group" && !ingress.sourceCidrs) {
      problem(
        ["ingress", "sourceCidrs"],
        "is required with a new VPC: the existing load balancer is outside it, and the private subnets' network ACL admits the UI port only from the networks listed here",
      );
    }
  }
  if (ingress.mode === "alb") {
    sameAccount(["ingress", "certificateArn"], ingress.certificateArn, true);
  } else if (ingress.mode === "existing-target-group") {
    sameAccount(["ingress", "targetGroupArn"], ingress.targetGroupArn, true);
    if (!ingress.sourceSecurityGroupId && !ingress.sourceCidrs) {
      problem(["ingress"], "needs sourceSecurityGroupId or sourceCidrs: where the existing load balancer connects from");
    }
  }

  if (env.secrets.mode === "existing") {
    const arns: [string, string][] = [
      ["jwtSecretArn", env.secrets.jwtSecretArn],
      ["maintenanceSecretArn", env.secrets.maintenanceSecretArn],
      ["clusterSecretArn", env.secrets.clusterSecretArn],
    ];
    if (env.secrets.backupSecretArn) arns.push(["backupSecretArn", env.secrets.backupSecretArn]);
    arns.forEach(([key, arn], i) => {
      sameAccount(["secrets", key], arn, true);
      const twin = arns.slice(0, i).find(([, other]) => other === arn);
      if (twin) problem(["secrets", key], `must differ from secrets.${twin[0]}`);
    });
    sameAccount(["secrets", "kmsKeyArn"], env.secrets.kmsKeyArn, true);
  }
  sameAccount(["caCertificateSecretArn"], env.caCertificateSecretArn, false);
  sameAccount(["images", "registryCredentialsSecretArn"], env.images.registryCredentialsSecretArn, false);
  sameAccount(["iam", "executionRoleArn"], env.iam.executionRoleArn, false);
  sameAccount(["iam", "taskRoleArn"], env.iam.taskRoleArn, false);

  const proxy = env.proxy;
  if (proxy) {
    sameAccount(["proxy", "urlsSecretArn"], proxy.urlsSecretArn, false);
    if (proxy.urlsSecretArn && (proxy.httpUrl || proxy.httpsUrl)) {
      problem(["proxy", "urlsSecretArn"], "excludes httpUrl and httpsUrl: give the URLs either in the secret or in the file");
    }
    if (!proxy.urlsSecretArn && !proxy.httpUrl && !proxy.httpsUrl) {
      problem(["proxy"], "needs httpUrl, httpsUrl or urlsSecretArn");
    }
    if (proxy.urlsSecretArn && !proxy.ports) {
      problem(["proxy", "ports"], "is required with urlsSecretArn (the ports cannot be read from the secret)");
    }
    if (proxy.awsServiceAccess === "vpc-endpoints") {
      if (network.mode === "new" && !network.s3GatewayEndpoint) {
        problem(["network", "s3GatewayEndpoint"], "must be true with a proxy and proxy.awsServiceAccess vpc-endpoints: image layers come from S3 through it");
      }
      if (network.mode === "existing" && !proxy.s3PrefixListId) {
        problem(["proxy", "s3PrefixListId"], "is required in an existing VPC with proxy.awsServiceAccess vpc-endpoints: the tasks reach S3 only through the VPC's gateway endpoint");
      }
      if (network.mode === "new" && proxy.s3PrefixListId) {
        problem(["proxy", "s3PrefixListId"], "is for an existing VPC; the new VPC's S3 gateway endpoint gives its own");
      }
      // Fargate pulls images through the task's network, not through the proxy.
      const release = releaseOf(env.release);
      for (const { path, repository } of [
        ...(["core", "ui", "mongodb", "rabbitmq"] as const).map((name) => ({ path: ["images", name, "repository"], repository: env.images[name].repository ?? release.images[name].repository })),
        ...upgradeImages(env.upgrade).map(({ path, image }) => ({ path: [...path, "repository"], repository: image.repository })),
      ]) {
        if (dockerHubPath(repository) !== undefined && env.images.pullThroughCache) continue;
        const ecr = ecrRepositoryArn({ repository, tag: "x" });
        if (!ecr || ecr.split(":")[3] !== env.region) {
          problem(
            path,
            `must be an ECR repository in ${env.region}, or a Docker Hub image with images.pullThroughCache set, when a proxy is the only way out: Fargate pulls images without the proxy, through the VPC endpoints (got ${showValue(repository)})`,
          );
        }
      }
    }
  }

  for (const [name, value] of Object.entries(env.application.extraEnvironment)) {
    const shape = secretShapeOf(value);
    if (shape && !SECRET_LOOKING_NAME.test(name)) {
      // The message describes the value instead of showing it: it must not repeat the secret.
      ctx.addIssue({
        code: "custom",
        path: ["application", "extraEnvironment", name],
        message: `has a value that looks like a secret (${shape}): put it in Secrets Manager and give it as application.secretEnvironment.${name} ({ secretArn, jsonKey? }), never as a plain variable (got ${countOf(value.length, "character")}, not shown because the value looks secret)`,
      });
    }
    if ((MANAGED_CORE_VARIABLES as readonly string[]).includes(name)) {
      problem(["application", "extraEnvironment", name], "is set by the stack; use the dedicated field instead");
    } else if (SECRET_LOOKING_NAME.test(name)) {
      problem(
        ["application", "extraEnvironment", name],
        `looks like a secret: put it in Secrets Manager and give it as application.secretEnvironment.${name} ({ secretArn, jsonKey? }), never as a plain variable`,
      );
    }
  }
  for (const [name, secret] of Object.entries(env.application.secretEnvironment)) {
    if ((MANAGED_CORE_VARIABLES as readonly string[]).includes(name)) {
      problem(["application", "secretEnvironment", name], "is set by the stack; use the dedicated field instead");
    } else if (name in env.application.extraEnvironment) {
      problem(["application", "secretEnvironment", name], "is also in application.extraEnvironment; give it once");
    }
    sameAccount(["application", "secretEnvironment", name, "secretArn"], secret.secretArn, true);
    sameAccount(["application", "secretEnvironment", name, "kmsKeyArn"], secret.kmsKeyArn, true);
  }

  if (Object.keys(env.tags).length > 40) problem(["tags"], "must have at most 40 entries (AWS allows 50; the stack adds its own)");

  checkDefender(env, problem);
  checkUpgradeAndAdoption(env, release, problem);
  checkBackup(env, release.tls !== undefined, problem);
  checkRestoredFileSystem(env, problem);
  checkStandbyAndReplication(env, problem);
}

/**
 * The environment schema with cross-field checks. Parse input with
 * {@link parseEnvironment}. The cross-field checks run once every field is
 * valid on its own: they compare fields (a zone with the region, an ARN with
 * the account), which means nothing while one of them is malformed.
 */
export const environmentSchema = environmentObject.superRefine(checkEnvironment, {
  when: (payload) => payload.issues.length === 0,
});

/** What an environment file contains (defaults optional). */
export type EnvironmentInput = z.input<typeof environmentObject>;
/** A validated environment with every default applied. */
export type Environment = z.output<typeof environmentObject>;
