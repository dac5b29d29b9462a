/**
 * The CE 6.1 task (the default release) pins the container contract CE 6.1
 * needs (docs/task-contract.md, from ta_cloud_exchange v6.1.0): Netskope's
 * images, no load_env.sh, TLS between the containers, RabbitMQ on TLS only
 * with CE's configuration and feature flags, MongoDB with CE's TLS flags,
 * the connection strings and passwords only as ECS secrets, CE 6's memory
 * split, the new mounts, and the UI on HTTPS. Each expectation is one fact
 * of the contract; breaking any one fails a test.
 */
import { CE_QUORUM_QUEUES, RABBITMQ_FEATURE_FLAGS } from "../../modules/releases/ce-6.1";
import { releaseOf } from "../../modules/releases";
import { containerShares } from "../../modules/workload/container-definitions";
import { baseEnvironment, CERTIFICATE_ARN } from "../support/fixtures";
import { problemsOf } from "../../modules/config";
import { containerNamed, containersOf, onlyResource, ref, resourceNamed, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const envOf = (container: any) => Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));
const mountsOf = (container: any) => container.mountPoints.map((m: any) => `${m.sourceVolume}:${m.containerPath}${m.readOnly ? ":ro" : ""}`);
const CERTS = "/opt/certs/mongodb_rabbitmq_certs";
const HUB = "netskopetechnicalalliances/cloudexchange";

