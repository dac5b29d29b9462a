/**
 * The RabbitMQ side of the HA nodes, run against three real RabbitMQ nodes
 * on the loopback interface (Debian's rabbitmq-server; `.ci/run` installs
 * it): the entrypoint the task runs (rabbitmq-cluster.sh + the RabbitMQ
 * entrypoint), with node names, ports and paths as parameters. Each scenario
 * is checked with `rabbitmqctl cluster_status` and `rabbitmq-queues
 * quorum_status`:
 * - three nodes started in any order form one cluster, and a quorum queue
 *   declared on node 1 ends with a member on every node;
 * - node 2 replaced with empty data rejoins under its name and is a member
 *   of the queue again;
 * - a node that runs a cluster of its own while the others run theirs
 *   reports itself outside the cluster, and its health check fails;
 * - a node without data that cannot reach the others waits and never forms a
 *   cluster of its own (also the seed, once a cluster was formed).
 * The nodes talk Erlang distribution over TLS with CE's inter-node options
 * and test certificates, as CE 6.x HA nodes do: a CLI without TLS is refused.
 * Everything listens on 127.0.0.1 only, every wait is bounded, and every
 * process the suite starts is stopped (with its own epmd) when it ends.
 * Without RabbitMQ on the machine the suite says so in one line and skips.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { INTER_NODE_TLS } from "../../modules/releases/ce-6.1";
import { rabbitmqClusterScript } from "../../modules/ha/ha-cluster";
import { CLUSTER_STATUS_FILE, HEALTH_CHECKS, rabbitmqEntrypointScript } from "../../modules/workload/container-definitions";

const SBIN = process.env.CE_RABBITMQ_SBIN ?? "/usr/lib/rabbitmq/bin";
const available = existsSync(join(SBIN, "rabbitmq-server"));
const HOST = "ce-cluster.test";
const node = (n: number) => `rabbit-${n}@${HOST}`;
const NODES = [1, 2, 3].map(node);
const QUEUES = ["cloudexchange_9", "cloudexchange_6", "cloudexchange_3"];
/** A base port per run, so a second run on the same machine cannot collide with this one. */
const BASE = 40000 + (process.pid % 500) * 10;
const EPMD_PORT = BASE;

if (!available) process.stderr.write(`real RabbitMQ cluster suite skipped: no RabbitMQ server at ${SBIN} (apt-get install rabbitmq-server)\n`);

