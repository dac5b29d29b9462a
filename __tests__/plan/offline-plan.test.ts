/**
 * Every stack passes an offline `terraform init`, `validate` and `plan`
 * against the AWS provider 5.100.0: the shipped environments as written
 * (generated secrets, whose ephemeral passwords a loopback Secrets Manager
 * stand-in answers), the bootstrap and member-role stacks, and the fixture
 * variations the shipped ones do not cover, in existing-secret mode.
 */
import { PlanResult, resourceCountsByType } from "./harness";
import { describePlans, planAll } from "./planned-stacks";
import { StackJson } from "../support/synth";

describePlans("offline terraform plan", () => {
  const results = new Map<string, PlanResult>();
  const synthesized = new Map<string, StackJson>();
  let stackNames: string[] = [];

  beforeAll(async () => {
    const planned = await planAll();
    stackNames = [...planned.keys()].sort();
    for (const [name, { plan, stack }] of planned) {
      results.set(name, plan);
      synthesized.set(name, stack);
    }
  }, 900_000);

  it("covers every shipped environment, every fixture variation and the bootstrap stack", () => {
    expect(stackNames).toEqual(
      expect.arrayContaining(["ce-dev", "ce-staging", "ce-prod", "ce-state-bootstrap", "ce-legacy", "ce-exhttps", "ce-exnone", "ce-extg", "ce-haex", "ce-exnone-defender-member-111111111111"]),
    );
  });

  it("validates every stack", () => {
    for (const name of stackNames) {
      expect({ name, ...results.get(name)!.validation }).toMatchObject({ name, valid: true, error_count: 0 });
    }
  });

  it("plans only creations, exactly the synthesized resources per type", () => {
    for (const name of stackNames) {
      const plan = results.get(name)!.plan;
      const actions = new Set((plan.resource_changes ?? []).flatMap((c) => c.change.actions));
      expect({ name, otherActions: [...actions].filter((a) => a !== "create") }).toEqual({ name, otherActions: [] });
      const synthesizedCounts: Record<string, number> = {};
      for (const [type, byName] of Object.entries(synthesized.get(name)!.resource ?? {})) synthesizedCounts[type] = Object.keys(byName).length;
      expect({ name, counts: resourceCountsByType(plan) }).toEqual({ name, counts: synthesizedCounts });
    }
  });

  it("plans the standalone resources a new VPC with an HTTPS load balancer needs, per type (staging)", () => {
    expect(resourceCountsByType(results.get("ce-staging")!.plan)).toEqual({
      aws_vpc: 1,
      aws_subnet: 4,
      aws_internet_gateway: 1,
      aws_eip: 2,
      aws_nat_gateway: 2,
      aws_route_table: 3,
      aws_route: 3,
      aws_route_table_association: 4,
      aws_default_network_acl: 1,
      aws_network_acl: 1,
      aws_default_security_group: 1,
      aws_vpc_endpoint: 1,
      aws_flow_log: 1,
      aws_cloudwatch_log_group: 3,
      aws_iam_role: 11,
      aws_iam_role_policy: 11,
      aws_iam_role_policy_attachment: 2,
      aws_kms_key: 1,
      aws_kms_alias: 1,
      aws_security_group: 4,
      aws_vpc_security_group_ingress_rule: 7,
      aws_vpc_security_group_egress_rule: 5,
      aws_efs_file_system: 1,
      aws_efs_backup_policy: 1,
      aws_efs_file_system_policy: 1,
      aws_efs_mount_target: 2,
      aws_efs_access_point: 10,
      aws_ecs_cluster: 1,
      aws_ecs_cluster_capacity_providers: 1,
      aws_ecs_task_definition: 3,
      aws_ecs_service: 1,
      aws_lb: 1,
      aws_lb_target_group: 1,
      aws_lb_listener: 2,
      aws_s3_bucket: 2,
      aws_s3_bucket_public_access_block: 2,
      aws_s3_bucket_ownership_controls: 2,
      aws_s3_bucket_versioning: 2,
      aws_s3_bucket_server_side_encryption_configuration: 2,
      aws_s3_bucket_lifecycle_configuration: 2,
      aws_s3_bucket_policy: 2,
      aws_s3_bucket_notification: 2,
      aws_s3_bucket_logging: 1,
      aws_sns_topic: 1,
      aws_sns_topic_policy: 1,
      aws_cloudwatch_metric_alarm: 9,
      aws_cloudwatch_log_metric_filter: 3,
      aws_sns_topic_subscription: 1,
      aws_scheduler_schedule: 2,
      aws_secretsmanager_secret: 4,
      aws_secretsmanager_secret_version: 4,
      aws_backup_vault: 1,
      aws_backup_vault_policy: 1,
      aws_backup_plan: 1,
      aws_backup_selection: 1,
      aws_service_discovery_private_dns_namespace: 1,
      aws_service_discovery_service: 1,
    });
  });

  it("plans no network or load balancer for an existing VPC without ingress", () => {
    const counts = resourceCountsByType(results.get("ce-exnone")!.plan);
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_lb", "aws_s3_bucket", "aws_flow_log"]) expect(counts[type]).toBeUndefined();
    expect(counts).toMatchObject({ aws_security_group: 3, aws_vpc_security_group_ingress_rule: 1, aws_vpc_security_group_egress_rule: 4, aws_efs_mount_target: 2, aws_ecs_service: 1, aws_cloudwatch_metric_alarm: 6 });
  });

  it("evaluates the standalone service's deployment settings as intended", () => {
    for (const name of ["ce-dev", "ce-staging", "ce-legacy", "ce-exhttps", "ce-exnone"]) {
      const service = results.get(name)!.plan.resource_changes!.find((c) => c.type === "aws_ecs_service")!.change.after!;
      expect({ name, ...service }).toMatchObject({
        name,
        desired_count: 1,
        deployment_minimum_healthy_percent: 0,
        deployment_maximum_percent: 100,
        deployment_circuit_breaker: [{ enable: true, rollback: true }],
        // Only dev turns ECS Exec on.
        enable_execute_command: name === "ce-dev",
        launch_type: "FARGATE",
        network_configuration: [expect.objectContaining({ assign_public_ip: false })],
      });
    }
  });

  it("plans CE 6.1's task and HTTPS target group, and CE 5.0's, as Terraform evaluates them", () => {
    const after = (stack: string, address: string) => results.get(stack)!.plan.resource_changes!.find((c) => c.address === address)!.change.after!;
    const images = (stack: string) =>
      (JSON.parse(after(stack, "aws_ecs_task_definition.workload_task_task-definition").container_definitions as string) as { name: string; image: string; portMappings: { containerPort: number }[] }[]).map(
        (c) => [c.name, c.image.split(":").pop(), c.portMappings.map((p) => p.containerPort)],
      ).sort(([a], [b]) => String(a).localeCompare(String(b)));
    // Terraform orders the planned containers by name. (A fixture with existing secrets: with generated ones
    // the secret ARNs, and so the container definitions, are known only after apply.)
    expect(images("ce-exhttps")).toEqual([
      ["core", "core6-6.1.0", [8000]],
      ["core-init", "core6-6.1.0", []],
      ["init", "rabbitmq6-6.1.0-4.2.2", []],
      ["mongodb", "mongo6-6.1.0-8.0.18", [27017]],
      ["rabbitmq", "rabbitmq6-6.1.0-4.2.2", [5671, 15671]],
      ["ui", "ui6-6.1.0", [3000]],
    ]);
    expect(after("ce-exhttps", "aws_lb_target_group.ingress_target-group")).toMatchObject({ name: "ce-exhttps-ui-https", protocol: "HTTPS", port: 3000 });
    expect(images("ce-legacy")).toEqual([
      ["core", "11062023", [8000]],
      ["core-init", "11062023", []],
      ["init", "3.12.6-management", []],
      ["mongodb", "5.0", [27017]],
      ["rabbitmq", "3.12.6-management", [5672, 15672]],
      ["ui", "11062023", [3000]],
    ]);
  });

  it("plans the HA variant's per-node resources", () => {
    for (const name of ["ce-prod", "ce-haex"]) {
      const changes = results.get(name)!.plan.resource_changes!;
      const addresses = changes.map((c) => c.address);
      for (const n of [1, 2, 3]) {
        expect(addresses).toEqual(
          expect.arrayContaining([
            `aws_ecs_service.ha_node-${n}_service_service`,
            `aws_ecs_task_definition.ha_node-${n}_task_task-definition`,
            `aws_service_discovery_service.ha_node-${n}_discovery`,
          ]),
        );
        const service = changes.find((c) => c.address === `aws_ecs_service.ha_node-${n}_service_service`)!.change.after!;
        expect(service).toMatchObject({ name: `${name}-node-${n}`, desired_count: 1, deployment_minimum_healthy_percent: 0, deployment_maximum_percent: 100, wait_for_steady_state: true });
      }
      const counts = resourceCountsByType(results.get(name)!.plan);
      // CE 6.1 (prod): per node MongoDB, RabbitMQ and files-data, and the certificates; CE 5.0 (haex): per node MongoDB and RabbitMQ.
      // CE 6.1 also has the logical backup's directory, and a task definition for it.
      const accessPoints = name === "ce-prod" ? 17 : 10;
      expect({ name, counts }).toMatchObject({
        name,
        counts: { aws_ecs_service: 3, aws_ecs_task_definition: name === "ce-prod" ? 4 : 3, aws_service_discovery_service: 3, aws_service_discovery_private_dns_namespace: 1, aws_efs_access_point: accessPoints, aws_efs_mount_target: 3 },
      });
    }
  });

  it("plans the Fargate Defender updater in both run modes and the member-role stacks", () => {
    // The second schedule in ce-staging is the logical backup's (ce-exnone's existing secrets name no backup password).
    for (const [name, schedules] of [["ce-staging", 2], ["ce-exnone", 1]] as const) {
      const counts = resourceCountsByType(results.get(name)!.plan);
      expect({ name, schedules: counts.aws_scheduler_schedule }).toEqual({ name, schedules });
      const task = results.get(name)!.plan.resource_changes!.find((c) => c.address === "aws_ecs_task_definition.defender_task-definition")!;
      expect(task.change.after).toMatchObject({ cpu: "512", memory: "1024", requires_compatibilities: ["FARGATE"] });
    }
    expect(results.has("ce-exnone-defender-member-222222222222")).toBe(false);
    expect(resourceCountsByType(results.get("ce-exnone-defender-member-111111111111")!.plan)).toEqual({ aws_iam_role: 1, aws_iam_role_policy: 1 });
  });

});
