/**
 * The container scripts, run for real in a temporary directory: the init
 * container's files and permissions, and the RabbitMQ entrypoint's cookie.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPTS = join(__dirname, "..", "..", "modules", "workload", "scripts");

describe("init.sh", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-init-"));
    for (const sub of ["initdb", "ca", "rabbitmq", "keyfile"]) mkdirSync(join(dir, sub));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (extra: Record<string, string>) =>
    spawnSync("sh", ["-c", readFileSync(join(SCRIPTS, "init.sh"), "utf8")], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        CE_MONGO_INIT_DIR: join(dir, "initdb"),
        CE_CA_DIR: join(dir, "ca"),
        CE_RABBITMQ_CONF_DIR: join(dir, "rabbitmq"),
        CE_MONGO_KEYFILE_DIR: join(dir, "keyfile"),
        CE_DATABASE_UID: String(process.getuid?.() ?? 0),
        CE_RABBITMQ_CONF: "log.console = true\nconsumer_timeout = 86400000",
        ...extra,
      },
    });

  it("writes the MongoDB user script, which reads the password from the environment only", () => {
    const result = run({});
    expect(result.status).toBe(0);
    const script = readFileSync(join(dir, "initdb", "10-cloud-exchange-user.sh"), "utf8");
    expect(script).toContain('pwd: "$MONGODB_PASSWORD"');
    expect(script).toContain("role: \"dbOwner\", db: \"$MONGO_INITDB_DATABASE\"");
    expect(statSync(join(dir, "initdb", "10-cloud-exchange-user.sh")).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dir, "rabbitmq", "20-cloud-exchange.conf"), "utf8")).toBe("log.console = true\nconsumer_timeout = 86400000\n");
  });

  it("installs the CA certificate and the keyfile only when given, never echoing them", () => {
    const plain = run({});
    expect(() => statSync(join(dir, "ca", "cert.pem"))).toThrow();
    expect(() => statSync(join(dir, "keyfile", "keyfile"))).toThrow();
    expect(plain.stdout).not.toContain("CA certificate");

    const result = run({ CUSTOM_CA_CERT: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", MONGO_REPLICA_KEY: "s3cretKeyfileValue" });
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, "ca", "cert.pem"), "utf8")).toContain("BEGIN CERTIFICATE");
    expect(readFileSync(join(dir, "keyfile", "keyfile"), "utf8")).toBe("s3cretKeyfileValue");
    expect(statSync(join(dir, "keyfile", "keyfile")).mode & 0o777).toBe(0o400);
    expect(`${result.stdout}${result.stderr}`).not.toContain("s3cretKeyfileValue");
    expect(`${result.stdout}${result.stderr}`).not.toContain("MIIB");
  });

  it("fails when its RabbitMQ settings are missing (set -u)", () => {
    const missing = spawnSync("sh", ["-c", readFileSync(join(SCRIPTS, "init.sh"), "utf8")], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, CE_MONGO_INIT_DIR: join(dir, "initdb"), CE_RABBITMQ_CONF_DIR: join(dir, "rabbitmq") },
    });
    expect(missing.status).not.toBe(0);
  });
});

describe("rabbitmq-entrypoint.sh", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-rabbitmq-"));
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "home"));
    writeFileSync(join(dir, "bin", "docker-entrypoint.sh"), '#!/bin/sh\necho "started $*"\n');
    writeFileSync(join(dir, "bin", "rabbitmqctl"), `#!/bin/sh\necho "$*" >> "${join(dir, "ctl.log")}"\n`);
    chmodSync(join(dir, "bin", "docker-entrypoint.sh"), 0o755);
    chmodSync(join(dir, "bin", "rabbitmqctl"), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (extra: Record<string, string>) =>
    spawnSync("bash", ["-c", readFileSync(join(SCRIPTS, "rabbitmq-entrypoint.sh"), "utf8")], {
      encoding: "utf8",
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, HOME: join(dir, "home"), RABBITMQ_COOKIE: "cookie-value", ...extra },
    });

  it("writes the Erlang cookie with mode 600 and starts the server", () => {
    const result = run({});
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("started rabbitmq-server");
    expect(readFileSync(join(dir, "home", ".erlang.cookie"), "utf8")).toBe("cookie-value");
    expect(statSync(join(dir, "home", ".erlang.cookie")).mode & 0o777).toBe(0o600);
    expect(result.stdout).not.toContain("cookie-value");
  });

  it("maps an HA node's own name to loopback for Erlang, and only in HA", () => {
    run({});
    expect(() => readFileSync(join(dir, "home", ".inetrc"), "utf8")).toThrow();
    const inetrc = join(dir, "home", "inetrc");
    expect(run({ CE_RABBITMQ_HOSTNAME: "node-2.prod.cloudexchange.internal", ERL_INETRC: inetrc }).status).toBe(0);
    expect(readFileSync(inetrc, "utf8")).toBe('{host, {127,0,0,1}, ["node-2.prod.cloudexchange.internal"]}.\n{lookup, [file, native]}.\n');
  });

  it("applies the mirroring policy only when asked", async () => {
    run({});
    expect(() => readFileSync(join(dir, "ctl.log"), "utf8")).toThrow();
    run({ CE_MIRROR_QUEUES: "true" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const calls = readFileSync(join(dir, "ctl.log"), "utf8");
    expect(calls).toContain("-q await_startup");
    expect(calls).toContain('set_policy --apply-to queues ce-ha-all .* {"ha-mode":"all","ha-sync-mode":"automatic"}');
  });
});
