/**
 * What the task runner runs, read from a synthesized stack (its
 * cdk.tf.json): each ECS task definition's containers exactly as ECS would
 * receive them, and its volumes, with the EFS access points behind them
 * (root directory, creation owner and permissions, POSIX user). References
 * Terraform resolves at apply time stay as written: a secret's `valueFrom`
 * keys the runner's secret store, and an access point is found by its
 * resource address.
 */
import type { ContainerDefinition } from "../../modules/workload/container-definitions";

/** An EFS access point, as the stack declares it. */
export interface AccessPointModel {
  /** The resource address, e.g. `aws_efs_access_point.storage_access-point_repos`. */
  readonly address: string;
  /** The file system: the stack's name and its reference (`ce-dev/${aws_efs_file_system.storage_file-system.id}`); two stacks never share one. */
  readonly fileSystem: string;
  /** Root directory inside the file system. */
  readonly rootPath: string;
  /** Owner and permissions EFS gives the root directory when it creates it. */
  readonly creation: { readonly uid: number; readonly gid: number; readonly permissions: number };
  /** The identity EFS uses for every request through the access point. */
  readonly posixUser: { readonly uid: number; readonly gid: number };
}

/** A task volume: task-local (an empty directory the task's containers share) or an EFS access point. */
export type VolumeModel = { readonly name: string; readonly kind: "task-local" } | { readonly name: string; readonly kind: "efs"; readonly accessPoint: AccessPointModel };

/** One task definition of a stack. */
export interface TaskModel {
  /** The stack it comes from. */
  readonly stack: string;
  /** The task definition's resource name (e.g. `workload_task_task-definition`). */
  readonly resource: string;
  /** Task definition family. */
  readonly family: string;
  /** The containers, in the order of the definition. */
  readonly containers: readonly ContainerDefinition[];
  /** The volumes by name. */
  readonly volumes: ReadonlyMap<string, VolumeModel>;
}

type Json = Record<string, any>;

/** Undoes the escaping of Terraform template sequences the stack applies to literal strings. */
function unescapeTemplates(text: string): string {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** The access point a volume's `access_point_id` reference names. */
function accessPointOf(stackName: string, stack: Json, reference: string): AccessPointModel {
  const match = /^\$\{(aws_efs_access_point)\.([^.]+)\.id\}$/.exec(reference);
  if (!match) throw new Error(`access point reference ${reference} is not of the form \${aws_efs_access_point.<name>.id}`);
  const config = stack.resource?.aws_efs_access_point?.[match[2]];
  if (!config) throw new Error(`the stack has no ${match[1]}.${match[2]}`);
  const root = config.root_directory ?? {};
  const creation = root.creation_info ?? {};
  return {
    address: `${match[1]}.${match[2]}`,
    fileSystem: `${stackName}/${String(config.file_system_id)}`,
    rootPath: root.path ?? "/",
    creation: { uid: Number(creation.owner_uid ?? 0), gid: Number(creation.owner_gid ?? 0), permissions: parseInt(String(creation.permissions ?? "0755"), 8) },
    posixUser: { uid: Number(config.posix_user?.uid ?? 0), gid: Number(config.posix_user?.gid ?? 0) },
  };
}

/** A container definition with the lists ECS takes as empty when a definition leaves them out. */
function withEcsDefaults(definition: Partial<ContainerDefinition>): ContainerDefinition {
  return { ...definition, portMappings: definition.portMappings ?? [], environment: definition.environment ?? [], secrets: definition.secrets ?? [], mountPoints: definition.mountPoints ?? [] } as ContainerDefinition;
}

/** Every task definition of a synthesized stack. */
export function tasksOf(stackName: string, stack: Json): TaskModel[] {
  return Object.entries<Json>(stack.resource?.aws_ecs_task_definition ?? {}).map(([resource, definition]) => {
    const volumes = new Map<string, VolumeModel>();
    for (const volume of (definition.volume ?? []) as Json[]) {
      const efs = volume.efs_volume_configuration;
      volumes.set(
        volume.name,
        efs ? { name: volume.name, kind: "efs", accessPoint: accessPointOf(stackName, stack, efs.authorization_config.access_point_id) } : { name: volume.name, kind: "task-local" },
      );
    }
    return {
      stack: stackName,
      resource,
      family: String(definition.family),
      containers: (JSON.parse(unescapeTemplates(definition.container_definitions)) as Partial<ContainerDefinition>[]).map(withEcsDefaults),
      volumes,
    };
  });
}
