/**
 * Upgrading a standalone environment (image tags, size preset, core
 * variables) changes only the task definition, which the service follows;
 * the file system, its mount targets and access points, the secrets and the
 * load balancer keep their addresses and their properties.
 */
import { EnvironmentInput } from "../../modules/config";
import { baseEnvironment, CERTIFICATE_ARN } from "../support/fixtures";
import { diffStacks, resourceMap, synthEnvironment } from "../support/synth";

const before = baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } });
const STATEFUL = /^(aws_efs_|aws_secretsmanager_|random_password|aws_lb\.|aws_lb_target_group|aws_lb_listener|aws_s3_bucket|aws_kms_key)/;

const upgrades: [string, EnvironmentInput][] = [
  ["new image tags", { ...before, images: { core: { tag: "11062024" }, ui: { tag: "11062024" }, mongodb: { tag: "5.0.26" }, rabbitmq: { tag: "3.12.14-management" } } }],
  ["a larger size preset", { ...before, size: { preset: "large" } }],
  ["a cpu/memory override", { ...before, size: { preset: "medium", cpu: 8192, memory: 32768 } }],
  ["changed core variables", { ...before, application: { pullThreads: 8, extraEnvironment: { ENABLE_DEBUG: "true" } } }],
];

describe("standalone upgrades", () => {
  const old = synthEnvironment(before);

  it.each(upgrades)("%s change only the task definition (and the logical backup's, which runs the release's MongoDB image)", (label, input) => {
    const diff = diffStacks(old, synthEnvironment(input));
    const changed = ["aws_ecs_task_definition.workload_task_task-definition", ...(label === "new image tags" ? ["aws_ecs_task_definition.backup_mongodb_task-definition"] : [])];
    expect(diff).toEqual({ added: [], removed: [], changed: changed.sort() });
  });

  it.each(upgrades)("%s keep every stateful resource's address and properties", (_label, input) => {
    const a = resourceMap(old);
    const b = resourceMap(synthEnvironment(input));
    const stateful = [...a.keys()].filter((k) => STATEFUL.test(k));
    expect(stateful.length).toBeGreaterThan(20);
    for (const address of stateful) expect({ address, after: b.get(address) }).toEqual({ address, after: a.get(address) });
  });

  it("make the service follow the new task definition by reference", () => {
    const service = resourceMap(old).get("aws_ecs_service.workload_service_service")!;
    expect(service.task_definition).toBe("${aws_ecs_task_definition.workload_task_task-definition.arn}");
  });
});
