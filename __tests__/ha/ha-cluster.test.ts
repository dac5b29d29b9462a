/**
 * The HA variant: three node services in three zones with stable DNS names,
 * a MongoDB replica set and a RabbitMQ cluster across them, per-node data,
 * a shared directory, inter-node ports open only within the node group, the
 * ALB serving every node, and a rolling-upgrade chain. On CE 6.1 (the
 * default) every protocol between the nodes is TLS and CE's quorum queues
 * keep a member on every node; CE 5.0 keeps its plain protocols and
 * mirrored classic queues. Both start RabbitMQ through the same cluster
 * membership step (run on real RabbitMQ in __tests__/runner/ha-cluster.test.ts).
 */
import { HA_SHARED_PATH, REPLICA_SET_NAME } from "../../modules/ha/ha-cluster";
import { RABBITMQ_FEATURE_FLAGS } from "../../modules/releases/ce-6.1";
import { baseEnvironment, haEnvironment, withExistingSecrets } from "../support/fixtures";
import { containerNamed, containersOf, onlyResource, policyOf, ref, resourceNamed, resourcesOf, synthEnvironment } from "../support/synth";

const NS = "ha.cloudexchange.internal";
const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const NODES = [1, 2, 3];
const taskOf = (stack: any, n: number) => resourceNamed(stack, "aws_ecs_task_definition", `ha_node-${n}_task_task-definition`);
const serviceOf = (stack: any, n: number) => resourceNamed(stack, "aws_ecs_service", `ha_node-${n}_service_service`);
const envOf = (container: any) => Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));