describe("CE 6.1 task definition", () => {
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
  const task = workloadTaskDefinition(stack);
  const containers = containersOf(task);
  const conf = envOf(containerNamed(task, "init")).CE_RABBITMQ_CONF as string;

  it("runs the Medium profile on an x86-64 Fargate task by default", () => {
    expect(task).toMatchObject({ cpu: "8192", memory: "16384", runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "X86_64" } });
  });

  it("runs the same containers as CE 5.0, with the essential ones marked", () => {
    expect(containers.map((c) => [c.name, c.essential])).toEqual([
      ["init", false],
      ["core-init", false],
      ["mongodb", true],
      ["rabbitmq", true],
      ["core", true],
      ["ui", true],
    ]);
  });

  it("pulls Netskope's 6.1.0 images from Docker Hub, pinned per release (no *-latest)", () => {
    expect(Object.fromEntries(containers.map((c) => [c.name, c.image]))).toEqual({
      init: `${HUB}:rabbitmq6-6.1.0-4.2.2`,
      "core-init": `${HUB}:core6-6.1.0`,
      mongodb: `${HUB}:mongo6-6.1.0-8.0.18`,
      rabbitmq: `${HUB}:rabbitmq6-6.1.0-4.2.2`,
      core: `${HUB}:core6-6.1.0`,
      ui: `${HUB}:ui6-6.1.0`,
    });
    expect(task.container_definitions).not.toMatch(/-latest/);
  });

  it("sources load_env.sh nowhere (it would blank every secret ECS injects)", () => {
    expect(task.container_definitions).not.toMatch(/(source|\s\.)\s+\S*load_env/);
    // Core's entrypoint composes the connection strings, then runs CE's /opt/start.sh.
    expect(containerNamed(task, "core").entryPoint.slice(-2)).toEqual(["core-entrypoint", "/opt/start.sh"]);
    expect(containerNamed(task, "ui").entryPoint).toEqual(["/bin/bash", "-c", "exec ./start.sh"]);
  });

  it("serves AMQP and the management API on TLS only: 5671 and 15671, never 5672 or 15672", () => {
    const ports = Object.fromEntries(containers.map((c) => [c.name, c.portMappings.map((p: any) => p.containerPort)]));
    expect(ports).toMatchObject({ mongodb: [27017], rabbitmq: [5671, 15671], core: [8000], ui: [3000] });
    expect(conf).toContain("listeners.tcp = none");
    expect(conf).toContain("listeners.ssl.default = 5671");
    expect(conf).toContain("management.ssl.port = 15671");
    expect(conf).not.toMatch(/management\.tcp|listeners\.tcp\.default|5672/);
  });

  it("writes CE 6.1's custom.conf with RabbitMQ's memory share filled in", () => {
    const lines = conf.split("\n");
    for (const line of [
      "consumer_timeout = 2592000000",
      "disk_free_limit.absolute = 3072MB",
      "total_memory_available_override_value = 3072MB",
      "vm_memory_high_watermark_paging_ratio = 0.60",
      "vm_memory_high_watermark.relative = 0.80",
      "cluster_partition_handling = pause_minority",
      "max_message_size = 134217728",
      "ssl_options.versions.1 = tlsv1.3",
      "ssl_options.versions.2 = tlsv1.2",
      "ssl_options.certfile = /etc/rabbitmq/conf.d/rabbitmq_cert.crt",
      "ssl_options.keyfile = /etc/rabbitmq/conf.d/rabbitmq_cert_key.key",
      "ssl_options.cacertfile = /etc/rabbitmq/conf.d/rabbitmq_cert_ca.crt",
      "ssl_options.verify = verify_none",
      "ssl_options.fail_if_no_peer_cert = false",
      "ssl_options.ciphers.1 = TLS_AES_256_GCM_SHA384",
      "ssl_options.ciphers.10 = ECDHE-RSA-CHACHA20-POLY1305",
      "ssl_options.honor_cipher_order = true",
      "management.ssl.certfile = /etc/rabbitmq/conf.d/rabbitmq_cert.crt",
      "management.ssl.verify = verify_none",
      "management.ssl.ciphers.4 = TLS_AES_128_CCM_8_SHA256",
    ]) {
      expect(lines).toContain(line);
    }
    // A standalone node has no cluster to reconcile quorum members with.
    expect(conf).not.toContain("continuous_membership_reconciliation");
  });

  it("pins Mnesia with CE's 27 feature flags, sizes RabbitMQ from its limit, and runs it as 1001", () => {
    const rabbitmq = containerNamed(task, "rabbitmq");
    const env = envOf(rabbitmq);
    expect(env.RABBITMQ_FEATURE_FLAGS.split(",")).toEqual([...RABBITMQ_FEATURE_FLAGS]);
    expect(RABBITMQ_FEATURE_FLAGS).toHaveLength(27);
    expect(env.RABBITMQ_FEATURE_FLAGS).not.toContain("khepri_db");
    expect(env).toMatchObject({
      RABBITMQ_NODENAME: "rabbit@localhost",
      RABBITMQ_DEFAULT_USER: "user",
      RABBITMQ_RAM_RESOURCES: "3072",
      RABBITMQ_DISK_FREE_LIMIT_ABSOLUTE: "1",
      RESTART_ON_HEALTHCHECK_FAILURE: "false",
      HEALTHCHECK_FREE_DISK_SPACE_LIMIT: "40",
      HEALTHCHECK_FREE_DISK_SPACE_PATH: "/var/lib/rabbitmq",
    });
    expect(rabbitmq).toMatchObject({ user: "1001:1001", memory: 3072 });
    expect(rabbitmq.secrets.map((s: any) => s.name)).toEqual(["RABBITMQ_DEFAULT_PASS", "RABBITMQ_COOKIE"]);
    expect(mountsOf(rabbitmq)).toEqual(["rabbitmq-config:/etc/rabbitmq/conf.d:ro", "rabbitmq-data:/var/lib/rabbitmq/mnesia/"]);
  });

  it("starts mongod with CE's TLS flags on the generated certificate, as 1001, with SIGTERM reaching it", () => {
    const mongodb = containerNamed(task, "mongodb");
    expect(mongodb.command).toEqual([
      "--tlsMode",
      "preferTLS",
      "--tlsCertificateKeyFile",
      `${CERTS}/tls_cert_key.pem`,
      "--tlsCAFile",
      `${CERTS}/tls_cert_ca.crt`,
      "--tlsDisabledProtocols",
      "TLS1_0,TLS1_1",
      "--setParameter",
      "opensslCipherSuiteConfig=TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256",
      "--setParameter",
      "opensslCipherConfig=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
    ]);
    expect(mongodb.entryPoint[0]).toBe("/bin/bash");
    expect(mongodb.entryPoint[2]).toContain('exec docker-entrypoint.sh mongod "$@"');
    expect(mongodb).toMatchObject({ user: "1001:1001", memory: 2048, stopTimeout: 120 });
    expect(envOf(mongodb)).toEqual({
      MONGO_INITDB_ROOT_USERNAME: "root",
      MONGO_INITDB_DATABASE: "cte",
      MONGODB_USERNAME: "cteadmin",
      MONGODB_AUTOCOMPACT_ENABLED: "true",
      MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB: "1024",
      MONGODB_AUTOCOMPACT_RUN_ONCE: "false",
      CE_MONGO_TLS_DIR: CERTS,
    });
    // The task's own MongoDB clients (the health check) speak TLS with the client certificate.
    expect(mongodb.healthCheck.command[1]).toMatch(new RegExp(`^mongosh --tls --tlsCAFile ${CERTS}/tls_cert_ca.crt --tlsCertificateKeyFile ${CERTS}/tls_cert_key.pem `));
    expect(mountsOf(mongodb)).toEqual(["mongo-data:/data/db", "mongo-init:/docker-entrypoint-initdb.d:ro", `internal-certs:${CERTS}:ro`]);
  });

  it("splits memory as CE's setup does, as hard limits: RabbitMQ 6/32, MongoDB 4/32, core 18/32, UI 256 MiB", () => {
    const limits = Object.fromEntries(containers.filter((c) => c.essential).map((c) => [c.name, c.memory]));
    expect(limits).toEqual({ mongodb: 2048, rabbitmq: 3072, core: 9216, ui: 256 });
    const large = containersOf(workloadTaskDefinition(synthEnvironment(baseEnvironment({ size: { preset: "large" } }))));
    expect(Object.fromEntries(large.filter((c) => c.essential).map((c) => [c.name, c.memory]))).toEqual({ mongodb: 4096, rabbitmq: 6144, core: 18432, ui: 256 });
    expect(envOf(large.find((c) => c.name === "core")).CE_PROFILE).toBe("Large");
    // mongod sizes its cache from its own limit, as under CE's compose.
    expect(containerNamed(task, "mongodb").command).not.toContain("--wiredTigerCacheSizeGB");
  });

  it("gives core CE 6.1's settings, its connection strings composed at start from the escaped password, and its JWT secret only as a secret", () => {
    const core = containerNamed(task, "core");
    expect(envOf(core)).toEqual({
      JWT_ALGORITHM: "HS256",
      ENABLE_CELERY_BEAT: "true",
      MAX_MAINTENANCE_WINDOW_MINUTES: "15",
      PULL_THREADS: "4",
      MAX_WAIT_ON_LOCK_IN_MINUTES: "240",
      REQUESTS_TIMEOUT: "300",
      POPEN_TIMEOUT: "1800",
      CORE_TAG: `${HUB}:core6-6.1.0`,
      UI_TAG: `${HUB}:ui6-6.1.0`,
      BETA_OPT_IN: "No",
      RESTART_ON_HEALTHCHECK_FAILURE: "false",
      HEALTHCHECK_FREE_DISK_SPACE_LIMIT: "40",
      HEALTHCHECK_FREE_DISK_SPACE_PATH: "/var/lib/rabbitmq",
      INSTALL_VERSION: "6.1.0",
      CE_PROFILE: "Medium",
      PLATFORM_PROVIDER: "aws",
      CE_AS_VM: "False",
      MONGO_CURRENT_VERSION: "8.0",
      UI_PROTOCOL: "https",
      UI_PORT: "3000",
      TLS_VERSION: "TLSv1.3",
      UI_SERVICE_NAME: "localhost",
      PROMOTION_BANNERS_FILE_LOCATION: "https://raw.githubusercontent.com/netskopeoss/ta_cloud_exchange/main/ce_promotions.json",
      CE_MONGO_CONNECTION_TEMPLATE: `mongodb://cteadmin:@MAINTENANCE_PASSWORD_ESCAPED@@localhost:27017/cte?tls=true&tlsCertificateKeyFile=${CERTS}/tls_cert_key.pem&tlsCAFile=${CERTS}/tls_cert_ca.crt`,
      CE_RABBITMQ_CONNECTION_TEMPLATE: "amqps://user:@MAINTENANCE_PASSWORD_ESCAPED@@localhost",
    });
    const maintenance = ref("aws_secretsmanager_secret", "secrets_maintenance", "arn");
    expect(core.secrets).toEqual([
      { name: "JWT_SECRET", valueFrom: ref("aws_secretsmanager_secret", "secrets_jwt-secret", "arn") },
      { name: "MAINTENANCE_PASSWORD_ESCAPED", valueFrom: `${maintenance}:MAINTENANCE_PASSWORD_ESCAPED::` },
    ]);
  });

  it("keeps CE's invariant that MongoDB's root and cteadmin share the maintenance password (core logs in as root with it), and gives root's former own password only to the mongodb container, to move root back", () => {
    const maintenance = `${ref("aws_secretsmanager_secret", "secrets_maintenance", "arn")}:MAINTENANCE_PASSWORD::`;
    const mongodb = containerNamed(task, "mongodb");
    const secret = (name: string) => mongodb.secrets.find((s: any) => s.name === name).valueFrom;
    expect([secret("MONGO_INITDB_ROOT_PASSWORD"), secret("MONGODB_PASSWORD")]).toEqual([maintenance, maintenance]);
    const former = `${ref("aws_secretsmanager_secret", "secrets_cluster", "arn")}:MONGO_ROOT_PASSWORD::`;
    expect(secret("CE_PREVIOUS_ROOT_PASSWORD")).toBe(former);
    expect(containers.filter((c) => (c.secrets ?? []).some((s: any) => s.valueFrom === former)).map((c) => c.name)).toEqual(["mongodb"]);
  });

  it("gives core ANALYTICS_TOKEN and other secret variables from Secrets Manager only, readable by the execution role and nothing else", () => {
    const token = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:ce/analytics-AbCdEf";
    const kms = "arn:aws:kms:eu-west-1:210987654321:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    const withToken = synthEnvironment(
      baseEnvironment({
        application: {
          secretEnvironment: { ANALYTICS_TOKEN: { secretArn: token }, SIEM_API_KEY: { secretArn: token, jsonKey: "siem", kmsKeyArn: kms } },
        },
      }),
    );
    const core = containerNamed(workloadTaskDefinition(withToken), "core");
    expect(core.secrets).toEqual(expect.arrayContaining([{ name: "ANALYTICS_TOKEN", valueFrom: token }, { name: "SIEM_API_KEY", valueFrom: `${token}:siem::` }]));
    expect(core.environment.map((e: any) => e.name)).not.toContain("ANALYTICS_TOKEN");
    const execution = JSON.parse(resourceNamed(withToken, "aws_iam_role_policy", "iam_execution-role-policy").policy).Statement;
    expect(execution.find((s: any) => s.Sid === "ReadTaskSecrets").Resource).toContain(token);
    expect(execution.find((s: any) => s.Sid === "DecryptTaskSecretsThroughSecretsManager").Resource).toContain(kms);
    const { problems } = problemsOf({ source: "t", input: baseEnvironment({ application: { secretEnvironment: { JWT_SECRET: { secretArn: token } } } }) });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(["application.secretEnvironment.JWT_SECRET: is set by the stack; use the dedicated field instead"]);
  });

  it("mounts CE 6's paths: nested custom_plugins, /etc/files-data, the certificates, RabbitMQ's data for its disk check", () => {
    expect(mountsOf(containerNamed(task, "core"))).toEqual([
      "plugins:/opt/netskope/plugins",
      "custom-plugins:/opt/netskope/plugins/custom_plugins",
      "repos:/opt/netskope/repos",
      "custom-ca:/usr/local/share/ca-certificates:ro",
      "internal-certs:/usr/local/share/ca-certificates/mongodb_rabbitmq_certs:ro",
      // CE's ssl_certs at /opt/certs: the UI certificate core checks (/opt/certs/cte_cert.crt) and the internal certificates below it.
      "ui-certificate:/opt/certs:ro",
      "files-data:/etc/files-data",
      "rabbitmq-data:/var/lib/rabbitmq:ro",
    ]);
    // The mount point inside the read-only, task-local CA volume is made by init (the runtime cannot make it).
    expect(envOf(containerNamed(task, "init")).CE_MOUNT_POINTS).toBe("/custom-ca/mongodb_rabbitmq_certs");
    expect(mountsOf(containerNamed(task, "core-init"))).toEqual(["plugins:/data", "custom-plugins:/data/custom_plugins", "repos:/repos"]);
    expect(containerNamed(task, "core-init").command[0]).toContain("touch /data/custom_plugins/__init__.py");
    // Not the internal certificates at /data/ssl_certs/mongodb_rabbitmq_certs: CE mounts them for the host management server's client, which Fargate cannot run.
    expect(mountsOf(containerNamed(task, "ui"))).toEqual(["ui-certificate:/tmp/ssl_certs"]);
  });

  it("keeps the CA's key where only the init container sees it", () => {
    const withCa = containers.filter((c) => c.mountPoints.some((m: any) => m.sourceVolume === "internal-ca")).map((c) => c.name);
    expect(withCa).toEqual(["init"]);
  });

  it("has the init container make the certificates CE's setup makes, with custom CAs as .crt", () => {
    const init = containerNamed(task, "init");
    expect(init).toMatchObject({ user: "0", readonlyRootFilesystem: true });
    expect(envOf(init)).toMatchObject({
      CE_TLS_DIR: "/certs",
      CE_TLS_CA_DIR: "/certs-ca",
      CE_UI_CERT_DIR: "/ui-certificate",
      // CE's names, and the standalone node's name, by which the logical backup reaches its MongoDB.
      CE_TLS_SAN: "DNS:localhost,DNS:rabbitmq-stats,DNS:mongodb-primary,DNS:host.docker.internal,IP:127.0.0.1,DNS:node-1.test.cloudexchange.internal",
      CE_TLS_LEAF_DAYS: "365",
      CE_TLS_UI_DAYS: "365",
      CE_TLS_RENEW_DAYS: "30",
      CE_TLS_ROTATION: "0",
      CE_CUSTOM_CA_FILE: "custom-ca.crt",
    });
    // CE's 4096-bit keys (the script's default).
    expect(envOf(init).CE_TLS_KEY_BITS).toBeUndefined();
    expect(mountsOf(init)).toEqual([
      "mongo-init:/docker-entrypoint-initdb.d",
      "custom-ca:/custom-ca",
      "rabbitmq-config:/rabbitmq-conf",
      "internal-certs:/certs",
      "internal-ca:/certs-ca",
      "ui-certificate:/ui-certificate",
    ]);
    const rotated = containersOf(workloadTaskDefinition(synthEnvironment(baseEnvironment({ internalTls: { rotation: 4, renewBeforeDays: 45 } }))));
    expect(envOf(rotated.find((c) => c.name === "init"))).toMatchObject({ CE_TLS_ROTATION: "4", CE_TLS_RENEW_DAYS: "45" });
  });

  it("serves the UI on HTTPS 3000 with CE's variables, health-checked over HTTPS", () => {
    const ui = containerNamed(task, "ui");
    expect(envOf(ui)).toEqual({ TLS_VERSION: "TLSv1.3", CE_API_URL: "http://localhost", CE_API_PORT: "8000", CE_MANAGEMENT_PORT: "8000" });
    expect(ui.healthCheck.command).toEqual(["CMD-SHELL", "curl -kfsS -o /dev/null https://localhost:3000/ || exit 1"]);
    expect(onlyResource(stack, "aws_lb_target_group")).toMatchObject({ protocol: "HTTPS", port: 3000, health_check: { protocol: "HTTPS" } });
  });

  it("reports the certificate it serves from the RabbitMQ container, for the expiry alarm", () => {
    const rabbitmq = containerNamed(task, "rabbitmq");
    expect(envOf(rabbitmq).CE_CERTIFICATE_FILE).toBe("/etc/rabbitmq/conf.d/rabbitmq_cert.crt");
    expect(rabbitmq.command[0]).toContain("ce_report_certificate internal");
  });

  it("starts in the order CE needs", () => {
    const order = Object.fromEntries(containers.map((c) => [c.name, (c.dependsOn ?? []).map((d: any) => `${d.containerName}:${d.condition}`)]));
    expect(order).toEqual({
      init: [],
      "core-init": [],
      mongodb: ["init:SUCCESS"],
      rabbitmq: ["init:SUCCESS"],
      core: ["init:SUCCESS", "core-init:SUCCESS", "mongodb:HEALTHY", "rabbitmq:HEALTHY"],
      ui: ["core:START"],
    });
  });

  it("names CE's quorum queues for HA membership", () => {
    const queues = releaseOf("6.1").rabbitmq.queues;
    expect(queues).toEqual({ kind: "quorum", queues: [...CE_QUORUM_QUEUES] });
    expect(CE_QUORUM_QUEUES).toEqual(["cloudexchange_9", "cloudexchange_6", "cloudexchange_3"]);
  });
});

