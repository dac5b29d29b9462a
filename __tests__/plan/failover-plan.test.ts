/**
 * A standby region, proven the offline way: every standby among the
 * environment files plans as valid Terraform with its services at zero
 * tasks and its file system open to the primary's replication; and a
 * promoted standby is planned (-refresh=false, local backend) from the state
 * its stack holds when the failover deploys it: the replica (the file system
 * the standby's stack created, writable again, its overwrite protection
 * re-enabled by EFS), its key and its vault. The plan must replace and
 * delete nothing stateful, keep the replica at the file system's address,
 * and start the services.
 */
import { EnvironmentInput, parseEnvironment } from "../../modules/config";
import { STATEFUL } from "../policy/stateful";
import { ACCOUNT, CERTIFICATE_ARN, haEnvironment } from "../support/fixtures";
import { synthEnvironment } from "../support/synth";
import { craftedSchemas, craftedState, fileSystemOf, keyOf, vaultOf } from "./crafted-state";
import { planStack, PlanResult } from "./harness";
import { describePlans, planAll, shippedEnvironments } from "./planned-stacks";

const REPLICA = "fs-0b1c2d3e4f5a60789";
const KEY_ID = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a";
const REGION = "eu-central-1";
const replica = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ce/ha/${name}-AbCdEf`;

describePlans("a standby region (offline plans)", () => {
  const input = {
    ...haEnvironment({ name: "ha-standby", region: REGION, availabilityZones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"] }),
    ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN.replace("eu-west-1", REGION) },
    secrets: { mode: "existing", jwtSecretArn: replica("jwt-secret"), maintenanceSecretArn: replica("maintenance"), clusterSecretArn: replica("cluster"), backupSecretArn: replica("backup") },
    standby: { primary: "ha", primaryRegion: "eu-west-1", promoted: true },
  } as EnvironmentInput;
  const env = parseEnvironment(input);
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
  let promoted: PlanResult;
  let kept: string[] = [];
  let standbys: [string, PlanResult][] = [];

  beforeAll(async () => {
    const schemas = await craftedSchemas();
    const resources = [fileSystemOf(env, REPLICA, keyArn, { protection: [{ replication_overwrite: "ENABLED" }], throughput_mode: "elastic", tags: { Name: "ce-ha-standby-data" }, tags_all: { Name: "ce-ha-standby-data" } }), keyOf(env, KEY_ID), vaultOf(env, keyArn)];
    kept = resources.map((r) => `${r.type}.${r.name}`);
    promoted = await planStack({ name: `ce-${env.name}`, content: JSON.stringify(synthEnvironment(input)) }, { state: craftedState(schemas, resources) });
    const held = shippedEnvironments().filter((e) => e.input.standby && !e.input.standby.promoted).map((e) => `ce-${e.input.name}`);
    standbys = held.length > 0 ? [...(await planAll())].filter(([name]) => held.includes(name)).map(([name, p]) => [name, p.plan]) : [];
  }, 900_000);

  it("plans every held standby of the environment files as valid Terraform, its services at zero tasks, its file system open to the replication", () => {
    for (const [name, plan] of standbys) {
      expect({ name, ...plan.validation }).toMatchObject({ name, valid: true, error_count: 0 });
      const changes = plan.plan.resource_changes ?? [];
      for (const service of changes.filter((c) => c.type === "aws_ecs_service")) expect({ name, address: service.address, desired: service.change.after?.desired_count }).toEqual({ name, address: service.address, desired: 0 });
      expect(changes.find((c) => c.address === "aws_efs_file_system.storage_file-system")!.change.after).toMatchObject({ protection: [{ replication_overwrite: "DISABLED" }] });
    }
  });

  it("plans the promoted standby as valid Terraform", () => {
    expect(promoted.validation).toMatchObject({ valid: true, error_count: 0 });
  });

  it("replaces and deletes nothing from the state that holds the replica, keeping the replica, the key and the vault", () => {
    const changes = promoted.plan.resource_changes ?? [];
    expect(changes.filter((c) => c.change.actions.includes("delete")).map((c) => c.address)).toEqual([]);
    const byAddress = new Map(changes.map((c) => [c.address, c]));
    for (const address of kept) expect({ address, actions: byAddress.get(address)?.change.actions.join() }).toEqual({ address, actions: expect.stringMatching(/^(no-op|update)$/) });
    for (const c of changes.filter((c) => c.type in STATEFUL && !kept.includes(c.address))) expect({ address: c.address, actions: c.change.actions }).toEqual({ address: c.address, actions: ["create"] });
    expect(byAddress.get("aws_efs_file_system.storage_file-system")!.change.after).toMatchObject({ id: REPLICA, kms_key_id: keyArn, protection: [{ replication_overwrite: "ENABLED" }] });
  });

  it("starts every node of the promoted standby on the replica", () => {
    const changes = promoted.plan.resource_changes ?? [];
    const services = changes.filter((c) => c.type === "aws_ecs_service");
    expect(services.map((c) => c.change.after?.desired_count)).toEqual([1, 1, 1]);
    for (const task of changes.filter((c) => c.type === "aws_ecs_task_definition" && c.address.startsWith("aws_ecs_task_definition.ha_"))) {
      const volumes = task.change.after?.volume as { efs_volume_configuration?: { file_system_id: string }[] }[];
      for (const v of volumes.filter((x) => x.efs_volume_configuration?.length)) expect(v.efs_volume_configuration![0].file_system_id).toBe(REPLICA);
    }
  });
});
