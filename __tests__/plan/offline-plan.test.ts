/**
 * Every stack passes an offline `terraform init`, `validate` and `plan`
 * against the AWS provider 5.100.0: the stacks of the environment files,
 * whatever they are, as written (generated secrets, whose ephemeral
 * passwords a loopback Secrets Manager stand-in answers), the bootstrap and
 * member-role stacks, and the planned fixtures, in existing-secret mode. What
 * is asserted of the environment files holds for any environment; the fixed
 * expectations (resource counts, evaluated values) are about the fixtures.
 */
import { derive, parseEnvironments } from "../../modules/config";
import { PlanResult, resourceCountsByType } from "./harness";
import { describePlans, planAll, plannedFixtures, shippedEnvironments } from "./planned-stacks";
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

  it("covers every environment file, every planned fixture and the bootstrap stack", () => {
    const environments = parseEnvironments([...shippedEnvironments(), ...plannedFixtures()]).map((e) => derive(e).stackName);
    expect(environments.length).toBeGreaterThan(plannedFixtures().length);
    expect(stackNames).toEqual(expect.arrayContaining([...environments, "ce-state-bootstrap", "ce-exnone-defender-member-111111111111"]));
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

  it("plans the standalone resources a new VPC with an HTTPS load balancer needs, per type", () => {
    expect(resourceCountsByType(results.get("ce-newhttps")!.plan)).toEqual({
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
      aws_cloudwatch_log_group: 3, // containers, flow logs and the ECS Exec audit group (kept while Exec is off)
      aws_iam_role: 6, // task execution, task, flow logs, SNS delivery status, AWS Backup, backup break-glass
      aws_iam_role_policy: 6,
      aws_iam_role_policy_attachment: 2, // AWS Backup's managed policies for backups and restores
      aws_kms_key: 1,
      aws_kms_alias: 1,
      aws_security_group: 3,
      aws_vpc_security_group_ingress_rule: 4,
      aws_vpc_security_group_egress_rule: 3,
      aws_efs_file_system: 1,
      aws_efs_backup_policy: 1,
      aws_efs_file_system_policy: 1,
      aws_efs_mount_target: 2,
      aws_efs_access_point: 9, // no dump, so no access point of its own
      aws_ecs_cluster: 1,
      aws_ecs_cluster_capacity_providers: 1,
      aws_ecs_task_definition: 1,
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
      aws_cloudwatch_metric_alarm: 7, // and backup job failed, no backup in the window (existing secrets name no backup password: no dump)
      aws_cloudwatch_log_metric_filter: 1,
      aws_backup_vault: 1,
      aws_backup_vault_policy: 1,
      aws_backup_plan: 1,
      aws_backup_selection: 1,
    });
  });

  it("plans no network or load balancer for an existing VPC without ingress", () => {
    const counts = resourceCountsByType(results.get("ce-exnone")!.plan);
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_lb", "aws_s3_bucket", "aws_flow_log"]) expect(counts[type]).toBeUndefined();
    expect(counts).toMatchObject({ aws_security_group: 3, aws_vpc_security_group_ingress_rule: 1, aws_vpc_security_group_egress_rule: 4, aws_efs_mount_target: 2, aws_ecs_service: 1, aws_cloudwatch_metric_alarm: 6 });
  });

  it("evaluates the standalone service's deployment settings as intended", () => {
    for (const name of ["ce-newhttps", "ce-legacy", "ce-exhttps", "ce-exnone", "ce-extg"]) {
      const service = results.get(name)!.plan.resource_changes!.find((c) => c.type === "aws_ecs_service")!.change.after!;
      expect({ name, ...service }).toMatchObject({
        name,
        desired_count: 1,
        deployment_minimum_healthy_percent: 0,
        deployment_maximum_percent: 100,
        deployment_circuit_breaker: [{ enable: true, rollback: true }],
        enable_execute_command: false,
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
    // Terraform orders the planned containers by name.
    expect(images("ce-newhttps")).toEqual([
      ["core", "core6-6.1.0", [8000]],
      ["core-init", "core6-6.1.0", []],
      ["init", "rabbitmq6-6.1.0-4.2.2", []],
      ["mongodb", "mongo6-6.1.0-8.0.18", [27017]],
      ["rabbitmq", "rabbitmq6-6.1.0-4.2.2", [5671, 15671]],
      ["ui", "ui6-6.1.0", [3000]],
    ]);
    expect(after("ce-newhttps", "aws_lb_target_group.ingress_target-group")).toMatchObject({ name: "ce-newhttps-ui-https", protocol: "HTTPS", port: 3000 });
    expect(images("ce-legacy")).toEqual([
      ["core", "11062023", [8000]],
      ["core-init", "11062023", []],
      ["init", "3.12.6-management", []],
      ["mongodb", "5.0", [27017]],
      ["rabbitmq", "3.12.6-management", [5672, 15672]],
      ["ui", "11062023", [3000]],
    ]);
  });

  it("plans the HA variant's per-node resources, with ECS Exec where the environment turns it on", () => {
    for (const name of ["ce-haexec", "ce-haex"]) {
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
        expect(service).toMatchObject({
          name: `${name}-node-${n}`,
          desired_count: 1,
          deployment_minimum_healthy_percent: 0,
          deployment_maximum_percent: 100,
          wait_for_steady_state: true,
          enable_execute_command: name === "ce-haexec",
        });
      }
      const counts = resourceCountsByType(results.get(name)!.plan);
      // CE 6.1 (haexec): per node MongoDB, RabbitMQ and files-data, and the certificates; CE 5.0 (haex): per node MongoDB and RabbitMQ.
      const accessPoints = name === "ce-haexec" ? 16 : 10;
      expect({ name, counts }).toMatchObject({
        name,
        counts: { aws_ecs_service: 3, aws_ecs_task_definition: 3, aws_service_discovery_service: 3, aws_service_discovery_private_dns_namespace: 1, aws_efs_access_point: accessPoints, aws_efs_mount_target: 3 },
      });
    }
  });

  it("plans the scheduled Fargate Defender updater and the member-role stacks", () => {
    const counts = resourceCountsByType(results.get("ce-exnone")!.plan);
    expect(counts.aws_scheduler_schedule).toBe(1);
    const task = results.get("ce-exnone")!.plan.resource_changes!.find((c) => c.address === "aws_ecs_task_definition.defender_task-definition")!;
    expect(task.change.after).toMatchObject({ cpu: "512", memory: "1024", requires_compatibilities: ["FARGATE"] });
    expect(results.has("ce-exnone-defender-member-222222222222")).toBe(false);
    expect(resourceCountsByType(results.get("ce-exnone-defender-member-111111111111")!.plan)).toEqual({ aws_iam_role: 1, aws_iam_role_policy: 1 });
  });

});