(available ? describe : describe.skip)(`HA RabbitMQ on three real nodes${available ? "" : ` (skipped: no RabbitMQ server at ${SBIN})`}`, () => {
  let dir: string;
  let epmd: ChildProcess;
  const running = new Map<number, ChildProcess>();
  let tlsArgs = "";

  /** Environment shared by the nodes and the CLI. */
  const baseEnv = (): NodeJS.ProcessEnv => ({
    PATH: `${SBIN}:${process.env.PATH}`,
    HOME: join(dir, "home"),
    ERL_INETRC: join(dir, "inetrc"),
    ERL_EPMD_PORT: String(EPMD_PORT),
    RABBITMQ_USE_LONGNAME: "true",
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: tlsArgs,
    RABBITMQ_CTL_ERL_ARGS: tlsArgs,
  });

  const ctl = (tool: string, n: number, args: string[], env: NodeJS.ProcessEnv = baseEnv()) =>
    spawnSync(join(SBIN, tool), ["-q", "-n", node(n), ...args], { env, encoding: "utf8", timeout: 30_000 });
  const field = (n: number, name: "running_nodes" | "disk_nodes"): string[] => {
    const out = ctl("rabbitmqctl", n, ["cluster_status", "--formatter", "json"]);
    if (out.status !== 0) return [];
    return ((JSON.parse(out.stdout) as Record<string, string[]>)[name] ?? []).sort();
  };
  const quorumMembers = (n: number, queue: string): string[] => {
    const out = ctl("rabbitmq-queues", n, ["quorum_status", queue, "--formatter", "json"]);
    if (out.status !== 0) return [];
    return (JSON.parse(out.stdout) as { "Node Name": string }[]).map((m) => m["Node Name"]).sort();
  };
  const log = (n: number) => (existsSync(join(dir, `node-${n}.log`)) ? readFileSync(join(dir, `node-${n}.log`), "utf8") : "");
  /** The running-node count in a node's latest membership report (its own loop; no CLI call). */
  const reportedRunning = (n: number) => {
    const reports = [...log(n).matchAll(/"runningNodes":(\d+)/g)];
    return reports.length > 0 ? Number(reports[reports.length - 1][1]) : 0;
  };
  const status = (n: number) => (existsSync(join(dir, `node-${n}`, "status")) ? readFileSync(join(dir, `node-${n}`, "status"), "utf8").trim() : "");

  /** Polls a probe until it is done, at most `seconds`; probes that start a CLI poll every 2 s, file reads every 0.5 s. */
  async function waitFor<T>(what: string, probe: () => T, done: (value: T) => boolean, seconds = 60, everyMs = 2000): Promise<T> {
    const until = Date.now() + seconds * 1000;
    let value = probe();
    while (!done(value)) {
      if (Date.now() > until) throw new Error(`timed out after ${seconds} s waiting for ${what}; last: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      value = probe();
    }
    return value;
  }

  /** Starts node n through the entrypoint the task runs, in its own process group. */
  function start(n: number, extra: NodeJS.ProcessEnv = {}, server?: "plain"): ChildProcess {
    const home = join(dir, `node-${n}`);
    mkdirSync(join(home, "mnesia"), { recursive: true });
    mkdirSync(join(home, "log"), { recursive: true });
    writeFileSync(join(home, "enabled_plugins"), "[].\n");
    writeFileSync(
      join(home, "rabbitmq.conf"),
      [
        "loopback_users = none",
        `listeners.tcp.default = 127.0.0.1:${BASE + n}`,
        "cluster_partition_handling = pause_minority",
        ...(server === "plain"
          ? []
          : ["cluster_formation.peer_discovery_backend = classic_config", ...NODES.map((name, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${name}`)]),
        "",
      ].join("\n"),
    );
    // "plain": the bare server, as a node started without the membership step would be.
    const command = server === "plain" ? `exec ${join(SBIN, "rabbitmq-server")}` : `${rabbitmqClusterScript()}\n${rabbitmqEntrypointScript()}`;
    const child = spawn("bash", ["-c", command], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...baseEnv(),
        RABBITMQ_NODENAME: node(n),
        RABBITMQ_DIST_PORT: String(BASE + 5 + n),
        RABBITMQ_MNESIA_BASE: join(home, "mnesia"),
        RABBITMQ_LOG_BASE: join(home, "log"),
        RABBITMQ_CONFIG_FILE: join(home, "rabbitmq.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(home, "enabled_plugins"),
        RABBITMQ_COOKIE: "CE-TEST-COOKIE-4c1b8e",
        CE_RABBITMQ_SERVER: join(SBIN, "rabbitmq-server"),
        CE_RABBITMQ_PEERS: NODES.join(","),
        CE_RABBITMQ_SEED: node(1),
        CE_SHARED_DIR: join(dir, "shared"),
        CE_QUORUM_QUEUES: QUEUES.join(","),
        CE_CLUSTER_STATUS_FILE: join(home, "status"),
        CE_JOIN_POLL_SECONDS: "2",
        CE_MEMBERSHIP_INTERVAL_SECONDS: "3",
        CE_CTL_TIMEOUT_SECONDS: "15",
        ...extra,
      },
    });
    const out = join(dir, `node-${n}.log`);
    rmSync(out, { force: true });
    child.stdout!.on("data", (chunk) => writeFileSync(out, chunk, { flag: "a" }));
    child.stderr!.on("data", (chunk) => writeFileSync(out, chunk, { flag: "a" }));
    running.set(n, child);
    return child;
  }

  /** Stops node n the way a task is stopped: its whole process group, at once. */
  async function kill(n: number): Promise<void> {
    const child = running.get(n);
    running.delete(n);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      return;
    }
    await exited;
  }

  async function stopAll(): Promise<void> {
    await Promise.all([...running.keys()].map(kill));
  }

  /** Fresh data for every node and an empty shared directory. */
  function freshData(): void {
    for (const n of [1, 2, 3]) rmSync(join(dir, `node-${n}`), { recursive: true, force: true });
    rmSync(join(dir, "shared"), { recursive: true, force: true });
    mkdirSync(join(dir, "shared"));
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-rabbitmq-cluster-"));
    mkdirSync(join(dir, "home"));
    // Every node name resolves to loopback; the CLI's own long name too.
    const self = hostname().split(".")[0];
    writeFileSync(join(dir, "inetrc"), `{host, {127,0,0,1}, ["${HOST}", "${self}.${HOST}", "${self}"]}.\n{domain, "${HOST}"}.\n{lookup, [file]}.\n`);
    // This suite's own epmd, on loopback and a port of its own, stopped with the suite.
    epmd = spawn("epmd", ["-port", String(EPMD_PORT), "-address", "127.0.0.1"], { stdio: "ignore" });
    // Test certificates, and CE's inter_node_tls.conf pointing at them.
    const certs = join(dir, "certs");
    mkdirSync(certs);
    const openssl = (...args: string[]) => {
      const result = spawnSync("openssl", args, { encoding: "utf8" });
      if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
    };
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=CloudExchangeCA", "-keyout", join(certs, "ca.key"), "-out", join(certs, "rabbitmq_cert_ca.crt"));
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", join(certs, "rabbitmq_cert_key.key"), "-out", join(certs, "leaf.csr"));
    openssl("x509", "-req", "-days", "2", "-in", join(certs, "leaf.csr"), "-CA", join(certs, "rabbitmq_cert_ca.crt"), "-CAkey", join(certs, "ca.key"), "-set_serial", "1", "-out", join(certs, "rabbitmq_cert.crt"));
    writeFileSync(join(dir, "inter_node_tls.options"), INTER_NODE_TLS.replaceAll("/etc/rabbitmq/conf.d", certs));
    tlsArgs = `-proto_dist inet_tls -ssl_dist_optfile ${join(dir, "inter_node_tls.options")}`;
  });

  afterAll(async () => {
    await stopAll();
    // A CLI call still running when its node was stopped would outlive it; the host name is this suite's own.
    spawnSync("pkill", ["-9", "-f", `@${HOST}`]);
    epmd.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("forms one cluster from three nodes started in any order, and a quorum queue gets a member on every node", async () => {
    freshData();
    start(3);
    start(2);
    // Without the seed nobody forms a cluster: both wait, and their health check says so.
    await waitFor("nodes 2 and 3 to wait", () => [status(2), status(3)], (s) => s.every((x) => x === "waiting"), 30, 500);
    start(1);
    for (const n of [1, 2, 3]) await waitFor(`node ${n} to report the whole cluster running`, () => reportedRunning(n), (count) => count === 3, 120, 500);
    for (const n of [1, 2, 3]) expect({ n, running: field(n, "running_nodes") }).toEqual({ n, running: NODES });
    const declared = ctl("rabbitmqctl", 1, [
      "eval",
      `rabbit_amqqueue:declare(rabbit_misc:r(<<"/">>, queue, <<"${QUEUES[0]}">>), true, false, [{<<"x-queue-type">>, longstr, <<"quorum">>}, {<<"x-quorum-initial-group-size">>, long, 1}], none, <<"ce-test">>).`,
    ]);
    expect(declared.status).toBe(0);
    expect(await waitFor("the queue to have a member on every node", () => quorumMembers(1, QUEUES[0]), (m) => m.length === 3, 60)).toEqual(NODES);
    for (const n of [1, 2, 3]) await waitFor(`node ${n} to report membership`, () => status(n), (s) => s === "member", 30, 500);
    expect(log(2)).toContain(`joining the cluster through ${node(1)}`);
    expect(log(1)).toContain('"event":"ce-rabbitmq-membership"');
    expect(existsSync(join(dir, "shared", "rabbitmq-cluster-formed"))).toBe(true);
    // Erlang distribution runs over TLS: the nodes use inet_tls, and a CLI without TLS is refused.
    expect(ctl("rabbitmqctl", 2, ["eval", "init:get_argument(proto_dist)."]).stdout).toContain("inet_tls");
    const { RABBITMQ_CTL_ERL_ARGS: _tls, ...plain } = baseEnv();
    expect(spawnSync(join(SBIN, "rabbitmqctl"), ["-q", "-n", node(1), "--timeout", "10", "ping"], { env: plain, encoding: "utf8", timeout: 60_000 }).status).not.toBe(0);
  }, 240_000);

  it("lets node 2, replaced with empty data, rejoin under its name and regain its queue membership", async () => {
    await kill(2);
    await waitFor("node 1 to report node 2 gone", () => reportedRunning(1), (count) => count === 2, 60, 500);
    expect(field(1, "running_nodes")).toEqual([node(1), node(3)]);
    rmSync(join(dir, "node-2", "mnesia"), { recursive: true, force: true });
    start(2);
    await waitFor("node 2 to report the whole cluster running", () => reportedRunning(2), (count) => count === 3, 120, 500);
    expect(field(1, "running_nodes")).toEqual(NODES);
    expect(field(2, "disk_nodes")).toEqual(NODES);
    expect(await waitFor("node 2 back in the queue", () => quorumMembers(1, QUEUES[0]), (m) => m.includes(node(2)) && m.length === 3, 60)).toEqual(NODES);
    expect(log(2)).toContain(`${node(1)} forgot the lost ${node(2)}; joining again under the same name`);
  }, 240_000);

  it("reports a node that runs a cluster of its own as outside the cluster, and fails its health check", async () => {
    // Node 3 leaves for good, and comes back as a cluster of its own (started without the membership step).
    await kill(3);
    expect(ctl("rabbitmqctl", 1, ["forget_cluster_node", node(3)]).status).toBe(0);
    rmSync(join(dir, "node-3", "mnesia"), { recursive: true, force: true });
    start(3, {}, "plain");
    await waitFor("node 3 to run on its own", () => field(3, "running_nodes"), (nodes) => nodes.length === 1, 120);
    await kill(3);
    // Now node 3 starts as a task would: with its (wrong) state, it rejoins nothing and is reported.
    start(3);
    await waitFor("node 3 to report itself outside", () => status(3), (s) => s === "outside", 120, 500);
    expect(field(3, "disk_nodes")).toEqual([node(3)]);
    expect(field(1, "running_nodes")).toEqual([node(1), node(2)]);
    expect(log(3)).toMatch(/"outside":1/);
    const health = spawnSync("bash", ["-c", HEALTH_CHECKS.rabbitmqHa.replaceAll(CLUSTER_STATUS_FILE, join(dir, "node-3", "status"))], {
      env: { ...baseEnv(), RABBITMQ_NODENAME: node(3) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(health.status).not.toBe(0);
    // The members are not reported: their cluster is the real one.
    expect(status(1)).toBe("member");
  }, 300_000);

  it("keeps a node without data that cannot reach the others from forming a cluster of its own", async () => {
    await stopAll();
    freshData();
    const lonely = start(3, { CE_JOIN_MAX_WAIT_SECONDS: "4" });
    const code = await new Promise<number | null>((resolve) => lonely.once("exit", resolve));
    expect(code).toBe(3);
    expect(status(3)).toBe("waiting");
    expect(log(3)).toContain("waiting (not forming a cluster of its own)");
    expect(existsSync(join(dir, "node-3", "mnesia", node(3)))).toBe(false);
    expect(ctl("rabbitmq-diagnostics", 3, ["ping"]).status).not.toBe(0);
    // Nor does the seed once a cluster was formed: its data was lost, the others are away.
    writeFileSync(join(dir, "shared", "rabbitmq-cluster-formed"), `formed by ${node(1)} earlier\n`);
    const seed = start(1, { CE_JOIN_MAX_WAIT_SECONDS: "2" });
    expect(await new Promise<number | null>((resolve) => seed.once("exit", resolve))).toBe(3);
    expect(readdirSync(join(dir, "node-1", "mnesia"))).toEqual([]);
  }, 120_000);
});