describe("HA cluster", () => {
  const stack = synthEnvironment(haEnvironment());

  it("runs three one-task services, one per zone's private subnet", () => {
    expect(resourcesOf(stack, "aws_ecs_service")).toHaveLength(3);
    NODES.forEach((n, i) => {
      expect(serviceOf(stack, n)).toMatchObject({
        name: `ce-ha-node-${n}`,
        desired_count: 1,
        deployment_minimum_healthy_percent: 0,
        deployment_maximum_percent: 100,
        deployment_circuit_breaker: { enable: true, rollback: true },
        enable_execute_command: false,
        task_definition: ref("aws_ecs_task_definition", `ha_node-${n}_task_task-definition`, "arn"),
        network_configuration: {
          subnets: [ref("aws_subnet", `network_new-vpc_private-subnet_${ZONES[i]}`, "id")],
          assign_public_ip: false,
        },
      });
    });
  });

  it("gives every node a stable name in a Cloud Map private namespace", () => {
    expect(onlyResource(stack, "aws_service_discovery_private_dns_namespace")).toMatchObject({ name: NS, vpc: ref("aws_vpc", "network_new-vpc_vpc", "id") });
    const discovery = resourcesOf(stack, "aws_service_discovery_service");
    expect(discovery.map(([, d]) => d.name)).toEqual(["node-1", "node-2", "node-3"]);
    for (const [, d] of discovery) {
      expect(d.dns_config).toMatchObject({ namespace_id: ref("aws_service_discovery_private_dns_namespace", "ha_namespace", "id"), dns_records: [{ type: "A", ttl: 10 }] });
    }
    NODES.forEach((n) =>
      expect(serviceOf(stack, n).service_registries).toEqual({ registry_arn: ref("aws_service_discovery_service", `ha_node-${n}_discovery`, "arn") }),
    );
    expect(stack.output?.["node-hostnames"].value).toEqual(NODES.map((n) => `node-${n}.${NS}`));
  });

  it("gives each node its own MongoDB and RabbitMQ data, and shares plugins, repositories and the HA directory", () => {
    const accessPointOf = (n: number, volume: string) =>
      taskOf(stack, n).volume.find((v: any) => v.name === volume).efs_volume_configuration.authorization_config.access_point_id;
    const mongo = NODES.map((n) => accessPointOf(n, "mongo-data"));
    const rabbitmq = NODES.map((n) => accessPointOf(n, "rabbitmq-data"));
    expect(new Set(mongo).size).toBe(3);
    expect(new Set(rabbitmq).size).toBe(3);
    const paths = Object.fromEntries(resourcesOf(stack, "aws_efs_access_point").map(([name, p]) => [name.replace("storage_access-point_", ""), p.root_directory.path]));
    expect(paths).toEqual({
      "mongo-data": "/data/mongo-data/data/db",
      "mongo-data-node-2": "/data/nodes/node-2/mongo-data/data/db",
      "mongo-data-node-3": "/data/nodes/node-3/mongo-data/data/db",
      "mongodb-backups": "/data/backups/mongodb",
      "rabbitmq4-data": "/data/rabbitmq4-data",
      "rabbitmq4-data-node-2": "/data/nodes/node-2/rabbitmq4-data",
      "rabbitmq4-data-node-3": "/data/nodes/node-3/rabbitmq4-data",
      "files-data": "/data/files-data",
      "files-data-node-2": "/data/nodes/node-2/files-data",
      "files-data-node-3": "/data/nodes/node-3/files-data",
      "custom-plugins": "/data/custom_plugins",
      "custom-plugins-subdir": "/data/custom_plugins/custom_plugins",
      repos: "/data/repos",
      "ssl-certs": "/data/ssl_certs",
      "internal-certs": "/data/ssl_certs/mongodb_rabbitmq_certs",
      "internal-ca": "/data/internal-ca",
      "ha-shared": "/data/ha-shared",
    });
    expect(new Set(NODES.map((n) => accessPointOf(n, "files-data"))).size).toBe(3);
    for (const shared of ["plugins", "custom-plugins", "repos", "ui-certificate", "internal-certs", "internal-ca", "ha-shared"]) {
      expect(new Set(NODES.map((n) => accessPointOf(n, shared))).size).toBe(1);
    }
    expect(accessPointOf(2, "ha-shared")).toBe(ref("aws_efs_access_point", "storage_access-point_ha-shared", "id"));
    for (const n of NODES) {
      expect(containerNamed(taskOf(stack, n), "replica-set-init").mountPoints).toEqual([
        { sourceVolume: "ha-shared", containerPath: HA_SHARED_PATH, readOnly: false },
        // Its TLS client certificate: the members accept nothing but TLS.
        { sourceVolume: "internal-certs", containerPath: "/opt/certs/mongodb_rabbitmq_certs", readOnly: true },
      ]);
      expect(containerNamed(taskOf(stack, n), "rabbitmq").mountPoints).toContainEqual({ sourceVolume: "ha-shared", containerPath: HA_SHARED_PATH, readOnly: false });
    }
  });

  it("starts mongod with CE's TLS flags, TLS required from every client, the replica-set name and the keyfile from Secrets Manager, checking host names", () => {
    for (const n of NODES) {
      const task = taskOf(stack, n);
      const command = containerNamed(task, "mongodb").command as string[];
      // A member listens on every interface: requireTLS, never preferTLS (which accepts plain connections).
      expect(command.slice(0, 2)).toEqual(["--tlsMode", "requireTLS"]);
      // The certificate names every node, so members check each other's names (no --tlsAllowInvalidHostnames).
      expect(command).not.toContain("--tlsAllowInvalidHostnames");
      expect(command.slice(-5)).toEqual(["--bind_ip_all", "--replSet", REPLICA_SET_NAME, "--keyFile", "/etc/cloud-exchange/mongo/keyfile"]);
      expect(containerNamed(task, "mongodb").mountPoints).toContainEqual({ sourceVolume: "mongo-keyfile", containerPath: "/etc/cloud-exchange/mongo", readOnly: true });
      expect(containerNamed(task, "init").secrets).toContainEqual({
        name: "MONGO_REPLICA_KEY",
        valueFrom: `${ref("aws_secretsmanager_secret", "secrets_cluster", "arn")}:MONGO_REPLICA_KEY::`,
      });
      // autoCompact waits for the member to be PRIMARY or SECONDARY, as CE's script does with HA_IP_LIST set.
      expect(envOf(containerNamed(task, "mongodb")).HA_IP_LIST).toBe(NODES.map((m) => `node-${m}.${NS}`).join(","));
    }
  });

  it("names every node in the shared certificate", () => {
    const san = envOf(containerNamed(taskOf(stack, 2), "init")).CE_TLS_SAN;
    expect(san).toBe(`DNS:localhost,DNS:rabbitmq-stats,DNS:mongodb-primary,DNS:host.docker.internal,IP:127.0.0.1,${NODES.map((m) => `DNS:node-${m}.${NS}`).join(",")}`);
  });

  it("gives every node the same JWT and maintenance secrets, and core the replica-set connection string it composes at start", () => {
    const secretsOf = (n: number) => containersOf(taskOf(stack, n)).flatMap((c) => c.secrets.map((s: any) => `${c.name}:${s.name}=${s.valueFrom}`));
    expect(secretsOf(2)).toEqual(secretsOf(1));
    expect(secretsOf(3)).toEqual(secretsOf(1));
    for (const n of NODES) {
      const core = envOf(containerNamed(taskOf(stack, n), "core"));
      expect(core.CE_MONGO_CONNECTION_TEMPLATE).toBe(
        `mongodb://cteadmin:@MAINTENANCE_PASSWORD_ESCAPED@@node-1.${NS}:27017,node-2.${NS}:27017,node-3.${NS}:27017/cte?replicaSet=mongo_replica_set&tls=true&tlsCertificateKeyFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_key.pem&tlsCAFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_ca.crt`,
      );
      expect(core.CE_RABBITMQ_CONNECTION_TEMPLATE).toBe(NODES.map((m) => `amqps://user:@MAINTENANCE_PASSWORD_ESCAPED@@node-${m}.${NS}`).join(";"));
    }
  });

  it("tells CE its HA topology by DNS name", () => {
    NODES.forEach((n) => {
      const core = envOf(containerNamed(taskOf(stack, n), "core"));
      expect(core).toMatchObject({
        HA_ENABLED: "True",
        HA_IP_LIST: NODES.map((m) => `node-${m}.${NS}`).join(","),
        HA_CURRENT_NODE: `node-${n}.${NS}`,
        HA_PRIMARY_NODE_IP: `node-1.${NS}`,
        UI_PROTOCOL: "https",
        UI_PORT: "3000",
      });
    });
  });

  it("clusters RabbitMQ by node name with the shared cookie, Erlang distribution on TLS, and quorum members on every node", () => {
    NODES.forEach((n) => {
      const task = taskOf(stack, n);
      const tls = "-proto_dist inet_tls -ssl_dist_optfile /etc/rabbitmq/conf.d/inter_node_tls.options";
      expect(envOf(containerNamed(task, "rabbitmq"))).toEqual({
        RABBITMQ_NODENAME: `rabbit@node-${n}.${NS}`,
        RABBITMQ_USE_LONGNAME: "true",
        CE_RABBITMQ_HOSTNAME: `node-${n}.${NS}`,
        ERL_INETRC: "/var/lib/rabbitmq/.inetrc",
        RABBITMQ_DEFAULT_USER: "user",
        RABBITMQ_RAM_RESOURCES: "6144",
        RABBITMQ_DISK_FREE_LIMIT_ABSOLUTE: "1",
        RABBITMQ_FEATURE_FLAGS: RABBITMQ_FEATURE_FLAGS.join(","),
        RESTART_ON_HEALTHCHECK_FAILURE: "false",
        HEALTHCHECK_FREE_DISK_SPACE_LIMIT: "40",
        HEALTHCHECK_FREE_DISK_SPACE_PATH: "/var/lib/rabbitmq",
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: tls,
        RABBITMQ_CTL_ERL_ARGS: tls,
        CE_RABBITMQ_PEERS: NODES.map((m) => `rabbit@node-${m}.${NS}`).join(","),
        CE_RABBITMQ_SEED: `rabbit@node-1.${NS}`,
        CE_SHARED_DIR: HA_SHARED_PATH,
        CE_QUORUM_QUEUES: "cloudexchange_9,cloudexchange_6,cloudexchange_3",
        CE_CLUSTER_STATUS_FILE: "/tmp/ce-cluster-status",
        CE_CERTIFICATE_FILE: "/etc/rabbitmq/conf.d/rabbitmq_cert.crt",
      });
      expect(containerNamed(task, "rabbitmq").portMappings.map((p: any) => p.containerPort)).toEqual([5671, 15671, 4369, 25672, 35672]);
      const init = envOf(containerNamed(task, "init"));
      expect(init.CE_INTER_NODE_TLS).toContain("{server, [");
      const conf = init.CE_RABBITMQ_CONF;
      expect(conf).toContain("cluster_partition_handling = pause_minority");
      expect(conf).toContain("listeners.tcp = none");
      expect(conf).toContain("quorum_queue.continuous_membership_reconciliation.target_group_size = 3");
      NODES.forEach((m) => expect(conf).toContain(`cluster_formation.classic_config.nodes.${m} = rabbit@node-${m}.${NS}`));
      // The membership step comes first, then the entrypoint; the health check fails while the node runs outside its cluster.
      const command = containerNamed(task, "rabbitmq").command[0] as string;
      expect(command.indexOf("ce_cluster_gate()")).toBeLessThan(command.indexOf('  ce_cluster_gate\n'));
      expect(containerNamed(task, "rabbitmq").healthCheck.command).toEqual([
        "CMD-SHELL",
        'rabbitmq-diagnostics -q ping && [ "$(cat /tmp/ce-cluster-status 2>/dev/null)" != outside ]',
      ]);
    });
  });

  it("runs replica-set-init on every node after its mongod is healthy", () => {
    NODES.forEach((n) => {
      const init = containerNamed(taskOf(stack, n), "replica-set-init");
      expect(init).toMatchObject({ essential: false, dependsOn: [{ containerName: "mongodb", condition: "HEALTHY" }] });
      expect(envOf(init)).toEqual({
        CE_NODE_HOST: `node-${n}.${NS}`,
        CE_NODE_HOSTS: NODES.map((m) => `node-${m}.${NS}`).join(","),
        CE_SEED_HOST: `node-1.${NS}`,
        CE_REPLICA_SET: REPLICA_SET_NAME,
        CE_SHARED_DIR: HA_SHARED_PATH,
        CE_MONGO_TLS_DIR: "/opt/certs/mongodb_rabbitmq_certs",
      });
      expect(init.secrets).toEqual([
        { name: "MONGO_ROOT_PASSWORD", valueFrom: `${ref("aws_secretsmanager_secret", "secrets_maintenance", "arn")}:MAINTENANCE_PASSWORD::` },
        { name: "CE_PREVIOUS_ROOT_PASSWORD", valueFrom: `${ref("aws_secretsmanager_secret", "secrets_cluster", "arn")}:MONGO_ROOT_PASSWORD::` },
      ]);
      // Core starts once the node is a member: its client names the replica set and exits without one.
      expect(containerNamed(taskOf(stack, n), "core").dependsOn).toContainEqual({ containerName: "replica-set-init", condition: "SUCCESS" });
    });
  });

  it("opens the inter-node ports only between the node security group and itself", () => {
    const tasks = ref("aws_security_group", "security-groups_tasks", "id");
    const peers = (type: string) =>
      resourcesOf(stack, type)
        .filter(([name]) => name.includes("peers"))
        .map(([, r]) => {
          expect(r.security_group_id).toBe(tasks);
          expect(r.referenced_security_group_id).toBe(tasks);
          expect(r.cidr_ipv4).toBeUndefined();
          return `${r.from_port}-${r.to_port}`;
        });
    // 3000: core checks every peer's UI and API (/login, /api/healthcheck).
    const expected = ["27017-27017", "4369-4369", "5671-5671", "15671-15671", "25672-25672", "35672-35682", "3000-3000"].sort();
    expect(peers("aws_vpc_security_group_ingress_rule").sort()).toEqual(expected);
    expect(peers("aws_vpc_security_group_egress_rule").sort()).toEqual(expected);
  });

  it("registers every node with the ALB's target group", () => {
    for (const n of NODES) {
      expect(serviceOf(stack, n).load_balancer).toEqual([{ target_group_arn: ref("aws_lb_target_group", "ingress_target-group", "arn"), container_name: "ui", container_port: 3000 }]);
    }
  });

  it("chains the node services so Terraform updates them one at a time, waiting for each", () => {
    const previous = NODES.map((n) => serviceOf(stack, n).depends_on.filter((d: string) => d.startsWith("aws_ecs_service.")));
    expect(previous).toEqual([[], ["aws_ecs_service.ha_node-1_service_service"], ["aws_ecs_service.ha_node-2_service_service"]]);
    for (const n of NODES) expect(serviceOf(stack, n).wait_for_steady_state).toBe(true);
  });

  it("alarms per node and when a replica-set member goes down", () => {
    const alarms = resourcesOf(stack, "aws_cloudwatch_metric_alarm").map(([name]) => name.replace("alarms_", ""));
    for (const n of NODES) expect(alarms).toEqual(expect.arrayContaining([`node-${n}-running-tasks`, `node-${n}-cpu-high`, `node-${n}-memory-high`]));
    expect(alarms).toEqual(expect.arrayContaining(["replica-set-member-down", "rabbitmq-node-outside-cluster", "rabbitmq-queues-below-members", "certificate-expiry"]));
    const filters = Object.fromEntries(resourcesOf(stack, "aws_cloudwatch_log_metric_filter").map(([name, f]) => [name.replace("alarms_", ""), f]));
    expect(filters["replica-set-member-down-filter"]).toMatchObject({
      log_group_name: ref("aws_cloudwatch_log_group", "logs_containers", "name"),
      pattern: '{ ($.msg = "Member is in new state") && ($.attr.newState = "(not reachable/healthy)") }',
    });
    expect(filters["rabbitmq-outside-cluster-filter"]).toMatchObject({
      pattern: '{ ($.event = "ce-rabbitmq-membership") && ($.outside = 1) }',
      metric_transformation: { name: "ce-ha-rabbitmq-node-outside-cluster", value: "1" },
    });
    expect(filters["rabbitmq-queues-below-members-filter"]).toMatchObject({
      pattern: '{ $.event = "ce-rabbitmq-membership" }',
      metric_transformation: { name: "ce-ha-rabbitmq-queues-below-members", value: "$.queuesBelowMembers" },
    });
    expect(resourceNamed(stack, "aws_cloudwatch_metric_alarm", "alarms_rabbitmq-queues-below-members")).toMatchObject({ statistic: "Maximum", threshold: 0, comparison_operator: "GreaterThanThreshold" });
  });

  it("adds the namespace to NO_PROXY so nodes never reach each other through the proxy", () => {
    const proxied = synthEnvironment(haEnvironment({ proxy: { httpsUrl: "http://proxy.corp:3128", awsServiceAccess: "direct" } }));
    expect(envOf(containerNamed(taskOf(proxied, 2), "core")).NO_PROXY).toBe(`localhost,127.0.0.1,169.254.169.254,169.254.170.2,.${NS}`);
  });



  it("needs no other IAM permission than the standalone variant", () => {
    const sids = (input: Parameters<typeof synthEnvironment>[0]) =>
      policyOf(resourceNamed(synthEnvironment(input), "aws_iam_role_policy", "iam_task-role-policy").policy).Statement.map((s) => s.Sid);
    expect(sids(withExistingSecrets(haEnvironment()))).toEqual(sids(withExistingSecrets(baseEnvironment())));
    expect(sids(haEnvironment({ workload: { enableExecuteCommand: true } }))).toEqual(sids(baseEnvironment({ workload: { enableExecuteCommand: true } })));
  });
});

