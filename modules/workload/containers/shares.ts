/**
 * CPU units and memory of each container for a release and task size. The
 * main containers get the release's split (a hard limit where the release
 * sets one, as CE's compose does); with soft shares core gets what the
 * helpers leave. CPU is shared by weight: MongoDB 1/4, RabbitMQ 1/8, the UI
 * 1/16, core the rest.
 */
import { CloudExchangeRelease } from "../../releases";

/** Memory of the helper containers (soft reservation each). */
export const HELPER_MEMORY = 64;

/** CPU units and memory of each container. */
export interface ContainerShares {
  readonly memory: { readonly rabbitmq: number; readonly mongodb: number; readonly core: number; readonly ui: number; readonly helper: number };
  readonly hardLimits: boolean;
  readonly cpu: { readonly rabbitmq: number; readonly mongodb: number; readonly core: number; readonly ui: number; readonly helper: number };
  /** WiredTiger cache, where the release sets it: half of MongoDB's share, at least 0.25 GB. */
  readonly wiredTigerCacheGb?: number;
}

/** The shares of a release's containers in a task of this size (`withReplicaSetInit`: an HA node's third helper). */
export function containerShares(release: CloudExchangeRelease, task: { cpu: number; memory: number }, withReplicaSetInit: boolean): ContainerShares {
  const helpers = withReplicaSetInit ? 3 : 2;
  const split = release.sizing.split(task.memory);
  const memory = { ...split, core: release.sizing.hardLimits ? split.core : split.core - helpers * HELPER_MEMORY, helper: HELPER_MEMORY };
  const cpu = {
    mongodb: Math.floor(task.cpu / 4),
    rabbitmq: Math.floor(task.cpu / 8),
    ui: Math.floor(task.cpu / 16),
  };
  return {
    memory,
    hardLimits: release.sizing.hardLimits,
    cpu: { ...cpu, core: task.cpu - cpu.mongodb - cpu.rabbitmq - cpu.ui, helper: 0 },
    wiredTigerCacheGb: release.sizing.explicitWiredTigerCache ? Math.max(0.25, Math.floor((split.mongodb / 1024 / 2) * 100) / 100) : undefined,
  };
}
