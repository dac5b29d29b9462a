/**
 * The decisions of the RabbitMQ membership step (rabbitmq-cluster.sh) that
 * the runner's HA suite does not reach with three well-behaved nodes, run
 * for real in bash against a pretend cluster: the CLI (`ce_ctl`) answers
 * from per-node cluster_status files, and a peer is reachable when it has
 * one. Checked: a node running a cluster of its own while the others run
 * theirs without it reports `outside` and fails the health check the task
 * definition gives it; a peer still forming alone is no split; the seed of a
 * cluster formed before does not form another when its data is lost.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rabbitmqClusterScript } from "../../modules/ha/ha-cluster";
import { CLUSTER_STATUS_FILE, HEALTH_CHECKS } from "../../modules/workload/container-definitions";

const node = (n: number) => `rabbit@node-${n}.test.internal`;
const NODES = [1, 2, 3].map(node);

describe("RabbitMQ membership decisions (rabbitmq-cluster.sh, pretend cluster)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-membership-"));
    for (const sub of ["status", "shared", "mnesia", "bin"]) mkdirSync(join(dir, sub));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** What `rabbitmqctl cluster_status` of a node says; a node without one is unreachable. */
  const cluster = (n: number, disk: string[], running: string[]) =>
    writeFileSync(join(dir, "status", node(n)), JSON.stringify({ disk_nodes: disk, running_nodes: running }));

  /** Runs the script's functions as node `self`, with the CLI and reachability answered from the pretend cluster. */
  function membership(self: number, body: string, extra: Record<string, string> = {}) {
    const stubs = [
      `ce_ctl() { case "$3" in cluster_status) cat "${dir}/status/$2" 2>/dev/null || return 1 ;; list_queues) echo '[]' ;; *) return 0 ;; esac; }`,
      `ce_peer_reachable() { [ -e "${dir}/status/$1" ]; }`,
    ].join("\n");
    return spawnSync("bash", ["-c", `${rabbitmqClusterScript()}\n${stubs}\n${body}`], {
      encoding: "utf8",
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        RABBITMQ_NODENAME: node(self),
        RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
        CE_RABBITMQ_PEERS: NODES.join(","),
        CE_RABBITMQ_SEED: node(1),
        CE_SHARED_DIR: join(dir, "shared"),
        CE_CLUSTER_STATUS_FILE: join(dir, "cluster-status"),
        CE_JOIN_POLL_SECONDS: "1",
        ...extra,
      },
    });
  }
  /** One membership report of a running node: the pause after the first report ends the (pretend) server. */
  const watchOnce = (self: number) => membership(self, `sleep 60 & server=$!; sleep() { kill "$server"; wait "$server" 2>/dev/null; }; ce_cluster_watch "$server"`);
  const reported = () => readFileSync(join(dir, "cluster-status"), "utf8").trim();
  /** The health check of an HA node's rabbitmq container, with a ping that succeeds. */
  const healthCheck = () => {
    writeFileSync(join(dir, "bin", "rabbitmq-diagnostics"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    return spawnSync("sh", ["-c", HEALTH_CHECKS.rabbitmqHa.replaceAll(CLUSTER_STATUS_FILE, join(dir, "cluster-status"))], { env: { PATH: `${join(dir, "bin")}:${process.env.PATH}` } }).status;
  };

  it("reports a node running a cluster of its own, while the others run theirs, as outside; its health check fails", () => {
    cluster(3, [node(3)], [node(3)]);
    cluster(1, [node(1), node(2)], [node(1), node(2)]);
    cluster(2, [node(1), node(2)], [node(1), node(2)]);
    const result = watchOnce(3);
    expect(result.stdout).toContain('"outside":1');
    expect(reported()).toBe("outside");
    expect(healthCheck()).not.toBe(0);
  });

  it("reports a member of the whole cluster as a member; its health check passes", () => {
    for (const n of [1, 2, 3]) cluster(n, NODES, NODES);
    watchOnce(3);
    expect(reported()).toBe("member");
    expect(healthCheck()).toBe(0);
  });

  it("does not call a node alone a split while its peers are still forming alone or unreachable", () => {
    cluster(3, [node(3)], [node(3)]);
    cluster(1, [node(1)], [node(1)]);
    watchOnce(3);
    expect(reported()).toBe("member");
  });

  it("keeps the seed from forming a second cluster when its data is lost after the cluster formed", () => {
    writeFileSync(join(dir, "shared", "rabbitmq-cluster-formed"), `formed by ${node(1)} earlier\n`);
    const result = membership(1, "ce_cluster_gate", { CE_JOIN_MAX_WAIT_SECONDS: "2" });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("not forming a cluster of its own");
    expect(reported()).toBe("waiting");
  });

  it("lets the seed form the cluster the first time, when no member answers and no cluster formed before", () => {
    const result = membership(1, `ce_cluster_gate; echo "forming=$ce_forming target=$ce_join_target"`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("forming=1 target=");
  });

  it("joins through the first peer that runs, forgetting this node's lost name there first", () => {
    cluster(2, NODES, [node(1), node(2)]);
    const result = membership(3, `ce_cluster_gate; echo "target=$ce_join_target"`);
    expect(result.stdout).toContain(`target=${node(2)}`);
    expect(result.stderr).toContain(`${node(2)} forgot the lost ${node(3)}; joining again under the same name`);
  });
  /** The watch after startup with a join target, every CLI call logged; the pause ends the (pretend) server. */
  const watchJoined = (self: number, target: number) =>
    membership(
      self,
      [
        `eval "original_$(declare -f ce_ctl)"`,
        `ce_ctl() { echo "$*" >> "${dir}/calls"; original_ce_ctl "$@"; }`,
        `ce_join_target=${node(target)}; sleep 60 & server=$!; sleep() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; ce_cluster_watch "$server"`,
      ].join("\n"),
    );
  const resets = () => readFileSync(join(dir, "calls"), "utf8").split("\n").filter((call) => / (stop_app|reset|join_cluster)$| join_cluster /.test(call));

  it("never resets a node because its join target's status could not be read (busy or briefly unreachable)", () => {
    cluster(3, NODES, NODES);
    const result = watchJoined(3, 1);
    expect(result.stderr).toContain(`cannot read the cluster status of ${node(1)}; leaving the join to peer discovery`);
    expect(resets()).toEqual([]);
  });

  it("joins explicitly when the join target answers without this node", () => {
    cluster(1, [node(1), node(2)], [node(1), node(2)]);
    cluster(3, [node(3)], [node(3)]);
    const result = watchJoined(3, 1);
    expect(result.stderr).toContain(`peer discovery did not join it; joining ${node(1)} explicitly`);
    expect(resets()).toEqual([`rabbitmqctl ${node(3)} stop_app`, `rabbitmqctl ${node(3)} reset`, `rabbitmqctl ${node(3)} join_cluster ${node(1)}`]);
  });
});
