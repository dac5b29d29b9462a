/**
 * The EFS file system that holds all Cloud Exchange data: KMS-encrypted,
 * reachable only through its mount targets, over TLS, by the task role (and
 * the logical backup's role, through its own access point), and only through
 * access points that fix the POSIX owner. Its automatic backup into the
 * account's default vault is off: the environment's own backup plan backs it
 * up into the environment's vault (modules/backup). The file system is one
 * the stack created, one it adopted (the official template's), one restored
 * from a recovery point, or, in a standby, the replica of its primary's.
 */
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, PolicyStatement } from "../iam/policy";
import { PrivateSubnet } from "../network/network";
import { protectAdopted, protectFromDestroy } from "../protection";

/** One directory of the file system, exposed through an access point. */
export interface AccessPointSpec {
  /** Stable key; part of the Terraform address, so never rename it. */
  readonly key: string;
  /** Root directory of the access point, created with the owner below. */
  readonly path: string;
  /** POSIX user every request through the access point runs as. Default 1001 (CE's containers). */
  readonly uid?: number;
  /** POSIX group every request through the access point runs as. Default 1001 (CE's containers). */
  readonly gid?: number;
  /** Permissions of the root directory when EFS creates it. Default "0750". */
  readonly permissions?: string;
}

/** Props of {@link FileSystem}. */
export interface FileSystemProps {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** KMS key for encryption at rest. */
  readonly kmsKeyArn: string;
  /** EFS throughput mode. */
  readonly throughputMode: "elastic" | "bursting";
  /** One mount target per private subnet. */
  readonly subnets: readonly PrivateSubnet[];
  /** Security group of the mount targets. */
  readonly securityGroupId: string;
  /** The access points. */
  readonly accessPoints: readonly AccessPointSpec[];
  /** Leave the file system without prevent_destroy. Default false. Never applies to an adopted file system (see adopt). */
  readonly allowDestroy?: boolean;
  /**
   * An existing file system to manage in place (import blocks), with the settings that would replace it if
   * they differed: taken from here, never from the defaults above. The file system, its mount targets and
   * the kept access points always carry prevent_destroy. Default: a new file system.
   */
  readonly adopt?: AdoptedFileSystem;
  /**
   * A file system AWS Backup restored the data into: imported at the file system's address with the
   * settings that would replace it taken from here; it follows allowDestroy like one the stack created, and
   * the stack creates its mount targets and access points. Default: none.
   */
  readonly restored?: RestoredFileSystemProps;
  /**
   * The file system is a standby's, the destination of its primary's replication: while held (not promoted)
   * its replication overwrite protection is DISABLED, so EFS may replicate into it (EFS then reports
   * REPLICATING, which Terraform leaves alone); once promoted it is ENABLED, as EFS sets it when the
   * replication is deleted. Default: not a standby.
   */
  readonly standby?: { readonly promoted: boolean };
}

/** A file system restored from a recovery point. */
export interface RestoredFileSystemProps {
  /** File system ID. */
  readonly fileSystemId: string;
  /** Key it is encrypted with. */
  readonly kmsKeyArn: string;
}

/** The logical backup's access to the file system: its role, the access point it writes and those it reads. */
export interface BackupClient {
  /** Role of the backup task. */
  readonly roleArn: string;
  /** The only access point it may write through, and that only it may use. */
  readonly writeAccessPointArn: string;
  /** Access points it may mount read-only besides (the TLS client certificate). */
  readonly readAccessPointArns: readonly string[];
}

/** An existing file system, its mount targets and the access points to keep. */
export interface AdoptedFileSystem {
  /** File system ID. */
  readonly fileSystemId: string;
  /** Key the file system is encrypted with. */
  readonly kmsKeyArn: string;
  /** Its creation token. */
  readonly creationToken: string;
  /** Its performance mode. */
  readonly performanceMode: string;
  /** Its mount targets by the ID of the subnet each is in; every subnet of `subnets` must have one. */
  readonly mountTargetIds: Readonly<Record<string, string>>;
  /** Access points to keep, by this project's key. */
  readonly accessPointIds: Readonly<Record<string, string>>;
  /** Permissions the kept access points were created with. */
  readonly accessPointPermissions: string;
}

/** The adopted mount target in a subnet: imported where it is, since one at another subnet's address would be replaced. */
function adoptedMountTarget(adopt: AdoptedFileSystem, subnetId: string): string {
  const id = adopt.mountTargetIds[subnetId];
  if (!id) throw new Error(`adopt: no mount target listed for subnet ${subnetId} (EFS allows one per zone, so a new one cannot be made beside the existing one)`);
  return id;
}

