/**
 * The CE 6 HA stack's three node tasks on the task runner, each in its own
 * network namespace with the Cloud Map names resolving across them, as the
 * task definitions say (real RabbitMQ with Erlang distribution over TLS;
 * strict stand-ins for mongod, mongosh, core and the UI). In turn, on one
 * cluster:
 * - a node without data that cannot reach the others gives up (bounded here
 *   by CE_JOIN_MAX_WAIT_SECONDS) without forming a cluster of its own;
 * - nodes 2 and 3 started first wait, running, for node 1 (RabbitMQ waiting,
 *   core not started: no restart loop); node 1 forms the replica set and the
 *   RabbitMQ cluster, every node reaches steady state, core logs in as root
 *   and reads the replica set on every node, CE's quorum queues have a member
 *   on every node, and the distribution port refuses a peer without a
 *   certificate of the internal CA;
 * - node 2's task stopped and started again with empty RabbitMQ data rejoins
 *   under its name and regains its queue membership.
 * Only the scripts' polling intervals are shortened (run-task overrides of
 * their own parameters); the health checks keep the definitions' timings,
 * whose start period and retries are what let nodes 2 and 3 wait for node 1
 * (the runner lengthens a check's timeout by the host's load: host-load.ts).
 * One such cluster runs on a machine at a time (machine-slot.ts): a second
 * test run's suite waits for this one's.
 */
import { CLUSTER_STATUS_FILE } from "../../modules/workload/containers/task-spec";
import { RunningTask } from "../../scripts/task-runner/running-task";
import { NodePlace, placeNodes } from "../../scripts/task-runner/node-placement";
import { ContainerOverride, TaskRunner } from "../../scripts/task-runner/task-runner";
import { TaskModel } from "../../scripts/task-runner/task-model";
import { testSecrets } from "../../scripts/task-runner/test-secrets";
import { acquireMachineSlot, MachineSlot } from "../support/machine-slot";
import { cloudExchangeTasks, describeOnRunner, environmentTasks } from "../support/task-runner-suite";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const ha = environmentTasks().find((e) => e.environment.variant === "ha" && !e.environment.release.startsWith("5."))!;
const QUEUE = "cloudexchange_9";
/** Where the rabbitmq container finds its certificates, and the Erlang distribution's port (RabbitMQ's default). */
const CONF_D = "/etc/rabbitmq/conf.d";
const DIST_PORT = 25672;
/** How long this suite waits for another run's cluster on this machine to finish (its own takes 4-8 minutes). */
const SLOT_WAIT_SECONDS = 1200;
/**
 * How long the membership step may take to converge: each round starts up to four Erlang CLI VMs per
 * node, and a node adds itself to CE's queue on the first round after core declared it. Quiet, that is
 * within a minute; with the machine's cores busy a round took 30-60 s and 120 s was once not enough.
 */
const CONVERGE_SECONDS = 300;
/**
 * Shorter polling of the scripts' own loops. The membership loop starts two Erlang CLI VMs per round on
 * every node; at 15 s (not less) three nodes leave the health checks' CLI room to answer in their 10 s on 2 cores.
 */
const FAST: Record<string, ContainerOverride> = {
  rabbitmq: { environment: [{ name: "CE_JOIN_POLL_SECONDS", value: "2" }, { name: "CE_MEMBERSHIP_INTERVAL_SECONDS", value: "15" }] },
  "replica-set-init": { environment: [{ name: "CE_POLL_SECONDS", value: "2" }] },
};

