/**
 * Where HA node tasks run: one network namespace per node, each reachable
 * by its Cloud Map name from the others (the names resolve in every node's
 * containers), as the stack's service discovery gives them on Fargate.
 */
import type { StartOptions, TaskRunner } from "./task-runner";
import type { TaskAddress } from "./task-network";

/** The part of a node task's start options that places it. */
export type NodePlace = Pick<StartOptions, "address" | "hostname" | "hosts">;

/** Addresses for every node, known before any starts; node `i`'s place (0: node 1). */
export function placeNodes(runner: TaskRunner, hostnames: readonly string[]): (i: number) => NodePlace {
  const addresses: TaskAddress[] = hostnames.map(() => runner.allocate());
  const hosts = Object.fromEntries(hostnames.map((name, j) => [name, addresses[j].address]));
  return (i) => ({ address: addresses[i], hostname: hostnames[i], hosts });
}