describe("CE 6.0 task definition", () => {
  const task = workloadTaskDefinition(synthEnvironment(baseEnvironment({ release: "6.0" })));

  it("pulls 6.0.1's images", () => {
    expect(Object.fromEntries(containersOf(task).map((c) => [c.name, c.image]))).toMatchObject({
      mongodb: `${HUB}:mongo8-8.0.17`,
      rabbitmq: `${HUB}:rabbitmq4-4.2.2`,
      core: `${HUB}:core6-6.0.1`,
      ui: `${HUB}:ui6-6.0.1`,
    });
  });

  it("has no 6.1 cipher pinning or autoCompact, and still gives core the JWT secret twice and the update-check images", () => {
    expect(containerNamed(task, "mongodb").command.join(" ")).not.toContain("opensslCipher");
    expect(envOf(containerNamed(task, "init")).CE_RABBITMQ_CONF).not.toContain("ciphers");
    expect(envOf(containerNamed(task, "mongodb")).MONGODB_AUTOCOMPACT_ENABLED).toBeUndefined();
    const core = containerNamed(task, "core");
    expect(core.secrets.map((s: any) => s.name)).toEqual(["JWT_SECRET", "CHAINLIT_AUTH_SECRET", "MAINTENANCE_PASSWORD_ESCAPED"]);
    expect(envOf(core)).toMatchObject({ INSTALL_VERSION: "6.0.1", CORE_LATEST_VERSION_TAG: `${HUB}:core5-latest`, ANALYTICS_SERVER_CONNECTIVITY: "True" });
  });
});

describe("CE 6 container shares", () => {
  it.each([
    [8192, 16384],
    [8192, 61440],
    [16384, 32768],
    [16384, 122880],
  ])("fit a %i/%i task with the helpers beside the hard limits", (cpu, memory) => {
    for (const ha of [false, true]) {
      const shares = containerShares(releaseOf("6.1"), { cpu, memory }, ha);
      const helpers = ha ? 3 : 2;
      const limits = shares.memory.mongodb + shares.memory.rabbitmq + shares.memory.ui + shares.memory.core;
      expect(shares.hardLimits).toBe(true);
      expect(limits + helpers * shares.memory.helper).toBeLessThanOrEqual(memory);
      expect(shares.memory.rabbitmq).toBe(Math.floor((memory * 6) / 32));
      expect(shares.wiredTigerCacheGb).toBeUndefined();
    }
  });
});