describeOnRunner(`HA cluster of ${ha?.source ?? "no environment"} on runc`, () => {
  const nodes = cloudExchangeTasks(ha.tasks);
  const hostnames = ha.nodeHostnames;
  const rabbitNode = (i: number) => `rabbit@${hostnames[i]}`;
  const secrets = testSecrets(ha.environment);
  let runner: TaskRunner;
  let place: (i: number) => NodePlace;
  const running: RunningTask[] = [];

  const start = (i: number, overrides: Record<string, ContainerOverride> = FAST): RunningTask => {
    running[i] = runner.start(nodes[i], { secrets, ...place(i), overrides });
    return running[i];
  };
  const ctl = async (i: number, args: string[]) => running[i].exec("rabbitmq", args, 60);
  const json = async <T>(i: number, args: string[]): Promise<T | undefined> => {
    const { code, output } = await ctl(i, [...args, "--formatter", "json"]);
    return code === 0 ? (JSON.parse(output) as T) : undefined;
  };
  const runningNodes = async (i: number) => ((await json<{ running_nodes: string[] }>(i, ["rabbitmqctl", "-q", "cluster_status"]))?.running_nodes ?? []).sort();
  const queueMembers = async (i: number) => ((await json<{ "Node Name": string }[]>(i, ["rabbitmq-queues", "-q", "quorum_status", QUEUE])) ?? []).map((m) => m["Node Name"]).sort();
  const clusterStatus = async (i: number) => (await ctl(i, ["cat", CLUSTER_STATUS_FILE])).output.trim();
  /** Polls an asynchronous probe until it holds, at most `seconds`. */
  async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, seconds: number): Promise<T> {
    const end = Date.now() + seconds * 1000;
    for (;;) {
      const value = await probe();
      if (done(value)) return value;
      if (Date.now() > end) throw new Error(`waited ${seconds} s for ${what}; last: ${JSON.stringify(value)}\n${running.filter(Boolean).map((t) => `${t.describeFailure(what)}\n${membershipLines(t)}`).join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  const dataOf = (model: TaskModel) => runner.efsDirectory(model, "rabbitmq-data");
  /** What a node's membership step said last (its log lines and JSON reports), for a failure's message. */
  const membershipLines = (task: RunningTask) =>
    ["      --- rabbitmq membership (last lines) ---", ...task.log("rabbitmq").split("\n").filter((line) => /rabbitmq-cluster \[|ce-rabbitmq-membership/.test(line)).slice(-12).map((line) => `      | ${line}`)].join("\n");

  let slot: MachineSlot | undefined;

  // One cluster at a time on this machine: a second test run's cluster waits for this one.
  beforeAll(async () => {
    slot = await acquireMachineSlot("ha-cluster", SLOT_WAIT_SECONDS);
    runner = new TaskRunner();
    place = placeNodes(runner, hostnames);
  }, (SLOT_WAIT_SECONDS + 60) * 1000);
  afterAll(async () => {
    await runner?.close();
    await slot?.release();
  }, 180_000);

  it("has three node tasks", () => {
    expect(nodes.map((n) => n.family)).toHaveLength(3);
  });

  it("lets a node without data that cannot reach the others give up without forming a cluster of its own", async () => {
    const lonely = start(2, { ...FAST, rabbitmq: { environment: [...FAST.rabbitmq.environment!, { name: "CE_JOIN_MAX_WAIT_SECONDS", value: "4" }] } });
    await lonely.until("node 3's RabbitMQ to give up", (t) => t.status("rabbitmq").state === "STOPPED", 120);
    expect(lonely.status("rabbitmq").exitCode).toBe(3);
    expect(lonely.log("rabbitmq")).toContain("waiting (not forming a cluster of its own)");
    expect(lonely.status("core").state).toBe("NEVER_STARTED");
    await lonely.stop();
    expect(readdirSync(dataOf(nodes[2]))).toEqual([]);
  }, 180_000);

  it("forms the cluster once node 1 starts, nodes 2 and 3 waiting for it without restarting", async () => {
    const [second, third] = [start(1), start(2)];
    for (const [i, task] of [[1, second], [2, third]] as const) {
      await task.until(`node ${i + 1} to start RabbitMQ`, (t) => t.status("rabbitmq").state === "RUNNING", 120);
      await eventually(`node ${i + 1} to report waiting`, () => clusterStatus(i), (s) => s === "waiting", 60);
    }
    // Waiting is not failing: nothing stopped, and core waits for the replica set.
    for (const task of [second, third]) {
      expect(task.stoppedReason).toBeUndefined();
      expect(task.status("core").state).toBe("PENDING");
    }
    const first = start(0);
    await Promise.all(running.map((task, i) => task.until(`node ${i + 1} steady with core's API up`, (t) => t.isSteady() && t.log("core").includes("API listening"), 420)));
    for (const [i, task] of running.entries()) {
      expect({ node: i + 1, events: task.events().filter((e) => e.startsWith("core ") || e.startsWith("replica-set-init ")) }).toEqual({
        node: i + 1,
        events: ["replica-set-init started", "replica-set-init exited 0", "core started"],
      });
      expect(task.log("core")).toMatch(/root logged in on admin with the same password \(replica set status read\)/);
    }
    // Each node's own view, asked of the three nodes at once (every rabbitmqctl call starts an Erlang VM).
    const views = await Promise.all([0, 1, 2].map((i) => eventually(`node ${i + 1} to see the whole cluster`, () => runningNodes(i), (n) => n.length === 3, 120)));
    for (const view of views) expect(view).toEqual([0, 1, 2].map(rabbitNode).sort());
    expect(await eventually("a member of CE's queue on every node", () => queueMembers(0), (m) => m.length === 3, CONVERGE_SECONDS)).toEqual([0, 1, 2].map(rabbitNode).sort());
    await Promise.all([0, 1, 2].map((i) => eventually(`node ${i + 1} to report membership`, () => clusterStatus(i), (s) => s === "member", CONVERGE_SECONDS)));
    expect(first.log("rabbitmq")).toContain("forming the cluster");
    // Erlang distribution runs over TLS (inet_tls). Node 1's distribution port completes a handshake only with a client
    // certificate of the internal CA (a peer without one is refused during the handshake), and its certificate names it.
    const protocol = await eventually("node 2 to report its distribution protocol", async () => (await ctl(1, ["rabbitmqctl", "-q", "eval", "init:get_argument(proto_dist)."])).output, (o) => o.includes("inet_tls"), 120);
    expect(protocol).toContain("inet_tls");
    const handshake = async (withCertificate: boolean) => {
      const certificate = withCertificate ? ` -cert ${CONF_D}/rabbitmq_cert.crt -key ${CONF_D}/rabbitmq_cert_key.key` : "";
      const command = `openssl s_client -tls1_2 -brief -connect ${hostnames[0]}:${DIST_PORT} -CAfile ${CONF_D}/rabbitmq_cert_ca.crt -verify_return_error -verify_hostname ${hostnames[0]}${certificate} </dev/null 2>&1`;
      return (await ctl(1, ["sh", "-c", command])).output;
    };
    const accepted = await handshake(true);
    expect(accepted).toContain("Verification: OK");
    expect(accepted).toContain(`Verified peername: ${hostnames[0]}`);
    expect(await handshake(false)).toContain("alert handshake failure");
  }, 1_200_000);

  it("lets node 2, replaced with empty RabbitMQ data, rejoin under its name and regain its queue membership", async () => {
    await running[1].stop("replaced");
    await eventually("node 1 to see node 2 gone", () => runningNodes(0), (n) => n.length === 2, 120);
    const data = dataOf(nodes[1]);
    for (const entry of readdirSync(data)) rmSync(join(data, entry), { recursive: true, force: true });
    const replaced = start(1);
    await replaced.until("node 2 steady again", (t) => t.isSteady(), 300);
    expect(replaced.log("rabbitmq")).toContain(`forgot the lost ${rabbitNode(1)}; joining again under the same name`);
    const [cluster, members] = await Promise.all([
      eventually("node 2 in the cluster", () => runningNodes(0), (n) => n.length === 3, 120),
      eventually("node 2 back in CE's queue", () => queueMembers(0), (m) => m.length === 3, CONVERGE_SECONDS),
    ]);
    expect(cluster).toEqual([0, 1, 2].map(rabbitNode).sort());
    expect(members).toEqual([0, 1, 2].map(rabbitNode).sort());
  }, 900_000);
});
