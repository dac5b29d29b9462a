/**
 * The network the task runner gives its tasks, as awsvpc does on Fargate:
 * each task one network namespace that all its containers share (they reach
 * each other on localhost), with one interface in a subnet. The subnet is a
 * bridge in a namespace of its own (the "VPC", from where the runner probes
 * a task as the load balancer would); tasks reach each other through it.
 * Every namespace and interface is created here, named after the run, and
 * removed by {@link TaskNetwork.remove}; no traffic leaves them.
 */
import { execFileSync } from "node:child_process";

/** The subnet's prefix (a /24): the VPC namespace is .1, task n is .(10 + n). */
const SUBNET = "10.231.0";

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

/** One task's place in the network. */
export interface TaskAddress {
  /** The task's network namespace, e.g. `ce3f9a-2`. */
  readonly namespace: string;
  /** Its path, for the OCI runtime's network namespace entry. */
  readonly path: string;
  /** The task's IPv4 address in the subnet. */
  readonly address: string;
}

/** The namespaces and links of one runner. */
export class TaskNetwork {
  private readonly namespaces: string[] = [];
  private readonly vpc: string;
  private next = 0;

  /** Creates the VPC namespace and its bridge; tasks join with {@link TaskNetwork.addTask}. */
  constructor(private readonly runId: string) {
    this.vpc = `${runId}-vpc`;
    this.addNamespace(this.vpc);
    ip("-n", this.vpc, "link", "add", "br0", "type", "bridge");
    ip("-n", this.vpc, "addr", "add", `${SUBNET}.1/24`, "dev", "br0");
    ip("-n", this.vpc, "link", "set", "br0", "up");
  }

  private addNamespace(name: string): void {
    ip("netns", "add", name);
    this.namespaces.push(name);
    ip("-n", name, "link", "set", "lo", "up");
  }

  /** A new task namespace with its interface in the subnet. */
  addTask(): TaskAddress {
    const n = ++this.next;
    const namespace = `${this.runId}-${n}`;
    this.addNamespace(namespace);
    const hostSide = `veth${n}`;
    ip("-n", this.vpc, "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", namespace);
    ip("-n", this.vpc, "link", "set", hostSide, "master", "br0");
    ip("-n", this.vpc, "link", "set", hostSide, "up");
    const address = `${SUBNET}.${10 + n}`;
    ip("-n", namespace, "addr", "add", `${address}/24`, "dev", "eth0");
    ip("-n", namespace, "link", "set", "eth0", "up");
    return { namespace, path: `/var/run/netns/${namespace}`, address };
  }

  /** The VPC namespace's name (run probes in it with `ip netns exec`). */
  get vpcNamespace(): string {
    return this.vpc;
  }

  /** Removes every namespace (and with them their interfaces). */
  remove(): void {
    for (const name of this.namespaces.splice(0).reverse()) {
      try {
        ip("netns", "del", name);
      } catch {
        // already gone
      }
    }
  }
}