/** What an NFS client may do with an EFS file system under IAM authorization. */
export const EFS_CLIENT_ACTIONS = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"] as const;

/** The Cloud Exchange file system. */
export class FileSystem extends Construct {
  /** The file system. */
  readonly fileSystem: EfsFileSystem;
  /** File system ID. */
  readonly fileSystemId: string;
  /** File system ARN. */
  readonly fileSystemArn: string;
  /** Access points by key. */
  readonly accessPoints: ReadonlyMap<string, EfsAccessPoint>;
  /** Mount targets; tasks must not start before they exist. */
  readonly mountTargets: EfsMountTarget[];
  private readonly adopted: TerraformResource[] = [];
  private policy?: EfsFileSystemPolicy;
  private readonly backupPolicy: EfsBackupPolicy;
  /** Whether the file system came from elsewhere (adopted or restored): imported, not created. */
  readonly imported: boolean;

  constructor(scope: Construct, id: string, props: FileSystemProps) {
    super(scope, id);
    const adopt = props.adopt;
    const restored = props.restored;
    if (adopt && restored) throw new Error("a file system is either adopted or restored");
    this.imported = adopt !== undefined || restored !== undefined;
    this.fileSystem = new EfsFileSystem(this, "file-system", {
      encrypted: true,
      kmsKeyId: adopt ? adopt.kmsKeyArn : restored ? restored.kmsKeyArn : props.kmsKeyArn,
      performanceMode: adopt ? adopt.performanceMode : "generalPurpose",
      ...(adopt ? { creationToken: adopt.creationToken } : {}),
      throughputMode: props.throughputMode,
      ...(props.standby ? { protection: { replicationOverwrite: props.standby.promoted ? "ENABLED" : "DISABLED" } } : {}),
      // A held standby's protection reads REPLICATING while EFS replicates into it; the failover changes it.
      ...(props.standby && !props.standby.promoted ? { lifecycle: { ignoreChanges: ["protection"] } } : {}),
      tags: { Name: `${props.prefix}-data` },
    });
    if (adopt) this.adopt(this.fileSystem, adopt.fileSystemId);
    else {
      if (restored) this.fileSystem.importFrom(restored.fileSystemId);
      protectFromDestroy(this.fileSystem, props.allowDestroy ?? false);
    }
    this.fileSystemId = this.fileSystem.id;
    this.fileSystemArn = this.fileSystem.arn;

    // The account's default vault has no policy of the environment's; the environment's own plan backs it up.
    this.backupPolicy = new EfsBackupPolicy(this, "backup-policy", {
      fileSystemId: this.fileSystemId,
      backupPolicy: { status: "DISABLED" },
    });
    this.mountTargets = props.subnets.map((subnet) => {
      const target = new EfsMountTarget(this, `mount-target_${subnet.zone}`, {
        fileSystemId: this.fileSystemId,
        subnetId: subnet.subnetId,
        securityGroups: [props.securityGroupId],
      });
      if (adopt) this.adopt(target, adoptedMountTarget(adopt, subnet.subnetId));
      return target;
    });
    const accessPoints = new Map<string, EfsAccessPoint>();
    for (const spec of props.accessPoints) {
      if (accessPoints.has(spec.key)) throw new Error(`access point ${spec.key} is defined twice`);
      const uid = spec.uid ?? 1001;
      const gid = spec.gid ?? 1001;
      const adopted = adopt?.accessPointIds[spec.key];
      const accessPoint = new EfsAccessPoint(this, `access-point_${spec.key}`, {
        fileSystemId: this.fileSystemId,
        posixUser: { uid, gid },
        rootDirectory: {
          path: spec.path,
          creationInfo: { ownerUid: uid, ownerGid: gid, permissions: adopted ? adopt!.accessPointPermissions : (spec.permissions ?? "0750") },
        },
        tags: { Name: `${props.prefix}-${spec.key}` },
      });
      if (adopted) this.adopt(accessPoint, adopted);
      accessPoints.set(spec.key, accessPoint);
    }
    this.accessPoints = accessPoints;
  }

  /** Imports an existing resource at this construct's address and protects it from any destroy. */
  private adopt(resource: TerraformResource, id: string): void {
    resource.importFrom(id);
    protectAdopted(resource);
    this.adopted.push(resource);
  }

  /**
   * What Terraform holds of the file system itself: the file system, its
   * mount targets and access points, and the backup and file system policies
   * on it. A restore takes these out of the state (`terraform state rm`) so
   * that the restored file system takes the file system's place and the rest
   * is created for it, while the old file system stays as it is.
   */
  fileSystemResources(): TerraformResource[] {
    return [this.fileSystem, ...this.mountTargets, ...this.accessPoints.values(), this.backupPolicy, ...(this.policy ? [this.policy] : [])];
  }

