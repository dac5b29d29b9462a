/**
 * The replica-set init script's decisions, run for real against a stub mongo
 * shell that plays the other nodes: it initiates a fresh set exactly once,
 * joins through the primary otherwise, and never starts a second set.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replicaSetInitScript } from "../../modules/ha/ha-cluster";

const NS = "prod.cloudexchange.internal";
const node = (n: number) => `node-${n}.${NS}`;
const member = (n: number) => `${node(n)}:27017`;

/**
 * A stub `mongosh`: answers status queries from state/<host> (MEMBER <primary>,
 * UNINITIALIZED, or UNREACHABLE), records initiate/add calls in calls.log, and
 * turns the caller into a member when a call succeeds.
 */
const STUB = `#!/bin/bash
dir="$(dirname "$0")"
echo "$@" >> "$dir/argv.log"
while [ $# -gt 0 ]; do
  case "$1" in --host) host="$2"; shift 2;; --eval) js="$2"; shift 2;; *) shift;; esac
done
state="$(cat "$dir/state/$host" 2>/dev/null || echo UNREACHABLE)"
[ "$state" = "UNREACHABLE" ] && { echo "connect ECONNREFUSED" >&2; exit 1; }
case "$js" in
  *"/*ce:status*/"*) echo "$state" ;;
  *"/*ce:initiate*/"*)
    echo "initiate on $host" >> "$dir/calls.log"
    echo "MEMBER $host:27017" > "$dir/state/$host"; echo INITIATED ;;
  *"/*ce:add*/"*)
    self="$(sed -n "s/.*indexOf('\\([^']*\\)').*/\\1/p" <<< "$js" | head -n 1)"
    if grep -qx "$self" "$dir/config" 2>/dev/null; then echo "present $self via $host" >> "$dir/calls.log"; echo PRESENT
    else echo "add $self via $host" >> "$dir/calls.log"; echo "$self" >> "$dir/config"; echo ADDED; fi
    echo "MEMBER $(cut -d' ' -f2 < "$dir/state/$host")" > "$dir/state/\${self%:*}" ;;
esac
`;

interface Scenario {
  /** This node. */
  readonly self: number;
  /** State per node; missing means unreachable. */
  readonly states: Partial<Record<number, string>>;
  /** Members already in the replica-set config. */
  readonly config?: readonly string[];
  /** Whether the shared directory holds the initiated marker. */
  readonly marker?: boolean;
}

function run(scenario: Scenario) {
  const dir = mkdtempSync(join(tmpdir(), "ce-rs-init-"));
  try {
    mkdirSync(join(dir, "state"));
    mkdirSync(join(dir, "shared"));
    writeFileSync(join(dir, "mongosh"), STUB);
    chmodSync(join(dir, "mongosh"), 0o755);
    for (const [n, state] of Object.entries(scenario.states)) writeFileSync(join(dir, "state", node(Number(n))), state!);
    writeFileSync(join(dir, "config"), (scenario.config ?? []).map((h) => `${h}\n`).join(""));
    if (scenario.marker) writeFileSync(join(dir, "shared", "replica-set-initiated"), "mongo_replica_set initiated by node-1 earlier\n");
    const result = spawnSync("bash", ["-c", replicaSetInitScript()], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        CE_MONGO_SHELL: join(dir, "mongosh"),
        CE_NODE_HOST: node(scenario.self),
        CE_NODE_HOSTS: [1, 2, 3].map(node).join(","),
        CE_SEED_HOST: node(1),
        CE_REPLICA_SET: "mongo_replica_set",
        CE_SHARED_DIR: join(dir, "shared"),
        MONGO_ROOT_PASSWORD: "pw-not-to-be-logged",
        CE_PREVIOUS_ROOT_PASSWORD: "old-pw-not-to-be-logged",
        CE_POLL_SECONDS: "0",
        CE_MAX_ROUNDS: "4",
      },
    });
    const calls = existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n") : [];
    const argv = existsSync(join(dir, "argv.log")) ? readFileSync(join(dir, "argv.log"), "utf8") : "";
    const marker = existsSync(join(dir, "shared", "replica-set-initiated")) ? readFileSync(join(dir, "shared", "replica-set-initiated"), "utf8") : undefined;
    return { status: result.status, output: result.stdout + result.stderr, calls, marker, argv };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("replica-set-init", () => {
  it("initiates a fresh cluster once, on the seed node, and records it in the shared directory", () => {
    const result = run({ self: 1, states: { 1: "UNINITIALIZED" } });
    expect(result.calls).toEqual([`initiate on ${node(1)}`]);
    expect(result.status).toBe(0);
    expect(result.marker).toMatch(new RegExp(`^mongo_replica_set initiated by ${member(1)} at \\d{4}-`));
  });

  it("joins a new node through the current primary", () => {
    const result = run({ self: 2, states: { 1: `MEMBER ${member(1)}`, 2: "UNINITIALIZED" }, config: [member(1)] });
    expect(result.calls).toEqual([`add ${member(2)} via ${node(1)}`]);
    expect(result.status).toBe(0);
  });

  it("joins through whichever node is primary now", () => {
    const result = run({ self: 3, states: { 1: `MEMBER ${member(2)}`, 2: `MEMBER ${member(2)}`, 3: "UNINITIALIZED" }, config: [member(1), member(2)] });
    expect(result.calls).toEqual([`add ${member(3)} via ${node(2)}`]);
  });

  it("never initiates on a node other than the seed, however long it waits", () => {
    const result = run({ self: 2, states: { 2: "UNINITIALIZED" } });
    expect(result.calls).toEqual([]);
    expect(result.status).toBe(3);
    expect(result.output).toContain(`waiting for the seed node ${node(1)}`);
  });

  it("does not start a second set when the seed lost its data while the others are unreachable", () => {
    const result = run({ self: 1, states: { 1: "UNINITIALIZED" }, marker: true });
    expect(result.calls).toEqual([]);
    expect(result.status).toBe(3);
    expect(result.output).toContain("not starting a second set");
  });

  it("brings a seed that lost its data back through the primary instead of initiating", () => {
    const result = run({ self: 1, states: { 1: "UNINITIALIZED", 2: `MEMBER ${member(2)}`, 3: `MEMBER ${member(2)}` }, config: [member(1), member(2), member(3)], marker: true });
    expect(result.calls).toEqual([`present ${member(1)} via ${node(2)}`]);
    expect(result.calls.some((c) => c.startsWith("initiate"))).toBe(false);
  });

  it("does nothing on a restart of a member, and leaves the marker for later", () => {
    const result = run({ self: 2, states: { 1: `MEMBER ${member(1)}`, 2: `MEMBER ${member(1)}` } });
    expect(result.calls).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.marker).toContain(`member ${member(2)} found it initiated`);
  });

  it("waits while the set has no primary", () => {
    const result = run({ self: 3, states: { 1: "MEMBER -", 2: "MEMBER -", 3: "UNINITIALIZED" } });
    expect(result.calls).toEqual([]);
    expect(result.output).toContain("no primary yet");
  });

  it("never prints the password, nor puts it on a command line", () => {
    for (const scenario of [{ self: 1, states: { 1: "UNINITIALIZED" } }, { self: 2, states: { 2: "UNINITIALIZED" } }]) {
      const result = run(scenario);
      expect(result.output).not.toContain("pw-not-to-be-logged");
      expect(result.argv).toContain("process.env.MONGO_ROOT_PASSWORD");
      expect(result.argv).toContain("process.env.CE_PREVIOUS_ROOT_PASSWORD");
      expect(result.argv).not.toContain("pw-not-to-be-logged");
    }
  });
});
