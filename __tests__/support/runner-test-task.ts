/**
 * Small tasks for the runner's own tests: plain containers on the runner's
 * userland image. Imports nothing heavy, so a helper process (fixtures/)
 * starts quickly.
 */
import type { ContainerDefinition } from "../../modules/workload/container-definitions";
import { AccessPointModel, TaskModel, VolumeModel } from "../../scripts/task-runner/task-model";

/** A container for the runner's own tests, on the plain userland image. */
export function container(name: string, script: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return {
    name,
    image: "runner-test/plain:1",
    essential: true,
    cpu: 0,
    memoryReservation: 16,
    entryPoint: ["/bin/sh", "-c"],
    command: [script],
    portMappings: [],
    environment: [],
    secrets: [],
    mountPoints: [],
    logConfiguration: { logDriver: "awslogs", options: {} },
    readonlyRootFilesystem: false,
    linuxParameters: { initProcessEnabled: true },
    ...extra,
  };
}

/** A task of such containers, with task-local volumes `shared` (and any EFS ones given). */
export function testTask(containers: readonly ContainerDefinition[], efs: Record<string, AccessPointModel> = {}): TaskModel {
  const volumes = new Map<string, VolumeModel>();
  for (const c of containers) {
    for (const m of c.mountPoints) {
      volumes.set(m.sourceVolume, efs[m.sourceVolume] ? { name: m.sourceVolume, kind: "efs", accessPoint: efs[m.sourceVolume] } : { name: m.sourceVolume, kind: "task-local" });
    }
  }
  return { stack: "runner-test", resource: "task", family: "runner-test", containers, volumes };
}
