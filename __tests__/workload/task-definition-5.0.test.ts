/**
 * The CE 5.0 task (the official template's release, kept for parity and the
 * upgrade path) pins the container contract CE 5.0 needs to start and keep
 * its data (docs/task-contract.md): containers, images, ports, variables,
 * secrets, mounts, start order, health checks, logs.
 */
import { releaseOf } from "../../modules/releases";
import { containerShares } from "../../modules/workload/container-definitions";
import { baseEnvironment } from "../support/fixtures";
import { containerNamed, containersOf, ref, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const names = (list: { name: string }[]) => list.map((e) => e.name);
const envOf = (container: any) => Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));

describe("CE 5.0 task definition", () => {
  const stack = synthEnvironment(
    baseEnvironment({
      release: "5.0",
      images: { core: { repository: "registry.example.com/netskope/core5", tag: "5.0.1" }, ui: { tag: "5.0.1" } },
      proxy: { httpUrl: "http://proxy.corp:3128", httpsUrl: "http://proxy.corp:3128", noProxy: [".corp.example"], awsServiceAccess: "direct" },
    }),
  );
  const task = workloadTaskDefinition(stack);
  const containers = containersOf(task);

  it("is a Fargate awsvpc task on x86-64 Linux, sized from the preset", () => {
    expect(task).toMatchObject({
      family: "ce-test",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "8192",
      memory: "16384",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "X86_64" },
      execution_role_arn: ref("aws_iam_role", "iam_execution-role", "arn"),
      task_role_arn: ref("aws_iam_role", "iam_task-role", "arn"),
      skip_destroy: true,
    });
  });

  it.each([
    ["extra-small", undefined, undefined, "4096", "8192"],
    ["large", undefined, undefined, "16384", "32768"],
    ["medium", 8192, 20480, "8192", "20480"],
  ] as const)("takes its size from preset %s with overrides %s/%s", (preset, cpu, memory, wantCpu, wantMemory) => {
    const sized = workloadTaskDefinition(synthEnvironment(baseEnvironment({ release: "5.0", size: { preset, cpu, memory } })));
    expect([sized.cpu, sized.memory]).toEqual([wantCpu, wantMemory]);
  });

  it("runs the contract's containers, with the essential ones marked", () => {
    expect(containers.map((c) => [c.name, c.essential])).toEqual([
      ["init", false],
      ["core-init", false],
      ["mongodb", true],
      ["rabbitmq", true],
      ["core", true],
      ["ui", true],
    ]);
  });

  it("takes every image from the environment", () => {
    expect(Object.fromEntries(containers.map((c) => [c.name, c.image]))).toEqual({
      init: "709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/rabbitmq:3.12.6-management",
      "core-init": "registry.example.com/netskope/core5:5.0.1",
      mongodb: "709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/mongodb:5.0",
      rabbitmq: "709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/rabbitmq:3.12.6-management",
      core: "registry.example.com/netskope/core5:5.0.1",
      ui: "709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/ui5:5.0.1",
    });
  });

  it("pulls by digest when one is pinned", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const pinned = containersOf(workloadTaskDefinition(synthEnvironment(baseEnvironment({ release: "5.0", images: { ui: { digest } } }))));
    expect(pinned.find((c) => c.name === "ui").image).toBe(`709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/ui5@${digest}`);
  });

  it("exposes the contract's ports", () => {
    const ports = Object.fromEntries(containers.map((c) => [c.name, c.portMappings.map((p: any) => p.containerPort)]));
    expect(ports).toMatchObject({ mongodb: [27017], rabbitmq: [5672, 15672], core: [8000], ui: [3000] });
  });

  it("runs the databases as 1001:1001", () => {
    expect(containerNamed(task, "mongodb").user).toBe("1001:1001");
    expect(containerNamed(task, "rabbitmq").user).toBe("1001:1001");
  });

  it("gives mongodb its variables and passwords", () => {
    const mongodb = containerNamed(task, "mongodb");
    expect(envOf(mongodb)).toMatchObject({ MONGO_INITDB_ROOT_USERNAME: "root", MONGO_INITDB_DATABASE: "cte", MONGODB_USERNAME: "cteadmin", HTTP_PROXY: "http://proxy.corp:3128" });
    expect(names(mongodb.secrets)).toEqual(["MONGO_INITDB_ROOT_PASSWORD", "MONGODB_PASSWORD"]);
    expect(mongodb.secrets[0].valueFrom).toBe(`${ref("aws_secretsmanager_secret", "secrets_maintenance", "arn")}:MAINTENANCE_PASSWORD::`);
  });

  it("gives rabbitmq its node name, user, password and Erlang cookie", () => {
    const rabbitmq = containerNamed(task, "rabbitmq");
    expect(envOf(rabbitmq)).toEqual({ RABBITMQ_NODENAME: "rabbit@localhost", RABBITMQ_DEFAULT_USER: "user" });
    expect(names(rabbitmq.secrets)).toEqual(["RABBITMQ_DEFAULT_PASS", "RABBITMQ_COOKIE"]);
    expect(rabbitmq.secrets[1].valueFrom).toBe(`${ref("aws_secretsmanager_secret", "secrets_cluster", "arn")}:RABBITMQ_COOKIE::`);
    expect(rabbitmq.command[0]).toContain('chmod 600 "$cookie_file"');
  });

  it("gives core the contract's settings", () => {
    expect(envOf(containerNamed(task, "core"))).toEqual({
      JWT_ALGORITHM: "HS256",
      ENABLE_CELERY_BEAT: "true",
      RABBITMQ_AVAILABLE_STORAGE: "85899345920",
      MAX_MAINTENANCE_WINDOW_MINUTES: "15",
      PULL_THREADS: "4",
      MAX_WAIT_ON_LOCK_IN_MINUTES: "240",
      REQUESTS_TIMEOUT: "300",
      POPEN_TIMEOUT: "1800",
      UI_SERVICE_NAME: "localhost",
      MANAGED_CE: "false",
      CORE_LATEST_VERSION_TAG: "netskopetechnicalalliances/cloudexchange:core5-latest",
      UI_LATEST_VERSION_TAG: "netskopetechnicalalliances/cloudexchange:ui5-latest",
      ANALYTICS_BASE_URL: "https://reporting.netskope.tech",
      HTTP_PROXY: "http://proxy.corp:3128",
      HTTPS_PROXY: "http://proxy.corp:3128",
      NO_PROXY: "localhost,127.0.0.1,169.254.169.254,169.254.170.2,.corp.example",
    });
  });

  it("gives the UI its TLS version and API address", () => {
    expect(envOf(containerNamed(task, "ui"))).toEqual({ TLS_VERSION: "TLSv1.3", CE_API_URL: "http://localhost", CE_API_PORT: "8000" });
    const twelve = containersOf(workloadTaskDefinition(synthEnvironment(baseEnvironment({ release: "5.0", tlsVersion: "TLSv1.2 TLSv1.3" }))));
    expect(envOf(twelve.find((c) => c.name === "ui")).TLS_VERSION).toBe("TLSv1.2 TLSv1.3");
  });

  it("mounts the contract's paths", () => {
    const mounts = Object.fromEntries(containers.map((c) => [c.name, c.mountPoints.map((m: any) => `${m.sourceVolume}:${m.containerPath}${m.readOnly ? ":ro" : ""}`)]));
    expect(mounts).toEqual({
      init: ["mongo-init:/docker-entrypoint-initdb.d", "custom-ca:/custom-ca", "rabbitmq-config:/rabbitmq-conf"],
      "core-init": ["plugins:/data", "repos:/repos"],
      mongodb: ["mongo-data:/data/db", "mongo-init:/docker-entrypoint-initdb.d:ro"],
      rabbitmq: ["rabbitmq-config:/etc/rabbitmq/conf.d:ro", "rabbitmq-data:/var/lib/rabbitmq/mnesia/"],
      core: ["plugins:/opt/netskope/plugins", "repos:/opt/netskope/repos/", "custom-ca:/usr/local/share/ca-certificates:ro"],
      ui: ["ui-certificate:/tmp/ssl_certs"],
    });
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

  it("health-checks mongodb, rabbitmq and the UI with the contract's timings", () => {
    const checks = Object.fromEntries(containers.filter((c) => c.healthCheck).map((c) => [c.name, c.healthCheck]));
    expect(Object.keys(checks)).toEqual(["mongodb", "rabbitmq", "ui"]);
    for (const check of Object.values(checks) as any[]) expect(check).toMatchObject({ interval: 10, timeout: 10, retries: 10, startPeriod: 60 });
    expect(checks.mongodb.command[1]).toContain("ping: 1");
    expect(checks.rabbitmq.command).toEqual(["CMD-SHELL", "rabbitmq-diagnostics -q ping"]);
    expect(checks.ui.command).toEqual(["CMD-SHELL", "curl -f http://localhost:3000 || exit 1"]);
  });

  it("logs every container to the KMS-encrypted log group", () => {
    for (const container of containers) {
      expect(container.logConfiguration).toEqual({
        logDriver: "awslogs",
        options: { "awslogs-group": ref("aws_cloudwatch_log_group", "logs_containers", "name"), "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "test" },
      });
    }
  });

  it("gives the databases time to shut down cleanly and ECS Exec an init process", () => {
    expect(containerNamed(task, "mongodb").stopTimeout).toBe(120);
    expect(containerNamed(task, "rabbitmq").stopTimeout).toBe(120);
    for (const container of containers) expect(container.linuxParameters).toEqual({ initProcessEnabled: true });
  });

  it("runs the helpers with read-only root file systems", () => {
    expect(containerNamed(task, "init").readonlyRootFilesystem).toBe(true);
    expect(containerNamed(task, "core-init").readonlyRootFilesystem).toBe(true);
  });

  it("escapes the scripts' shell syntax from Terraform interpolation", () => {
    expect(task.container_definitions).toContain("$${CE_MONGO_INIT_DIR:-/docker-entrypoint-initdb.d}");
    expect(envOf(containerNamed(task, "init")).CE_CUSTOM_CA_FILE).toBe("cert.pem");
    expect(task.container_definitions).not.toMatch(/[^$]\$\{CE_/);
  });

  it("sizes MongoDB's cache and RabbitMQ's memory from the task", () => {
    expect(containerNamed(task, "mongodb").command).toEqual(["mongod", "--wiredTigerCacheSizeGB", "2.5"]);
    const conf = envOf(containerNamed(task, "init")).CE_RABBITMQ_CONF;
    expect(conf).toContain("total_memory_available_override_value = 3072MB");
    expect(conf).toContain("consumer_timeout = 86400000");
    expect(conf).toContain("log.console = true");
  });
});

describe("container shares (CE 5.0: soft shares of any Fargate size)", () => {
  it.each([
    [4096, 8192],
    [8192, 16384],
    [16384, 32768],
    [1024, 4096],
    [16384, 122880],
  ])("fit a %i/%i task and leave core the largest share", (cpu, memory) => {
    for (const ha of [false, true]) {
      const shares = containerShares(releaseOf("5.0"), { cpu, memory }, ha);
      const helpers = ha ? 3 : 2;
      const memoryTotal = shares.memory.mongodb + shares.memory.rabbitmq + shares.memory.ui + shares.memory.core + helpers * shares.memory.helper;
      const cpuTotal = shares.cpu.mongodb + shares.cpu.rabbitmq + shares.cpu.ui + shares.cpu.core;
      expect(memoryTotal).toBe(memory);
      expect(cpuTotal).toBe(cpu);
      expect(shares.hardLimits).toBe(false);
      expect(shares.memory.core).toBeGreaterThan(shares.memory.mongodb);
      expect(shares.wiredTigerCacheGb! * 1024).toBeLessThanOrEqual(shares.memory.mongodb);
    }
  });
});
