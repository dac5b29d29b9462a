/**
 * HA upgrades touch only the node task definitions (the chained services
 * follow them), and an environment moves from standalone to HA without
 * replacing its file system, its data or its secrets.
 */
import { baseEnvironment, CERTIFICATE_ARN, haEnvironment } from "../support/fixtures";
import { diffStacks, resourceMap, synthEnvironment } from "../support/synth";

describe("HA upgrade", () => {
  const before = synthEnvironment(haEnvironment());

  it("changes only the three task definitions when image tags change", () => {
    const after = synthEnvironment(haEnvironment({ images: { core: { tag: "11062024" }, ui: { tag: "11062024" } } }));
    expect(diffStacks(before, after)).toEqual({
      added: [],
      removed: [],
      changed: [1, 2, 3].map((n) => `aws_ecs_task_definition.ha_node-${n}_task_task-definition`),
    });
    for (const n of [2, 3]) {
      expect(resourceMap(after).get(`aws_ecs_service.ha_node-${n}_service_service`)!.depends_on).toContain(`aws_ecs_service.ha_node-${n - 1}_service_service`);
    }
  });
});

describe("standalone to HA migration", () => {
  const ingress = { mode: "alb" as const, certificateArn: CERTIFICATE_ARN };
  const standalone = synthEnvironment(baseEnvironment({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], ingress }));
  const ha = synthEnvironment(baseEnvironment({ variant: "ha", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], ingress }));
  const diff = diffStacks(standalone, ha);
  const a = resourceMap(standalone);
  const b = resourceMap(ha);

  it("keeps the file system, the key and the standalone data's access points unchanged: they become node 1's", () => {
    for (const address of [
      "aws_efs_file_system.storage_file-system",
      "aws_kms_key.encryption-key_key",
      "aws_efs_access_point.storage_access-point_mongo-data",
      "aws_efs_access_point.storage_access-point_rabbitmq-data",
      "aws_efs_access_point.storage_access-point_custom-plugins",
      "aws_efs_access_point.storage_access-point_repos",
      "aws_efs_access_point.storage_access-point_ssl-certs",
      "aws_efs_mount_target.storage_mount-target_eu-west-1a",
      "aws_efs_backup_policy.storage_backup-policy",
    ]) {
      expect({ address, after: b.get(address) }).toEqual({ address, after: a.get(address) });
    }
    expect(b.get("aws_ecs_task_definition.ha_node-1_task_task-definition")!.volume).toContainEqual(
      expect.objectContaining({
        name: "mongo-data",
        efs_volume_configuration: expect.objectContaining({
          authorization_config: { access_point_id: "${aws_efs_access_point.storage_access-point_mongo-data.id}", iam: "ENABLED" },
        }),
      }),
    );
  });

  it("keeps the secrets and the generated passwords; only the connection strings get a new version", () => {
    for (const address of [...a.keys()].filter((k) => k.startsWith("aws_secretsmanager_secret.") || k.startsWith("random_password."))) {
      expect({ address, after: b.get(address) }).toEqual({ address, after: a.get(address) });
    }
    expect(diff.changed.filter((k) => k.startsWith("aws_secretsmanager"))).toEqual(["aws_secretsmanager_secret_version.secrets_maintenance-version"]);
  });

  it("removes nothing stateful: only the standalone task, service and the service's alarms go", () => {
    expect(diff.removed).toEqual([
      "aws_cloudwatch_metric_alarm.alarms_service-cpu-high",
      "aws_cloudwatch_metric_alarm.alarms_service-memory-high",
      "aws_cloudwatch_metric_alarm.alarms_service-running-tasks",
      "aws_ecs_service.workload_service_service",
      "aws_ecs_task_definition.workload_task_task-definition",
    ]);
  });

  it("adds the nodes, their data, the namespace and the inter-node rules", () => {
    expect(diff.added).toEqual(
      expect.arrayContaining([
        "aws_ecs_service.ha_node-1_service_service",
        "aws_ecs_service.ha_node-3_service_service",
        "aws_efs_access_point.storage_access-point_mongo-data-node-2",
        "aws_efs_access_point.storage_access-point_ha-shared",
        "aws_vpc_security_group_ingress_rule.security-groups_tasks-ingress-peers_4369",
      ]),
    );
    // The standalone node already has its name (node-1) and MongoDB's peer rule, for the logical backup: both kept.
    for (const kept of ["aws_service_discovery_private_dns_namespace.ha_namespace", "aws_service_discovery_service.ha_node-1_discovery", "aws_vpc_security_group_ingress_rule.security-groups_tasks-ingress-peers_27017"]) {
      expect({ kept, added: diff.added.includes(kept), removed: diff.removed.includes(kept) }).toEqual({ kept, added: false, removed: false });
    }
  });
});