  /**
   * What Terraform manages of an adopted deployment's data: the file system,
   * mount targets and access points it imported, and the backup and file
   * system policies it sets on that file system. These must leave the state
   * (`terraform state rm`) before the data goes back to the deployment it
   * came from. Empty without adopt.
   */
  adoptedResources(): TerraformResource[] {
    if (this.adopted.length === 0) return [];
    return [...this.adopted, this.backupPolicy, ...(this.policy ? [this.policy] : [])];
  }

  /**
   * Lets exactly one role mount and write the file system, over TLS, through
   * its mount targets, and denies every unencrypted connection, every other
   * principal (an identity policy in the account granting mount is not
   * enough) and every request that does not come through an access point
   * (which fix the POSIX user and root directory). Called once the task role
   * exists (the role's own policy names this file system).
   */
  allowOnlyClient(roleArn: string, backup?: BackupClient): EfsFileSystemPolicy {
    this.policy = new EfsFileSystemPolicy(this, "file-system-policy", {
      fileSystemId: this.fileSystemId,
      bypassPolicyLockoutSafetyCheck: false,
      policy: policyDocument(fileSystemPolicyStatements(this.fileSystemArn, roleArn, backup)),
    });
    return this.policy;
  }
}

/**
 * The file system policy: exactly the task role (and the backup role) mount
 * over TLS through mount targets and access points; the backup directory's
 * access point is the backup role's alone, and the backup role writes through
 * nothing else and reads only its client certificate besides.
 */
export function fileSystemPolicyStatements(fileSystemArn: string, roleArn: string, backup?: BackupClient): PolicyStatement[] {
  const clients = backup ? [roleArn, backup.roleArn] : roleArn;
  const overTlsThroughMountTargets = { Bool: { "aws:SecureTransport": "true", "elasticfilesystem:AccessedViaMountTarget": "true" } };
  return [
    {
      Sid: "TaskRoleMountsOverTlsThroughMountTargets",
      Effect: "Allow",
      Principal: { AWS: roleArn },
      Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      Resource: fileSystemArn,
      Condition: overTlsThroughMountTargets,
    },
    ...(backup
      ? [
          {
            Sid: "BackupRoleMountsOverTlsThroughMountTargets",
            Effect: "Allow" as const,
            Principal: { AWS: backup.roleArn },
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: fileSystemArn,
            Condition: overTlsThroughMountTargets,
          },
        ]
      : []),
    {
      Sid: "DenyUnencryptedTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "*",
      Resource: fileSystemArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyEveryOtherPrincipal",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: [...EFS_CLIENT_ACTIONS],
      Resource: fileSystemArn,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": clients } },
    },
    {
      Sid: "DenyRequestsWithoutAnAccessPoint",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: [...EFS_CLIENT_ACTIONS],
      Resource: fileSystemArn,
      Condition: { Null: { "elasticfilesystem:AccessPointArn": "true" } },
    },
    ...(backup
      ? [
          {
            Sid: "OnlyTheBackupRoleUsesTheBackupDirectory",
            Effect: "Deny" as const,
            Principal: { AWS: "*" },
            Action: [...EFS_CLIENT_ACTIONS],
            Resource: fileSystemArn,
            Condition: {
              ArnEquals: { "elasticfilesystem:AccessPointArn": backup.writeAccessPointArn },
              ArnNotEquals: { "aws:PrincipalArn": backup.roleArn },
            },
          },
          {
            Sid: "TheBackupRoleWritesOnlyTheBackupDirectory",
            Effect: "Deny" as const,
            Principal: { AWS: "*" },
            Action: ["elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
            Resource: fileSystemArn,
            Condition: {
              ArnEquals: { "aws:PrincipalArn": backup.roleArn },
              ArnNotEquals: { "elasticfilesystem:AccessPointArn": backup.writeAccessPointArn },
            },
          },
          {
            Sid: "TheBackupRoleReadsOnlyItsClientCertificate",
            Effect: "Deny" as const,
            Principal: { AWS: "*" },
            Action: ["elasticfilesystem:ClientMount"],
            Resource: fileSystemArn,
            Condition: {
              ArnEquals: { "aws:PrincipalArn": backup.roleArn },
              ArnNotEquals: { "elasticfilesystem:AccessPointArn": [backup.writeAccessPointArn, ...backup.readAccessPointArns] },
            },
          },
        ]
      : []),
  ];
}