describe("HA cluster (CE 5.0)", () => {
  const stack = synthEnvironment(haEnvironment({ release: "5.0" }));

  it("keeps CE 5.0's plain protocols between the nodes and mirrors its classic queues", () => {
    for (const n of NODES) {
      const task = taskOf(stack, n);
      const env = envOf(containerNamed(task, "rabbitmq"));
      expect(env).toMatchObject({ RABBITMQ_NODENAME: `rabbit@node-${n}.${NS}`, CE_MIRROR_QUEUES: "true", CE_RABBITMQ_SEED: `rabbit@node-1.${NS}` });
      expect(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toBeUndefined();
      expect(env.CE_QUORUM_QUEUES).toBeUndefined();
      expect(containerNamed(task, "rabbitmq").portMappings.map((p: any) => p.containerPort)).toEqual([5672, 15672, 4369, 25672, 35672]);
      expect(containerNamed(task, "mongodb").command).toEqual(["mongod", "--wiredTigerCacheSizeGB", "5", "--bind_ip_all", "--replSet", REPLICA_SET_NAME, "--keyFile", "/etc/cloud-exchange/mongo/keyfile"]);
      expect(envOf(containerNamed(task, "core"))).toMatchObject({ UI_PROTOCOL: "http", UI_PORT: "3000" });
    }
    // CE 5.0's core reads the connection strings from the maintenance secret, written once with the node names.
    const version = resourceNamed(stack, "aws_secretsmanager_secret_version", "secrets_maintenance-version").secret_string_wo;
    expect(version).toContain(`/cte?replicaSet=mongo_replica_set", `);
    expect(version).toContain(`@node-1.${NS};amqp://user:`);
    const peers = resourcesOf(stack, "aws_vpc_security_group_ingress_rule").filter(([name]) => name.includes("peers")).map(([, r]) => `${r.from_port}-${r.to_port}`);
    expect(peers.sort()).toEqual(["15672-15672", "25672-25672", "27017-27017", "3000-3000", "35672-35682", "4369-4369", "5672-5672"]);
  });

  it("starts RabbitMQ through the same membership step: no silent split on 5.0 either", () => {
    const command = containerNamed(taskOf(stack, 2), "rabbitmq").command[0] as string;
    expect(command).toContain("ce_cluster_gate");
    expect(containerNamed(taskOf(stack, 2), "rabbitmq").healthCheck.command[1]).toContain("/tmp/ce-cluster-status");
  });
});
