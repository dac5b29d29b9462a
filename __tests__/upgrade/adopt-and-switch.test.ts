/**
 * Adopt mode in the synthesized Terraform, and the 5.0 -> 6.1 release switch:
 * import blocks for exactly the template's resources, every setting that
 * would replace the file system, a mount target or a kept access point taken
 * from the adopt settings (never from defaults, whatever they are), the
 * checks that keep adopt consistent, and a release switch that touches
 * nothing stateful and runs the data upgrade before CE's mongod.
 */
import fc from "fast-check";
import { EnvironmentInput, environmentWarnings, parseEnvironment, problemsOf } from "../../modules/config";
import { FCV_WALK_IMAGES } from "../../modules/upgrade/data-upgrade";
import { FCV_MARKER } from "../../modules/workload/container-definitions";
import { IDENTITY, STATEFUL } from "../policy/stateful";
import { adoptedEnvironment, EXISTING_NETWORK, haEnvironment, OFFICIAL_TEMPLATE } from "../support/fixtures";
import { containerNamed, containersOf, onlyResource, resourceMap, resourceNamed, StackJson, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const importsOf = (stack: StackJson) => (stack.import as { id: string; to: string }[] | undefined) ?? [];

describe("adopt mode", () => {
  const stack = synthEnvironment(adoptedEnvironment("5.0"));

  it("imports the template's file system, both mount targets and the access points kept, at the stack's addresses", () => {
    expect(importsOf(stack)).toEqual([
      { id: OFFICIAL_TEMPLATE.fileSystemId, to: "aws_efs_file_system.storage_file-system" },
      { id: OFFICIAL_TEMPLATE.mountTargetIds[0], to: "aws_efs_mount_target.storage_mount-target_eu-west-1a" },
      { id: OFFICIAL_TEMPLATE.mountTargetIds[1], to: "aws_efs_mount_target.storage_mount-target_eu-west-1b" },
      ...["mongo-data", "rabbitmq-data", "custom-plugins", "repos", "ssl-certs"].map((key) => ({
        id: OFFICIAL_TEMPLATE.accessPoints[key as keyof typeof OFFICIAL_TEMPLATE.accessPoints].id,
        to: `aws_efs_access_point.storage_access-point_${key}`,
      })),
    ]);
  });

  it("imports each mount target in the subnet it is in, whatever order the adopt settings list them in", () => {
    const input = adoptedEnvironment("5.0");
    const reversed = Object.fromEntries(Object.entries(input.adopt!.mountTargetIds).reverse());
    const synthesized = synthEnvironment({ ...input, adopt: { ...input.adopt!, mountTargetIds: reversed } } as EnvironmentInput);
    const resources = resourceMap(synthesized);
    const targets = importsOf(synthesized).filter((i) => i.to.startsWith("aws_efs_mount_target."));
    // The template's mount targets, by the subnet each is in (OFFICIAL_TEMPLATE lists them in subnet order).
    const subnetOf = Object.fromEntries(OFFICIAL_TEMPLATE.mountTargetIds.map((id, i) => [id, EXISTING_NETWORK.privateSubnetIds[i]]));
    expect(targets.map((t) => ({ id: t.id, subnet: resources.get(t.to)!.subnet_id }))).toEqual(OFFICIAL_TEMPLATE.mountTargetIds.map((id) => ({ id, subnet: subnetOf[id] })));
  });

  it("warns when adopting changes the file system's throughput mode or removes its lifecycle policies, naming the field", () => {
    const warningsOf = (input: EnvironmentInput) => environmentWarnings([parseEnvironment(input)], ["t"], "2026-01-01").filter((w) => w.path !== "release").map((w) => `${w.path}: ${w.message}`);
    const input = adoptedEnvironment("5.0");
    expect(warningsOf(input)).toEqual([
      "storage.throughputMode: is elastic: the first deploy changes the adopted file system's throughput mode from bursting (adopt.throughputMode) to elastic in place, which bills reads and writes by the gigabyte; set storage.throughputMode to \"bursting\" to keep it",
    ]);
    expect(warningsOf({ ...input, storage: { throughputMode: "bursting" } })).toEqual([]);
    expect(warningsOf({ ...input, storage: { throughputMode: "bursting" }, adopt: { ...input.adopt!, lifecyclePolicies: [{ TransitionToIA: "AFTER_30_DAYS" }, { TransitionToPrimaryStorageClass: "AFTER_1_ACCESS" }] } })).toEqual([
      expect.stringMatching(/^adopt\.lifecyclePolicies: lists TransitionToIA AFTER_30_DAYS, TransitionToPrimaryStorageClass AFTER_1_ACCESS: the stack manages the file system without lifecycle policies, so the first deploy removes them/),
    ]);
  });

  it.each(["5.0", "6.1"] as const)("protects everything it imports from any destroy, with protection.allowDestroy too (release %s)", (release) => {
    const allowing = synthEnvironment({ ...adoptedEnvironment(release), protection: { allowDestroy: true } } as EnvironmentInput);
    const imported = importsOf(allowing).map((i) => i.to);
    expect(imported.length).toBeGreaterThan(3);
    const resources = resourceMap(allowing);
    for (const address of imported) expect({ address, lifecycle: resources.get(address)!.lifecycle }).toEqual({ address, lifecycle: { prevent_destroy: true } });
    // The access points the environment created itself (6.x's new directories) still follow protection.allowDestroy.
    const created = [...resources.keys()].filter((a) => a.startsWith("aws_efs_access_point.") && !imported.includes(a));
    expect(created.length).toBe(release === "5.0" ? 0 : 5);
    for (const address of created) expect({ address, lifecycle: resources.get(address)!.lifecycle }).toEqual({ address, lifecycle: undefined });
  });

  it("takes every replacement-forcing setting of the file system and the kept access points from the adopt settings, for any values", () => {
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    fc.assert(
      fc.property(
        fc.record({
          key: fc.uuid(),
          token: fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
          mode: fc.constantFrom("generalPurpose", "maxIO"),
          permissions: fc.stringMatching(/^0[0-7]{3}$/),
          fs: hex(17),
        }),
        ({ key, token, mode, permissions, fs }) => {
          const input = adoptedEnvironment("5.0");
          const adopt = { ...input.adopt!, kmsKeyArn: `arn:aws:kms:eu-west-1:210987654321:key/${key}`, creationToken: token, performanceMode: mode, accessPointPermissions: permissions, fileSystemId: `fs-${fs}` };
          const synthesized = synthEnvironment({ ...input, adopt } as EnvironmentInput);
          expect(resourceNamed(synthesized, "aws_efs_file_system", "storage_file-system")).toMatchObject({
            encrypted: true,
            kms_key_id: adopt.kmsKeyArn,
            creation_token: token,
            performance_mode: mode,
          });
          expect(resourceNamed(synthesized, "aws_efs_file_system", "storage_file-system").availability_zone_name).toBeUndefined();
          expect(resourceNamed(synthesized, "aws_efs_access_point", "storage_access-point_mongo-data").root_directory.creation_info.permissions).toBe(permissions);
          expect(importsOf(synthesized)[0]).toEqual({ id: `fs-${fs}`, to: "aws_efs_file_system.storage_file-system" });
        },
      ),
      { numRuns: 25 },
    );
  });

  it("keeps the project's own settings for what it creates beside the data", () => {
    const six = synthEnvironment(adoptedEnvironment("6.1"));
    expect(resourceNamed(six, "aws_efs_access_point", "storage_access-point_internal-ca").root_directory.creation_info.permissions).toBe("0700");
    expect(importsOf(six).map((i) => i.to)).not.toContain("aws_efs_access_point.storage_access-point_internal-ca");
  });

  it.each<[string, (e: EnvironmentInput) => EnvironmentInput, string, RegExp]>([
    ["a new VPC", (e) => ({ ...e, network: { mode: "new" } }), "network.mode", /must be "existing" with adopt: the file system's mount targets are in the official stack's VPC/],
    ["the HA variant", (e) => ({ ...e, variant: "ha", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }), "variant", /must be "standalone" with adopt/],
    ["generated secrets", (e) => ({ ...e, secrets: { mode: "generate" } }), "secrets.mode", /must be "existing" with adopt: the data's users have the official stack's maintenance password/],
    ["6.1 without the upgrade", (e) => ({ ...e, release: "6.1", size: { preset: "medium" }, adopt: { ...e.adopt!, accessPointIds: {} } }), "upgrade", /is required with adopt on release 6.1: the official template's data is CE 5.0's/],
    ["a kept access point 6.x does not use", (e) => ({ ...e, release: "6.1", size: { preset: "medium" }, upgrade: { fromRelease: "5.0" } }), 'adopt.accessPointIds["rabbitmq-data"]', /is not an access point of release 6.1's data layout/],
    ["mount targets as a list (its order cannot say which subnet each is in)", (e) => ({ ...e, adopt: { ...e.adopt!, mountTargetIds: [...OFFICIAL_TEMPLATE.mountTargetIds] as never } }), "adopt.mountTargetIds", /must map each private subnet ID to the mount target in it/],
    ["a private subnet without its mount target", (e) => ({ ...e, adopt: { ...e.adopt!, mountTargetIds: { [EXISTING_NETWORK.privateSubnetIds[0]]: OFFICIAL_TEMPLATE.mountTargetIds[0] } } }), "adopt.mountTargetIds", /has no mount target for subnet-0a1b2c3d4e5f60722/],
    ["a mount target in another subnet", (e) => ({ ...e, adopt: { ...e.adopt!, mountTargetIds: { ...e.adopt!.mountTargetIds, "subnet-0fffffffffffffff0": "fsmt-0a1b2c3d4e5f60709" } } }), 'adopt.mountTargetIds["subnet-0fffffffffffffff0"]', /is not one of network.privateSubnetIds/],
    ["one mount target for two subnets", (e) => ({ ...e, adopt: { ...e.adopt!, mountTargetIds: Object.fromEntries(EXISTING_NETWORK.privateSubnetIds.map((s) => [s, OFFICIAL_TEMPLATE.mountTargetIds[0]])) } }), 'adopt.mountTargetIds["subnet-0a1b2c3d4e5f60722"]', /is fsmt-0a1b2c3d4e5f60701, already listed for subnet-0a1b2c3d4e5f60711/],
    ["a malformed file system ID", (e) => ({ ...e, adopt: { ...e.adopt!, fileSystemId: "fs-xyz" } }), "adopt.fileSystemId", /must be an EFS file system ID such as fs-0123456789abcdef0/],
  ])("refuses %s, naming the field", (_label, change, path, message) => {
    const problems = problemsOf({ source: "t", input: change(adoptedEnvironment("5.0")) }).problems;
    const match = problems.find((p) => p.path === path);
    if (!match) throw new Error(`no problem at ${path}; got ${JSON.stringify(problems)}`);
    expect(match.message).toMatch(message);
  });
});

describe("switching release 5.0 -> 6.1 with the data upgrade", () => {
  const before = synthEnvironment(adoptedEnvironment("5.0"));
  const input = adoptedEnvironment("5.0");
  const afterInput = { ...input, release: "6.1", size: { preset: "medium" }, upgrade: { fromRelease: "5.0" } } as EnvironmentInput;
  const after = synthEnvironment({ ...afterInput, adopt: { ...afterInput.adopt!, accessPointIds: Object.fromEntries(Object.entries(afterInput.adopt!.accessPointIds ?? {}).filter(([k]) => k !== "rabbitmq-data")) } });
  const task = workloadTaskDefinition(after);
  const containers = containersOf(task);

  it("keeps every stateful resource and every access point, mount target and namespace of the data with the same replacement-forcing settings", () => {
    const a = resourceMap(before);
    const b = resourceMap(after);
    const guarded = { ...Object.fromEntries(Object.entries(STATEFUL).map(([t, s]) => [t, s.forceNew])), ...IDENTITY };
    const kept = [...a.keys()].filter((address) => address.split(".")[0] in guarded);
    expect(kept.length).toBeGreaterThan(6);
    for (const address of kept) {
      if (address === "aws_efs_access_point.storage_access-point_rabbitmq-data") continue; // RabbitMQ 3.12's directory: its access point goes, the directory stays
      const now = b.get(address);
      expect({ address, kept: now !== undefined }).toEqual({ address, kept: true });
      const pick = (c: Record<string, unknown>) => Object.fromEntries(guarded[address.split(".")[0]].map((k) => [k, c[k]]));
      expect({ address, ...pick(now!) }).toEqual({ address, ...pick(a.get(address)!) });
    }
    expect(b.has("aws_efs_access_point.storage_access-point_rabbitmq4-data")).toBe(true);
  });

  it("runs the FCV walk after init and before CE's mongod: 5.0 with MongoDB 5.0, 6.0 with MongoDB 6.0, then 7.0 with MongoDB 7.0, each waiting for the previous one", () => {
    const step5 = containerNamed(task, "mongodb-fcv-5-0");
    const step6 = containerNamed(task, "mongodb-fcv-6-0");
    const step7 = containerNamed(task, "mongodb-fcv-7-0");
    expect(step5).toMatchObject({ image: `${FCV_WALK_IMAGES["5.0"].repository}:${FCV_WALK_IMAGES["5.0"].tag}`, user: "1001:1001", essential: false, dependsOn: [{ containerName: "init", condition: "SUCCESS" }] });
    expect(step6).toMatchObject({ image: `${FCV_WALK_IMAGES["6.0"].repository}:${FCV_WALK_IMAGES["6.0"].tag}`, user: "1001:1001", essential: false, dependsOn: [{ containerName: "mongodb-fcv-5-0", condition: "SUCCESS" }] });
    expect(step7).toMatchObject({ image: `${FCV_WALK_IMAGES["7.0"].repository}:${FCV_WALK_IMAGES["7.0"].tag}`, dependsOn: [{ containerName: "mongodb-fcv-6-0", condition: "SUCCESS" }] });
    expect(containerNamed(task, "mongodb").dependsOn).toContainEqual({ containerName: "mongodb-fcv-7-0", condition: "SUCCESS" });
    for (const step of [step5, step6, step7]) {
      expect(step.mountPoints).toEqual([{ sourceVolume: "mongo-data", containerPath: "/data/db", readOnly: false }]);
      expect(Object.fromEntries(step.environment.map((e: any) => [e.name, e.value]))).toMatchObject({ CE_UPGRADE_MARKER: FCV_MARKER });
      expect(step.secrets.map((s: any) => s.name)).toEqual(["MONGO_ROOT_PASSWORD", "CE_PREVIOUS_ROOT_PASSWORD"]);
      // ECS gives the step the longest stop time Fargate allows, for its mongod's clean shutdown.
      expect(step.stopTimeout).toBe(120);
    }
    expect(containers.map((c) => c.name).indexOf("mongodb-fcv-5-0")).toBeLessThan(containers.map((c) => c.name).indexOf("mongodb"));
  });

  it("adds the optional FCV 8.0 step with CE's own MongoDB image when asked", () => {
    const eight = synthEnvironment({ ...afterInput, adopt: { ...afterInput.adopt!, accessPointIds: {} }, upgrade: { fromRelease: "5.0", featureCompatibilityVersion: "8.0" } });
    const step8 = containerNamed(workloadTaskDefinition(eight), "mongodb-fcv-8-0");
    expect(step8.image).toBe(containerNamed(workloadTaskDefinition(eight), "mongodb").image);
    expect(step8.dependsOn).toEqual([{ containerName: "mongodb-fcv-7-0", condition: "SUCCESS" }]);
  });

  it("starts RabbitMQ 4 on its new directory, never on 3.12's", () => {
    const rabbit = containerNamed(task, "rabbitmq");
    const volumes = Object.fromEntries(task.volume.map((v: any) => [v.name, v.efs_volume_configuration?.authorization_config?.access_point_id]));
    const dataMount = rabbit.mountPoints.find((m: any) => m.containerPath.startsWith("/var/lib/rabbitmq")).sourceVolume;
    expect(volumes[dataMount]).toBe("${aws_efs_access_point.storage_access-point_rabbitmq4-data.id}");
  });

  it("turns the circuit breaker's rollback off while the upgrade is set (the old release cannot open data a step has moved on)", () => {
    expect(onlyResource(after, "aws_ecs_service").deployment_circuit_breaker).toEqual({ enable: true, rollback: false });
    expect(onlyResource(before, "aws_ecs_service").deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  it("has no upgrade containers without the upgrade", () => {
    const plain = containersOf(workloadTaskDefinition(synthEnvironment({ ...afterInput, upgrade: undefined, adopt: undefined, network: { mode: "new" }, secrets: { mode: "generate" } } as EnvironmentInput)));
    expect(plain.map((c) => c.name).filter((n) => n.startsWith("mongodb-fcv"))).toEqual([]);
  });
});

describe("upgrading an HA environment's data (whole cluster, nodes one after another)", () => {
  const ha = synthEnvironment(haEnvironment({ release: "6.1", upgrade: { fromRelease: "5.0" } }));
  const tasks = [1, 2, 3].map((n) => resourceNamed(ha, "aws_ecs_task_definition", `ha_node-${n}_task_task-definition`));

  it("walks each node's own data before that node's mongod starts", () => {
    for (const [i, task] of tasks.entries()) {
      expect({ node: i + 1, mongodbWaitsFor: containerNamed(task, "mongodb").dependsOn }).toEqual({
        node: i + 1,
        mongodbWaitsFor: expect.arrayContaining([{ containerName: "mongodb-fcv-7-0", condition: "SUCCESS" }]),
      });
      const volume = task.volume.find((v: any) => v.name === "mongo-data");
      expect(volume.efs_volume_configuration.authorization_config.access_point_id).toBe(
        `\${aws_efs_access_point.storage_access-point_${i === 0 ? "mongo-data" : `mongo-data-node-${i + 1}`}.id}`,
      );
    }
  });

  it("starts the nodes one after another, each after the previous one is stable, with rollback off", () => {
    const service = (n: number) => resourceNamed(ha, "aws_ecs_service", `ha_node-${n}_service_service`);
    expect(service(2).depends_on).toContain("aws_ecs_service.ha_node-1_service_service");
    expect(service(3).depends_on).toContain("aws_ecs_service.ha_node-2_service_service");
    for (const n of [1, 2, 3]) expect(service(n)).toMatchObject({ wait_for_steady_state: true, deployment_circuit_breaker: { enable: true, rollback: false } });
  });
});
