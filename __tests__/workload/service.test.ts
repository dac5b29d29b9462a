/** The service: one task that never overlaps itself, private, rolled back on failure, ECS Exec on. */
import { baseEnvironment, CERTIFICATE_ARN, TARGET_GROUP_ARN } from "../support/fixtures";
import { onlyResource, ref, synthEnvironment } from "../support/synth";

describe("service", () => {
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
  const service = onlyResource(stack, "aws_ecs_service");

  it("runs one Fargate task that is never doubled during a deployment", () => {
    expect(service).toMatchObject({
      name: "ce-test",
      desired_count: 1,
      launch_type: "FARGATE",
      platform_version: "1.4.0",
      deployment_minimum_healthy_percent: 0,
      deployment_maximum_percent: 100,
      deployment_circuit_breaker: { enable: true, rollback: true },
      task_definition: ref("aws_ecs_task_definition", "workload_task_task-definition", "arn"),
      wait_for_steady_state: true,
    });
  });

  it("runs in the private subnets without a public IP", () => {
    expect(service.network_configuration).toEqual({
      subnets: ["eu-west-1a", "eu-west-1b"].map((z) => ref("aws_subnet", `network_new-vpc_private-subnet_${z}`, "id")),
      security_groups: [ref("aws_security_group", "security-groups_tasks", "id")],
      assign_public_ip: false,
    });
  });

  it("leaves ECS Exec off unless the environment turns it on", () => {
    expect(service.enable_execute_command).toBe(false);
    expect(onlyResource(synthEnvironment(baseEnvironment({ workload: { enableExecuteCommand: true } })), "aws_ecs_service").enable_execute_command).toBe(true);
  });

  it("registers the UI container's port 3000 with the target group, after the listeners and mount targets exist", () => {
    expect(service.load_balancer).toEqual([{ target_group_arn: ref("aws_lb_target_group", "ingress_target-group", "arn"), container_name: "ui", container_port: 3000 }]);
    expect(service.health_check_grace_period_seconds).toBe(600);
    expect(service.depends_on).toEqual([
      "aws_efs_mount_target.storage_mount-target_eu-west-1a",
      "aws_efs_mount_target.storage_mount-target_eu-west-1b",
      "aws_lb_listener.ingress_https-listener",
      "aws_lb_listener.ingress_http-listener",
    ]);
  });

  it("registers with an existing target group", () => {
    const existing = onlyResource(
      synthEnvironment(baseEnvironment({ ingress: { mode: "existing-target-group", targetGroupArn: TARGET_GROUP_ARN, sourceCidrs: ["172.16.1.0/24"] } })),
      "aws_ecs_service",
    );
    expect(existing.load_balancer).toEqual([{ target_group_arn: TARGET_GROUP_ARN, container_name: "ui", container_port: 3000 }]);
  });

  it("has no load balancer without ingress", () => {
    const none = onlyResource(synthEnvironment(baseEnvironment({ ingress: { mode: "none" } })), "aws_ecs_service");
    expect(none.load_balancer).toBeUndefined();
    expect(none.health_check_grace_period_seconds).toBeUndefined();
  });

  it("accepts the LATEST platform version (1.4.0 today)", () => {
    expect(onlyResource(synthEnvironment(baseEnvironment({ workload: { platformVersion: "LATEST" } })), "aws_ecs_service").platform_version).toBe("LATEST");
  });
});
