/**
 * A restore, proven the offline way: the environment's stack, with
 * storage.restoredFileSystem naming the file system the restore job created,
 * is planned (-refresh=false, local backend) from the state the restore's
 * step 5 leaves: the old file system's resources gone from it (state rm),
 * the restored file system at the file system's address (as right after
 * the import), and the environment's other stateful resources (its key, its
 * secrets and their values, its vault) as they were. The plan must replace
 * and delete nothing, keep every stateful resource, leave no import to do,
 * and create the restored file system's mount targets and access points;
 * and the check the printed restore runs on its plan must accept it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentInput, parseEnvironment } from "../../modules/config";
import { fileSystemAddresses } from "../../modules/restore/file-system-addresses";
import { restoreSteps } from "../../modules/restore/restore";
import { STATEFUL } from "../policy/stateful";
import { RESTORED_FILE_SYSTEM, StandInProject } from "../support/cli-stand-ins";
import { baseEnvironment, CERTIFICATE_ARN } from "../support/fixtures";
import { synthEnvironment } from "../support/synth";
import { craftedSchemas, craftedState, fileSystemOf, generatedSecretsOf, keyOf, vaultOf } from "./crafted-state";
import { planStack, PlanResult } from "./harness";
import { describePlans } from "./plan-availability";

const KEY_ID = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

describePlans("restoring from a recovery point (offline plan from the state the restore leaves)", () => {
  const base = baseEnvironment({ name: "restored", ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } });
  const keyArn = `arn:aws:kms:${base.region}:${base.accountId}:key/${KEY_ID}`;
  const input = { ...base, storage: { restoredFileSystem: { fileSystemId: RESTORED_FILE_SYSTEM, kmsKeyArn: keyArn } } } as EnvironmentInput;
  const env = parseEnvironment(input);
  let plan: PlanResult;
  let kept: string[] = [];
  let showJson = "";

  beforeAll(async () => {
    const schemas = await craftedSchemas();
    const resources = [fileSystemOf(env, RESTORED_FILE_SYSTEM, keyArn), keyOf(env, KEY_ID), vaultOf(env, keyArn), ...generatedSecretsOf(env, keyArn)];
    kept = resources.map((r) => `${r.type}.${r.name}`);
    plan = await planStack({ name: `ce-${env.name}`, content: JSON.stringify(synthEnvironment(input)) }, { state: craftedState(schemas, resources) });
    showJson = JSON.stringify(plan.plan);
  }, 600_000);

  it("is valid Terraform with the restored file system's import block", () => {
    expect(plan.validation).toMatchObject({ valid: true, error_count: 0 });
  });

  it("replaces and deletes nothing, and keeps every stateful resource the environment had", () => {
    const changes = plan.plan.resource_changes ?? [];
    expect(changes.filter((c) => c.change.actions.includes("delete")).map((c) => c.address)).toEqual([]);
    const byAddress = new Map(changes.map((c) => [c.address, c]));
    for (const address of kept) {
      expect({ address, actions: byAddress.get(address)?.change.actions.join() }).toEqual({ address, actions: expect.stringMatching(/^(no-op|update)$/) });
    }
    for (const c of changes.filter((c) => c.type in STATEFUL && !kept.includes(c.address))) expect({ address: c.address, actions: c.change.actions }).toEqual({ address: c.address, actions: ["create"] });
  });

  it("finds the restored file system imported at the file system's address, and creates its mount targets and access points on it", () => {
    const changes = plan.plan.resource_changes ?? [];
    expect(changes.filter((c) => (c.change as { importing?: unknown }).importing !== undefined).map((c) => c.address)).toEqual([]);
    expect(changes.find((c) => c.address === "aws_efs_file_system.storage_file-system")!.change.after).toMatchObject({ id: RESTORED_FILE_SYSTEM, kms_key_id: keyArn, encrypted: true });
    const onIt = changes.filter((c) => ["aws_efs_mount_target", "aws_efs_access_point", "aws_efs_file_system_policy", "aws_efs_backup_policy"].includes(c.type));
    expect(onIt.length).toBe(2 + 10 + 2);
    for (const c of onIt) expect({ address: c.address, actions: c.change.actions, fs: c.change.after?.file_system_id }).toEqual({ address: c.address, actions: ["create"], fs: RESTORED_FILE_SYSTEM });
    // The addresses the restore takes out of the state are exactly those it now creates again (and the file system it imports).
    expect(fileSystemAddresses(env).filter((a) => !changes.some((c) => c.address === a && c.change.actions.join() === "create"))).toEqual(["aws_efs_file_system.storage_file-system"]);
  });

  it("passes the check the printed restore runs before it applies (and that check refuses the old file system in its place)", () => {
    const project = new StandInProject();
    try {
      project.plan(showJson);
      const step5 = restoreSteps(env, fileSystemAddresses(env)).filter((s) => s.label === "5");
      const files = { "ce-restored-restore-file-system": RESTORED_FILE_SYSTEM, "ce-restored-restore-services": "ce-restored", "ce-restored-restore-cluster": "ce-restored" };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(project.dir, name), `${text}\n`);
      project.state([]);
      const vars = { AWS_REGION: env.region, FAKE_ACCOUNT: env.accountId };
      const accepted = project.run(step5, vars);
      expect({ status: accepted.status, output: accepted.output }).toMatchObject({ status: 0 });
      expect(accepted.calls).toContainEqual("terraform -chdir=cdktf.out/stacks/ce-restored apply -input=false restore.tfplan");
      writeFileSync(join(project.dir, "ce-restored-restore-file-system"), "fs-0a0b0c0d0e0f01234\n");
      const refused = project.run(step5, vars);
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain("the plan does not put fs-0a0b0c0d0e0f01234 at aws_efs_file_system.storage_file-system");
    } finally {
      project.remove();
    }
  });
});
