/** The ECS cluster: new with Container Insights and audited ECS Exec, or an existing one by name. */
import { baseEnvironment } from "../support/fixtures";
import { onlyResource, ref, synthEnvironment } from "../support/synth";

describe("cluster", () => {
  it("is created with Container Insights, Fargate and KMS-encrypted, logged ECS Exec sessions", () => {
    const stack = synthEnvironment(baseEnvironment({ workload: { enableExecuteCommand: true } }));
    expect(onlyResource(stack, "aws_ecs_cluster")).toMatchObject({
      name: "ce-test",
      setting: [{ name: "containerInsights", value: "enabled" }],
      configuration: {
        execute_command_configuration: {
          kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
          logging: "OVERRIDE",
          log_configuration: {
            cloud_watch_log_group_name: ref("aws_cloudwatch_log_group", "logs_execute-command", "name"),
            cloud_watch_encryption_enabled: true,
          },
        },
      },
    });
    expect(onlyResource(stack, "aws_ecs_cluster_capacity_providers")).toMatchObject({ capacity_providers: ["FARGATE"] });
    expect(onlyResource(stack, "aws_ecs_service").cluster).toBe(ref("aws_ecs_cluster", "cluster_cluster", "arn"));
  });

  it("is an existing cluster by name when given", () => {
    const stack = synthEnvironment(baseEnvironment({ cluster: { existingClusterName: "shared-fargate" } }));
    expect(stack.resource?.aws_ecs_cluster).toBeUndefined();
    expect(onlyResource(stack, "aws_ecs_service").cluster).toBe("arn:aws:ecs:eu-west-1:210987654321:cluster/shared-fargate");
  });
});
