/** EFS: encrypted, backed up into the environment's vault, one mount target per private subnet, owner-fixed access points, TLS + IAM only. */
import { baseEnvironment } from "../support/fixtures";
import { evaluate, statementsOf } from "../support/iam-simulator";
import { onlyResource, policyOf, ref, resourcesOf, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const fs = (attr: string) => ref("aws_efs_file_system", "storage_file-system", attr);

describe("the file system", () => {
  const stack = synthEnvironment(baseEnvironment());

  it("is KMS-encrypted with elastic throughput and protected from destruction", () => {
    expect(onlyResource(stack, "aws_efs_file_system")).toMatchObject({
      encrypted: true,
      kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"),
      throughput_mode: "elastic",
      performance_mode: "generalPurpose",
      lifecycle: { prevent_destroy: true },
    });
  });

  it("can use bursting throughput", () => {
    const bursting = synthEnvironment(baseEnvironment({ storage: { throughputMode: "bursting" } }));
    expect(onlyResource(bursting, "aws_efs_file_system").throughput_mode).toBe("bursting");
  });

  it("is backed up by the environment's own plan, its automatic backup to the account's default vault turned off", () => {
    expect(onlyResource(stack, "aws_efs_backup_policy")).toEqual(expect.objectContaining({ file_system_id: fs("id"), backup_policy: { status: "DISABLED" } }));
    expect(onlyResource(stack, "aws_backup_selection").resources).toEqual([fs("arn")]);
  });

  it("has a mount target in each private subnet, behind the EFS security group", () => {
    const targets = resourcesOf(stack, "aws_efs_mount_target").map(([, t]) => [t.subnet_id, t.security_groups]);
    expect(targets).toEqual(
      ["eu-west-1a", "eu-west-1b"].map((zone) => [
        ref("aws_subnet", `network_new-vpc_private-subnet_${zone}`, "id"),
        [ref("aws_security_group", "security-groups_file-system", "id")],
      ]),
    );
  });

  it("exposes each data path through an access point owned by uid/gid 1001", () => {
    const points = Object.fromEntries(
      resourcesOf(stack, "aws_efs_access_point").map(([name, p]) => [name.replace("storage_access-point_", ""), p]),
    );
    expect(Object.fromEntries(Object.entries(points).map(([k, p]) => [k, p.root_directory.path]))).toEqual({
      "custom-plugins": "/data/custom_plugins",
      "custom-plugins-subdir": "/data/custom_plugins/custom_plugins",
      "files-data": "/data/files-data",
      "internal-ca": "/data/internal-ca",
      "internal-certs": "/data/ssl_certs/mongodb_rabbitmq_certs",
      "mongo-data": "/data/mongo-data/data/db",
      "mongodb-backups": "/data/backups/mongodb",
      "rabbitmq4-data": "/data/rabbitmq4-data",
      repos: "/data/repos",
      "ssl-certs": "/data/ssl_certs",
    });
    for (const [key, point] of Object.entries(points)) {
      expect(point).toMatchObject({
        file_system_id: fs("id"),
        posix_user: { uid: 1001, gid: 1001 },
        // Only the init container mounts the CA's key, and only the backup task the dumps, in directories no one else may list.
        root_directory: { creation_info: { owner_uid: 1001, owner_gid: 1001, permissions: ["internal-ca", "mongodb-backups"].includes(key) ? "0700" : "0750" } },
      });
    }
  });

  it("keeps CE 5.0's paths, so an upgrade finds MongoDB's data, the plugins and repositories where they were", () => {
    const legacy = synthEnvironment(baseEnvironment({ release: "5.0", size: { preset: "small" } }));
    const paths = Object.fromEntries(resourcesOf(legacy, "aws_efs_access_point").map(([name, p]) => [name.replace("storage_access-point_", ""), p.root_directory.path]));
    expect(paths).toEqual({
      "custom-plugins": "/data/custom_plugins",
      "mongo-data": "/data/mongo-data/data/db",
      "rabbitmq-data": "/data/rabbitmq-data",
      repos: "/data/repos",
      "ssl-certs": "/data/ssl_certs",
    });
    const current = Object.fromEntries(resourcesOf(stack, "aws_efs_access_point").map(([name, p]) => [name.replace("storage_access-point_", ""), p]));
    for (const key of ["custom-plugins", "mongo-data", "repos", "ssl-certs"]) {
      expect({ key, path: current[key].root_directory.path }).toEqual({ key, path: paths[key] });
    }
    // RabbitMQ 4 cannot open 3.12's data: 6.x starts on a new directory and leaves the old one in place.
    expect(current["rabbitmq-data"]).toBeUndefined();
  });

  it("lets only the task role and the backup role mount and write, over TLS, through mount targets", () => {
    const policy = policyOf(onlyResource(stack, "aws_efs_file_system_policy").policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "TaskRoleMountsOverTlsThroughMountTargets",
        Effect: "Allow",
        Principal: { AWS: ref("aws_iam_role", "iam_task-role", "arn") },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: fs("arn"),
        Condition: { Bool: { "aws:SecureTransport": "true", "elasticfilesystem:AccessedViaMountTarget": "true" } },
      },
      expect.objectContaining({ Sid: "BackupRoleMountsOverTlsThroughMountTargets", Effect: "Allow", Principal: { AWS: ref("aws_iam_role", "backup_mongodb_task-role", "arn") } }),
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      expect.objectContaining({ Sid: "DenyEveryOtherPrincipal", Effect: "Deny" }),
      expect.objectContaining({ Sid: "DenyRequestsWithoutAnAccessPoint", Effect: "Deny" }),
      expect.objectContaining({ Sid: "OnlyTheBackupRoleUsesTheBackupDirectory", Effect: "Deny" }),
      expect.objectContaining({ Sid: "TheBackupRoleWritesOnlyTheBackupDirectory", Effect: "Deny" }),
      expect.objectContaining({ Sid: "TheBackupRoleReadsOnlyItsClientCertificate", Effect: "Deny" }),
    ]);
  });

  describe("file system policy, evaluated", () => {
    const statements = statementsOf(onlyResource(stack, "aws_efs_file_system_policy").policy);
    const taskRole = ref("aws_iam_role", "iam_task-role", "arn");
    const through = { "aws:SecureTransport": "true", "elasticfilesystem:AccessedViaMountTarget": "true", "elasticfilesystem:AccessPointArn": "arn:aws:elasticfilesystem:eu-west-1:210987654321:access-point/fsap-0123" };
    const mount = (principal: string, context: Record<string, string>, action = "elasticfilesystem:ClientMount") =>
      evaluate(statements, { principal, action, resource: fs("arn"), context });

    it("lets the task role mount over TLS through a mount target and an access point", () => {
      expect(mount(taskRole, through)).toBe("allowed");
      expect(mount(taskRole, through, "elasticfilesystem:ClientWrite")).toBe("allowed");
    });

    it("denies any other principal, even one whose identity policy grants the mount", () => {
      expect(mount("arn:aws:iam::210987654321:role/Administrator", through)).toBe("explicitly denied");
    });

    it("denies the task role without an access point (a mount of the root as any user), and root access always", () => {
      const { ["elasticfilesystem:AccessPointArn"]: _none, ...withoutAccessPoint } = through;
      expect(mount(taskRole, withoutAccessPoint)).toBe("explicitly denied");
      expect(mount(taskRole, through, "elasticfilesystem:ClientRootAccess")).toBe("implicitly denied");
    });

    it("denies plain NFS", () => {
      expect(mount(taskRole, { ...through, "aws:SecureTransport": "false" })).toBe("explicitly denied");
    });

    describe("the backup directory", () => {
      const backupRole = ref("aws_iam_role", "backup_mongodb_task-role", "arn");
      const at = (key: string) => ({ ...through, "elasticfilesystem:AccessPointArn": ref("aws_efs_access_point", `storage_access-point_${key}`, "arn") });

      it("is written by the backup role, through its own access point only", () => {
        expect(mount(backupRole, at("mongodb-backups"), "elasticfilesystem:ClientWrite")).toBe("allowed");
        for (const key of ["mongo-data", "internal-certs", "ssl-certs", "internal-ca"]) {
          expect({ key, write: mount(backupRole, at(key), "elasticfilesystem:ClientWrite") }).toEqual({ key, write: "explicitly denied" });
        }
      });

      it("lets the backup role read its client certificate, and nothing else of CE's", () => {
        expect(mount(backupRole, at("internal-certs"))).toBe("allowed");
        for (const key of ["mongo-data", "internal-ca", "ssl-certs", "repos"]) {
          expect({ key, read: mount(backupRole, at(key)) }).toEqual({ key, read: "explicitly denied" });
        }
      });

      it("is closed to the task role, which holds CE's containers, reading or writing", () => {
        expect(mount(taskRole, at("mongodb-backups"))).toBe("explicitly denied");
        expect(mount(taskRole, at("mongodb-backups"), "elasticfilesystem:ClientWrite")).toBe("explicitly denied");
        expect(mount(taskRole, at("mongo-data"), "elasticfilesystem:ClientWrite")).toBe("allowed");
      });
    });
  });

  it("names an existing task role in its policy when one is given", () => {
    const role = "arn:aws:iam::210987654321:role/ce-existing-task";
    const existing = synthEnvironment(baseEnvironment({ iam: { taskRoleArn: role } }));
    expect(policyOf(onlyResource(existing, "aws_efs_file_system_policy").policy).Statement[0].Principal).toEqual({ AWS: role });
  });

  it("is mounted by the task with transit encryption and IAM authorization on every EFS volume", () => {
    const volumes = workloadTaskDefinition(stack).volume;
    const efs = volumes.filter((v: any) => v.efs_volume_configuration);
    expect(efs.map((v: any) => v.name).sort()).toEqual([
      "custom-plugins",
      "files-data",
      "internal-ca",
      "internal-certs",
      "mongo-data",
      "plugins",
      "rabbitmq-data",
      "repos",
      "ui-certificate",
    ]);
    for (const volume of efs) {
      expect(volume.efs_volume_configuration).toMatchObject({
        file_system_id: fs("id"),
        transit_encryption: "ENABLED",
        authorization_config: { iam: "ENABLED", access_point_id: expect.stringMatching(/^\$\{aws_efs_access_point\.storage_access-point_/) },
      });
    }
    const mongo = efs.find((v: any) => v.name === "mongo-data");
    expect(mongo.efs_volume_configuration.authorization_config.access_point_id).toBe(ref("aws_efs_access_point", "storage_access-point_mongo-data", "id"));
  });
});
