/**
 * The plan controls' reading of values Terraform leaves unknown until apply:
 * container definitions that name a secret created in the same run are
 * checked on the configuration they will be evaluated from.
 */
import { StackJson } from "../support/synth";
import { Change, PLAN_CONTROLS } from "./plan-controls";

const ecs8 = PLAN_CONTROLS.find((c) => c.id === "ECS.8")!;

function unknownDefinitions(environment: { name: string; value: string }[]): [Change[], StackJson] {
  const definitions = JSON.stringify([
    { name: "core", environment, secrets: [{ name: "MONGO_ROOT_PASSWORD", valueFrom: "${aws_secretsmanager_secret.maintenance.arn}" }] },
  ]);
  const change = {
    address: "aws_ecs_task_definition.task",
    type: "aws_ecs_task_definition",
    name: "task",
    mode: "managed",
    change: { actions: ["create"], after: {}, after_unknown: { container_definitions: true } },
  } as unknown as Change;
  const stack = { resource: { aws_ecs_task_definition: { task: { container_definitions: definitions } } } } as unknown as StackJson;
  return [[change], stack];
}

describe("ECS.8 on definitions unknown until apply", () => {
  it("finds a secret-named variable in the configuration the definitions are evaluated from", () => {
    const [changes, stack] = unknownDefinitions([{ name: "MONGO_PASSWORD", value: "${aws_secretsmanager_secret_version.x.secret_string}" }]);
    expect(ecs8.check(changes, stack)).toEqual([{ resource: "aws_ecs_task_definition.task[core]", message: "variable MONGO_PASSWORD carries a secret" }]);
  });

  it("passes definitions whose secrets come through the secrets list", () => {
    const [changes, stack] = unknownDefinitions([{ name: "CE_HOSTNAME", value: "$${literal}" }]);
    expect(ecs8.check(changes, stack)).toEqual([]);
  });

  it("reports definitions it can read from neither the plan nor the configuration", () => {
    const [changes] = unknownDefinitions([]);
    expect(ecs8.check(changes, {} as StackJson)).toEqual([{ resource: "aws_ecs_task_definition.task", message: "container definitions neither planned nor configured" }]);
  });
});
