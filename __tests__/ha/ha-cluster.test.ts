/**
 * The HA variant: three node services in three zones with stable DNS names,
 * a MongoDB replica set and a RabbitMQ cluster across them, per-node data,
 * a shared directory, inter-node ports open only within the node group, the
 * ALB serving every node, and a rolling-upgrade chain.
 */
import { HA_SHARED_PATH, REPLICA_SET_NAME } from "../../modules/ha/ha-cluster";
import { haEnvironment, withExistingSecrets } from "../support/fixtures";
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
        enable_execute_command: true,
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
      "rabbitmq-data": "/data/rabbitmq-data",
      "rabbitmq-data-node-2": "/data/nodes/node-2/rabbitmq-data",
      "rabbitmq-data-node-3": "/data/nodes/node-3/rabbitmq-data",
      "custom-plugins": "/data/custom_plugins",
      repos: "/data/repos",
      "ssl-certs": "/data/ssl_certs",
      "ha-shared": "/data/ha-shared",
    });
    for (const shared of ["plugins", "repos", "ui-certificate", "ha-shared"]) {
      expect(new Set(NODES.map((n) => accessPointOf(n, shared))).size).toBe(1);
    }
    expect(accessPointOf(2, "ha-shared")).toBe(ref("aws_efs_access_point", "storage_access-point_ha-shared", "id"));
    for (const n of NODES) {
      expect(containerNamed(taskOf(stack, n), "replica-set-init").mountPoints).toEqual([{ sourceVolume: "ha-shared", containerPath: HA_SHARED_PATH, readOnly: false }]);
    }
  });

  it("starts mongod with the replica-set name and the keyfile from Secrets Manager", () => {
    for (const n of NODES) {
      const task = taskOf(stack, n);
      expect(containerNamed(task, "mongodb").command).toEqual([
        "mongod",
        "--wiredTigerCacheSizeGB",
        "5",
        "--bind_ip_all",
        "--replSet",
        REPLICA_SET_NAME,
        "--keyFile",
        "/etc/cloud-exchange/mongo/keyfile",
      ]);
      expect(containerNamed(task, "mongodb").mountPoints).toContainEqual({ sourceVolume: "mongo-keyfile", containerPath: "/etc/cloud-exchange/mongo", readOnly: true });
      expect(containerNamed(task, "init").secrets).toContainEqual({
        name: "MONGO_REPLICA_KEY",
        valueFrom: `${ref("aws_secretsmanager_secret", "secrets_cluster", "arn")}:MONGO_REPLICA_KEY::`,
      });
    }
  });

  it("gives every node the same JWT and maintenance secrets, and the replica-set connection string", () => {
    const secretsOf = (n: number) => containersOf(taskOf(stack, n)).flatMap((c) => c.secrets.map((s: any) => `${c.name}:${s.name}=${s.valueFrom}`));
    expect(secretsOf(2)).toEqual(secretsOf(1));
    expect(secretsOf(3)).toEqual(secretsOf(1));
    const version = resourceNamed(stack, "aws_secretsmanager_secret_version", "secrets_maintenance-version").secret_string;
    expect(version).toContain(`@node-1.${NS}:27017,node-2.${NS}:27017,node-3.${NS}:27017/cte?replicaSet=mongo_replica_set`);
    expect(version).toContain(`@node-1.${NS};amqp://user:`);
  });

  it("tells CE its HA topology by DNS name", () => {
    NODES.forEach((n) => {
      const core = envOf(containerNamed(taskOf(stack, n), "core"));
      expect(core).toMatchObject({
        HA_ENABLED: "True",
        HA_IP_LIST: NODES.map((m) => `node-${m}.${NS}`).join(","),
        HA_CURRENT_NODE: `node-${n}.${NS}`,
        HA_PRIMARY_NODE_IP: `node-1.${NS}`,
        UI_PROTOCOL: "http",
        UI_PORT: "3000",
      });
    });
  });

  it("clusters RabbitMQ by node name with the shared cookie", () => {
    NODES.forEach((n) => {
      const task = taskOf(stack, n);
      expect(envOf(containerNamed(task, "rabbitmq"))).toEqual({
        RABBITMQ_NODENAME: `rabbit@node-${n}.${NS}`,
        RABBITMQ_USE_LONGNAME: "true",
        CE_RABBITMQ_HOSTNAME: `node-${n}.${NS}`,
        ERL_INETRC: "/var/lib/rabbitmq/.inetrc",
        RABBITMQ_DEFAULT_USER: "user",
        CE_MIRROR_QUEUES: "true",
      });
      expect(containerNamed(task, "rabbitmq").portMappings.map((p: any) => p.containerPort)).toEqual([5672, 15672, 4369, 25672, 35672]);
      const conf = envOf(containerNamed(task, "init")).CE_RABBITMQ_CONF;
      expect(conf).toContain("cluster_partition_handling = pause_minority");
      expect(conf).toContain("cluster_formation.peer_discovery_backend = classic_config");
      NODES.forEach((m) => expect(conf).toContain(`cluster_formation.classic_config.nodes.${m} = rabbit@node-${m}.${NS}`));
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
      });
      expect(init.secrets).toEqual([{ name: "MAINTENANCE_PASSWORD", valueFrom: `${ref("aws_secretsmanager_secret", "secrets_maintenance", "arn")}:MAINTENANCE_PASSWORD::` }]);
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
    const expected = ["27017-27017", "4369-4369", "5672-5672", "15672-15672", "25672-25672", "35672-35682"].sort();
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
    expect(alarms).toContain("replica-set-member-down");
    expect(onlyResource(stack, "aws_cloudwatch_log_metric_filter")).toMatchObject({
      log_group_name: ref("aws_cloudwatch_log_group", "logs_containers", "name"),
      pattern: '{ ($.msg = "Member is in new state") && ($.attr.newState = "(not reachable/healthy)") }',
    });
  });

  it("adds the namespace to NO_PROXY so nodes never reach each other through the proxy", () => {
    const proxied = synthEnvironment(haEnvironment({ proxy: { httpsUrl: "http://proxy.corp:3128" } }));
    expect(envOf(containerNamed(taskOf(proxied, 2), "core")).NO_PROXY).toBe(`localhost,127.0.0.1,169.254.169.254,169.254.170.2,.${NS}`);
  });



  it("needs no other IAM permission than the standalone variant", () => {
    const ha = policyOf(resourceNamed(synthEnvironment(withExistingSecrets(haEnvironment())), "aws_iam_role_policy", "iam_task-role-policy").policy);
    expect(ha.Statement.map((s) => s.Sid)).toEqual(["MountAndWriteTheFileSystem", "OpenEcsExecChannels", "FindTheExecAuditLogGroup", "WriteExecAuditLogs", "DecryptExecSessions"]);
  });
});
