/**
 * What every container builder of a task reads: the spec, its release and
 * HA node, the resource shares, and the small shapes each container
 * definition repeats (variables, mounts, logs, limits, proxy settings).
 * Computed once per task by {@link taskContext}.
 */
import { Mount, VolumeName } from "../../releases";
import { secretValueFrom } from "../../secrets/cloud-exchange-secrets";
import { containerShares, ContainerShares } from "./shares";
import { CloudExchangeTaskSpec, ContainerDefinition } from "./task-spec";

/** A container's variables from a record; undefined values are left out. */
export function variables(entries: Record<string, string | number | undefined>): ContainerDefinition["environment"] {
  return Object.entries(entries)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([name, value]) => ({ name, value: String(value) }));
}

/** One mount point. */
export function mountOf(volume: VolumeName, containerPath: string, readOnly = false): ContainerDefinition["mountPoints"][number] {
  return { sourceVolume: volume, containerPath, readOnly };
}

/** Mount points of a release's mount list. */
export function mountsOf(list: readonly Mount[]): ContainerDefinition["mountPoints"] {
  return list.map((m) => mountOf(m.volume, m.path, m.readOnly ?? false));
}

/** The per-task facts and shapes the container builders share. */
export interface TaskContext {
  /** The task spec. */
  readonly spec: CloudExchangeTaskSpec;
  /** CPU and memory of each container. */
  readonly shares: ContainerShares;
  /** awslogs configuration of every container. */
  readonly log: ContainerDefinition["logConfiguration"];
  /** What every container carries: an init process, and registry credentials where configured. */
  readonly common: Pick<ContainerDefinition, "linuxParameters" | "repositoryCredentials">;
  /** What every helper container (init, core-init, replica-set-init, upgrade steps) shares. */
  readonly helper: Pick<ContainerDefinition, "essential" | "cpu" | "memoryReservation">;
  /** The container's memory as the release sets it: a hard limit, or a soft reservation only. */
  limit(memory: number): Pick<ContainerDefinition, "memory" | "memoryReservation">;
  /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY as plain variables (proxy URLs without credentials). */
  readonly proxyVariables: Record<string, string | undefined>;
  /** HTTP_PROXY and HTTPS_PROXY from the proxy secret (URLs with credentials). */
  readonly proxySecrets: ContainerDefinition["secrets"];
}

/** NO_PROXY: local services, the task metadata endpoints, the HA namespace and the environment's entries. */
export function noProxyList(spec: CloudExchangeTaskSpec): string {
  const entries = ["localhost", "127.0.0.1", "169.254.169.254", "169.254.170.2"];
  if (spec.node) entries.push(`.${spec.node.hostname.split(".").slice(1).join(".")}`);
  return [...new Set([...entries, ...(spec.proxy?.noProxy ?? [])])].join(",");
}

/** The context of one task. */
export function taskContext(spec: CloudExchangeTaskSpec): TaskContext {
  const shares = containerShares(spec.release, spec.task, spec.node !== undefined);
  const proxy = spec.proxy;
  return {
    spec,
    shares,
    log: {
      logDriver: "awslogs",
      options: { "awslogs-group": spec.log.group, "awslogs-region": spec.log.region, "awslogs-stream-prefix": spec.log.streamPrefix },
    },
    common: {
      linuxParameters: { initProcessEnabled: true },
      ...(spec.repositoryCredentialsArn ? { repositoryCredentials: { credentialsParameter: spec.repositoryCredentialsArn } } : {}),
    },
    helper: { essential: false, cpu: shares.cpu.helper, memoryReservation: shares.memory.helper },
    limit: (memory) => (shares.hardLimits ? { memory, memoryReservation: memory } : { memoryReservation: memory }),
    proxyVariables: proxy ? { HTTP_PROXY: proxy.httpUrl, HTTPS_PROXY: proxy.httpsUrl, NO_PROXY: noProxyList(spec) } : {},
    proxySecrets: proxy?.urlsSecretArn
      ? ["HTTP_PROXY", "HTTPS_PROXY"].map((name) => ({ name, valueFrom: secretValueFrom({ secretArn: proxy.urlsSecretArn!, jsonKey: name }) }))
      : [],
  };
}
