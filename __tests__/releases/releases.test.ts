/**
 * The release records (modules/releases): one per release an environment can
 * name, each with the facts of its source (docs/task-contract.md). The task
 * tests pin what the records produce; these pin the records themselves and
 * the rules every record must follow.
 */
import { MANAGED_CORE_VARIABLES } from "../../modules/config";
import { DEFAULT_RELEASE, IMAGE_NAMES, RELEASE_IDS, RELEASES, releaseOf } from "../../modules/releases";
import { ce6MemorySplit, INTER_NODE_TLS } from "../../modules/releases/ce-6.1";

describe("release records", () => {
  it("exist for every release an environment can name, 6.1 by default", () => {
    expect(Object.keys(RELEASES).sort()).toEqual([...RELEASE_IDS].sort());
    expect(DEFAULT_RELEASE).toBe("6.1");
    for (const id of RELEASE_IDS) expect(releaseOf(id).id).toBe(id);
  });

  it("state Netskope's end of support where it has passed", () => {
    expect(releaseOf("5.0").endOfLife).toBe("2026-01-31");
    expect(releaseOf("6.1").endOfLife).toBeUndefined();
  });

  it("name a tag for every image, never a moving *-latest", () => {
    for (const id of RELEASE_IDS) {
      for (const name of IMAGE_NAMES) expect({ id, name, tag: releaseOf(id).images[name].tag }).toEqual({ id, name, tag: expect.not.stringMatching(/latest/) });
    }
  });

  it("size CE 6 as its setup does: Medium and Large, 6/32, 4/32, 18/32 and 256 MiB", () => {
    expect(ce6MemorySplit(16384)).toEqual({ rabbitmq: 3072, mongodb: 2048, core: 9216, ui: 256 });
    expect(ce6MemorySplit(32768)).toEqual({ rabbitmq: 6144, mongodb: 4096, core: 18432, ui: 256 });
    for (const id of ["6.1", "6.0"] as const) {
      const sizing = releaseOf(id).sizing;
      expect(sizing).toMatchObject({ presets: ["medium", "large"], cpuUnits: [8192, 16384], hardLimits: true });
      expect([sizing.profile!(8192), sizing.profile!(16384), sizing.profile!(4096)]).toEqual(["Medium", "Large", undefined]);
    }
  });

  it("keep CE 5.0's four presets and the template's RabbitMQ storage figures", () => {
    const sizing = releaseOf("5.0").sizing;
    expect(sizing.presets).toEqual(["extra-small", "small", "medium", "large"]);
    expect(sizing.rabbitmqAvailableStorageBytes).toEqual({ "extra-small": 42949672960, small: 42949672960, medium: 85899345920, large: 128849018880 });
  });

  it("run RabbitMQ 4.2 on TLS only with quorum queues in 6.x, and 3.12 with mirrored classic queues in 5.0", () => {
    for (const id of ["6.1", "6.0"] as const) {
      expect(releaseOf(id).rabbitmq).toMatchObject({ version: "4.2", amqpPort: 5671, managementPort: 15671, scheme: "amqps", dataDirectory: "rabbitmq4-data", queues: { kind: "quorum" } });
    }
    expect(releaseOf("5.0").rabbitmq).toMatchObject({ version: "3.12", amqpPort: 5672, managementPort: 15672, scheme: "amqp", dataDirectory: "rabbitmq-data", queues: { kind: "classic-mirrored" } });
  });

  it("let RabbitMQ 4.2 keep quorum queues on every HA node by itself, and 5.0 find its peers", () => {
    const nodes = ["rabbit@node-1.x", "rabbit@node-2.x", "rabbit@node-3.x"];
    const ha = releaseOf("6.1").rabbitmq.config(6144, { nodeNames: nodes });
    expect(ha).toContain("quorum_queue.continuous_membership_reconciliation.enabled = true");
    expect(ha).toContain("quorum_queue.continuous_membership_reconciliation.target_group_size = 3");
    expect(ha).toContain("quorum_queue.continuous_membership_reconciliation.auto_remove = false");
    expect(releaseOf("6.0").rabbitmq.config(3072)).not.toMatch(/ciphers|honor_/);
    expect(releaseOf("6.0").rabbitmq.config(3072)).toContain("listeners.tcp = none");
  });

  it("run the Erlang distribution over TLS with both sides verified against the internal CA (6.x; CE itself verifies neither side)", () => {
    expect(releaseOf("6.1").rabbitmq.interNodeTls).toBe(INTER_NODE_TLS);
    const [server, client] = [/\{server, \[([\s\S]*?)\n  \]\}/, /\{client, \[([\s\S]*?)\n  \]\}/].map((re) => re.exec(INTER_NODE_TLS)![1]);
    for (const side of [server, client]) {
      expect(side).toContain("{verify, verify_peer}");
      expect(side).toContain('{cacertfile, "/etc/rabbitmq/conf.d/rabbitmq_cert_ca.crt"}');
      expect(side).toContain('{certfile, "/etc/rabbitmq/conf.d/rabbitmq_cert.crt"}');
      expect(side).toContain("{versions, ['tlsv1.2', 'tlsv1.3']}");
    }
    expect(server).toContain("{fail_if_no_peer_cert, true}");
    expect(INTER_NODE_TLS).not.toContain("verify_none");
    expect(releaseOf("5.0").rabbitmq.interNodeTls).toBeUndefined();
  });

  it("add CE's HA flags to mongod, and require TLS from every client of an HA member (6.x)", () => {
    expect(releaseOf("6.1").mongodb.haFlags("mongo_replica_set", "/k")).toEqual(["--bind_ip_all", "--replSet", "mongo_replica_set", "--keyFile", "/k"]);
    expect(releaseOf("6.1").mongodb.serverFlags(true).slice(0, 2)).toEqual(["--tlsMode", "requireTLS"]);
    expect(releaseOf("6.1").mongodb.serverFlags(false).slice(0, 2)).toEqual(["--tlsMode", "preferTLS"]);
    expect(releaseOf("6.0").mongodb.serverFlags(true).slice(0, 2)).toEqual(["--tlsMode", "requireTLS"]);
    expect(releaseOf("5.0").mongodb.haFlags("mongo_replica_set", "/k")).toEqual(["--bind_ip_all", "--replSet", "mongo_replica_set", "--keyFile", "/k"]);
    expect(releaseOf("5.0").mongodb.serverFlags(true)).toEqual([]);
  });

  it("set only core variables the schema keeps operators from setting themselves", () => {
    for (const id of RELEASE_IDS) {
      for (const ha of [false, true]) {
        const variables = Object.keys(
          releaseOf(id).core.environment({ preset: "large", profile: "Large", images: releaseOf(id).images, tlsVersion: "TLSv1.3", ha, application: {} }),
        );
        expect({ id, unmanaged: variables.filter((v) => !(MANAGED_CORE_VARIABLES as readonly string[]).includes(v)) }).toEqual({ id, unmanaged: [] });
      }
    }
  });
});
