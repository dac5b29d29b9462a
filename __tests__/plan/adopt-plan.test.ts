/**
 * Adopting the official template's deployment, proven the offline way: the
 * adopt-mode stack is planned (`-refresh=false`, local backend) from a state
 * that holds the template's file system, mount targets and access points at
 * the stack's addresses, as right after the import blocks ran. The plan must
 * replace and delete nothing the template created, leave no import to do, and
 * create only what the project adds around the data; and a destroy plan of
 * that state must be refused even with protection.allowDestroy, for every
 * resource adopted.
 */
import { parseEnvironment } from "../../modules/config";
import { STATEFUL } from "../policy/stateful";
import { adoptedEnvironment, EXISTING_NETWORK, OFFICIAL_TEMPLATE } from "../support/fixtures";
import { EnvironmentInput } from "../../modules/config";
import { synthEnvironment } from "../support/synth";
import { planStack, PlanResult } from "./harness";
import { adoptedResourceSchemas, officialTemplateState } from "./official-template-state";
import { describePlans } from "./plan-availability";

describePlans("adopting the official template's deployment (offline plan from its state)", () => {
  const plans = new Map<string, PlanResult>();
  /** Addresses the state holds (the template's resources, adopted), per release. */
  const adopted = new Map<string, string[]>();

  beforeAll(async () => {
    const schemas = await adoptedResourceSchemas();
    for (const release of ["5.0", "6.1"] as const) {
      const input = adoptedEnvironment(release);
      const env = parseEnvironment(input);
      const stack = synthEnvironment(input);
      const state = officialTemplateState(schemas, env.availabilityZones, EXISTING_NETWORK.privateSubnetIds, Object.keys(env.adopt!.accessPointIds));
      adopted.set(release, (state as { resources: { type: string; name: string }[] }).resources.map((r) => `${r.type}.${r.name}`));
      plans.set(release, await planStack({ name: `ce-${env.name}`, content: JSON.stringify(stack) }, { state }));
    }
  }, 600_000);

  it.each(["5.0", "6.1"])("is valid Terraform with its import blocks (release %s)", (release) => {
    expect(plans.get(release)!.validation).toMatchObject({ valid: true, error_count: 0 });
  });

  it.each(["5.0", "6.1"])("replaces and deletes nothing the template created, and nothing stateful (release %s)", (release) => {
    const changes = plans.get(release)!.plan.resource_changes ?? [];
    const template = changes.filter((c) => adopted.get(release)!.includes(c.address));
    expect(template.map((c) => c.address).sort()).toEqual([...adopted.get(release)!].sort());
    for (const c of template) expect({ address: c.address, kept: ["no-op", "update"].includes(c.change.actions.join()) }).toEqual({ address: c.address, kept: true });
    const destructive = changes.filter((c) => c.change.actions.includes("delete"));
    expect(destructive.map((c) => c.address)).toEqual([]);
    const stateful = changes.filter((c) => c.type in STATEFUL);
    for (const c of stateful) expect(c.change.actions).not.toContain("delete");
  });

  it.each(["5.0", "6.1"])("finds every import already done: the state holds the template's IDs at the import blocks' addresses (release %s)", (release) => {
    const changes = plans.get(release)!.plan.resource_changes ?? [];
    expect(changes.filter((c) => (c.change as { importing?: unknown }).importing !== undefined).map((c) => c.address)).toEqual([]);
    const fileSystem = changes.find((c) => c.address === "aws_efs_file_system.storage_file-system")!;
    expect(fileSystem.change.after).toMatchObject({
      id: OFFICIAL_TEMPLATE.fileSystemId,
      kms_key_id: OFFICIAL_TEMPLATE.awsManagedEfsKeyArn,
      creation_token: OFFICIAL_TEMPLATE.creationToken,
      performance_mode: "generalPurpose",
      encrypted: true,
    });
  });

  it("moves the mount targets to the project's EFS security group in place", () => {
    const targets = (plans.get("5.0")!.plan.resource_changes ?? []).filter((c) => c.type === "aws_efs_mount_target");
    expect(targets.map((c) => c.change.actions)).toEqual([["update"], ["update"]]);
  });

  it("creates on CE 6.1 only the access points the 6.x layout adds (RabbitMQ 4's new directory, certificates, files-data), leaving 3.12's directory alone", () => {
    const created = (plans.get("6.1")!.plan.resource_changes ?? [])
      .filter((c) => c.type === "aws_efs_access_point" && c.change.actions.includes("create"))
      .map((c) => c.address.replace("aws_efs_access_point.storage_access-point_", ""))
      .sort();
    expect(created).toEqual(["custom-plugins-subdir", "files-data", "internal-ca", "internal-certs", "rabbitmq4-data"]);
  });
});

describePlans("destroying an environment that adopted the template's data (offline destroy plan from its state)", () => {
  let refusal = "";
  let deleted: string[] = [];
  let adopted: string[] = [];

  beforeAll(async () => {
    // The documented way to remove an environment on purpose: protection.allowDestroy, then destroy.
    const input = { ...adoptedEnvironment("5.0"), protection: { allowDestroy: true } } as EnvironmentInput;
    const env = parseEnvironment(input);
    const state = officialTemplateState(await adoptedResourceSchemas(), env.availabilityZones, EXISTING_NETWORK.privateSubnetIds, Object.keys(env.adopt!.accessPointIds));
    adopted = (state as { resources: { type: string; name: string }[] }).resources.map((r) => `${r.type}.${r.name}`);
    try {
      const plan = await planStack({ name: `ce-${env.name}`, content: JSON.stringify(synthEnvironment(input)) }, { state, destroy: true });
      deleted = (plan.plan.resource_changes ?? []).filter((c) => c.change.actions.includes("delete")).map((c) => c.address);
    } catch (error) {
      refusal = (error as Error).message.replace(/\s+/g, " ");
    }
  }, 600_000);

  it("is refused for the file system, each mount target and each kept access point, even with protection.allowDestroy", () => {
    expect(adopted).toHaveLength(1 + OFFICIAL_TEMPLATE.mountTargetIds.length + Object.keys(OFFICIAL_TEMPLATE.accessPoints).length);
    expect({ deleted }).toEqual({ deleted: [] });
    for (const address of adopted) expect({ address, refused: refusal.includes(`Resource ${address} has lifecycle.prevent_destroy set`) }).toEqual({ address, refused: true });
  });
});
