/**
 * The container scripts, run for real in a temporary directory: the init
 * container's files and permissions, the certificates it makes with the
 * real openssl (CA, leaf, UI certificate, renewal, rotation, the operator's
 * own certificate left alone), the RabbitMQ entrypoint's cookie and
 * certificate reports, and the MongoDB entrypoint's hand-over to mongod.
 */
import { spawnSync, SpawnSyncOptionsWithStringEncoding, SpawnSyncReturns } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initScript, rabbitmqEntrypointScript } from "../../modules/workload/container-definitions";

const SCRIPTS = join(__dirname, "..", "..", "modules", "workload", "scripts");

/**
 * Runs a script that starts background steps, as spawnSync does (it returns once the script and every step
 * holding its output have ended, or at the timeout), in a process group of its own; then stops what is left
 * of that group by its ID (a step that never ended: only when the script is broken).
 */
function runInOwnGroup(args: string[], options: SpawnSyncOptionsWithStringEncoding): SpawnSyncReturns<string> {
  const result = spawnSync("setsid", ["--wait", ...args], options);
  try {
    if (result.pid) process.kill(-result.pid, "SIGKILL");
  } catch {
    // Nothing of the group is left.
  }
  return result;
}

describe("init.sh", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-init-"));
    for (const sub of ["initdb", "ca", "rabbitmq", "keyfile", "certs", "certs-ca", "ui"]) mkdirSync(join(dir, sub));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (extra: Record<string, string>) =>
    spawnSync("sh", ["-c", initScript()], {
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

  it("writes the MongoDB user script, which passes a password with quotes, backslashes and newlines to the shell as data", () => {
    const result = run({});
    expect(result.status).toBe(0);
    const script = join(dir, "initdb", "10-cloud-exchange-user.sh");
    expect(statSync(script).mode & 0o777).toBe(0o644);
    // Sourced as the image's entrypoint does, with its shell in "${mongo[@]}" (here: one that records the JavaScript).
    const password = 'p"w\\d\nx&y\u0027$(id)`id`';
    const sourced = spawnSync("bash", ["-c", `mongo=(sh -c 'cat > "$0"' "${join(dir, "user.js")}"); source "${script}"`], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, MONGO_INITDB_DATABASE: "cte", MONGODB_USERNAME: "cteadmin", MONGODB_PASSWORD: password },
    });
    expect(sourced.status).toBe(0);
    const created: unknown[] = [];
    new Function("db", readFileSync(join(dir, "user.js"), "utf8"))({ createUser: (user: unknown) => created.push(user) });
    expect(created).toEqual([{ user: "cteadmin", pwd: password, roles: [{ role: "dbOwner", db: "cte" }] }]);
    expect(readFileSync(join(dir, "rabbitmq", "20-cloud-exchange.conf"), "utf8")).toBe("log.console = true\nconsumer_timeout = 86400000\n");
  });

  it("has the first-start script create the logical backup's user, with MongoDB's backup role only, when the container has its password", () => {
    expect(run({}).status).toBe(0);
    const script = join(dir, "initdb", "10-cloud-exchange-user.sh");
    // The image's shell stand-in appends each script it is given, per database, to a file.
    const source = (extra: Record<string, string>) => {
      rmSync(join(dir, "user.js"), { force: true });
      const sourced = spawnSync("bash", ["-c", `mongo=(sh -c 'printf "db = dbs[%s];\\n" "\$1" >> "$0"; cat >> "$0"' "${join(dir, "user.js")}"); source "${script}"`], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, MONGO_INITDB_DATABASE: "cte", MONGODB_USERNAME: "cteadmin", MONGODB_PASSWORD: "cte-pw", ...extra },
      });
      expect(sourced.status).toBe(0);
      const created: Record<string, unknown[]> = { cte: [], admin: [] };
      const dbs = Object.fromEntries(Object.keys(created).map((name) => [name, { createUser: (user: unknown) => created[name].push(user) }]));
      new Function("dbs", `let db; ${readFileSync(join(dir, "user.js"), "utf8").replace(/dbs\[([a-z]+)\]/g, 'dbs["$1"]')}`)(dbs);
      return created;
    };
    const password = 'b"k\\p\n$(id)';
    expect(source({ MONGO_BACKUP_PASSWORD: password })).toEqual({
      cte: [{ user: "cteadmin", pwd: "cte-pw", roles: [{ role: "dbOwner", db: "cte" }] }],
      admin: [{ user: "ce-backup", pwd: password, roles: [{ role: "backup", db: "admin" }] }],
    });
    expect(source({})).toEqual({ cte: [{ user: "cteadmin", pwd: "cte-pw", roles: [{ role: "dbOwner", db: "cte" }] }], admin: [] });
  });

  it("installs the CA certificate and the keyfile only when given, never echoing them", () => {
    const plain = run({});
    expect(() => statSync(join(dir, "ca", "cert.pem"))).toThrow();
    expect(() => statSync(join(dir, "keyfile", "keyfile"))).toThrow();
    expect(plain.stdout).not.toContain("CA certificate");

    const result = run({ CUSTOM_CA_CERT: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", MONGO_REPLICA_KEY: "s3cretKeyfileValue" });
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, "ca", "cert.pem"), "utf8")).toContain("BEGIN CERTIFICATE");
    // CE 6 takes only .crt files from its CA directory: the release names the file.
    run({ CUSTOM_CA_CERT: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", CE_CUSTOM_CA_FILE: "custom-ca.crt" });
    expect(readFileSync(join(dir, "ca", "custom-ca.crt"), "utf8")).toContain("BEGIN CERTIFICATE");
    expect(readFileSync(join(dir, "keyfile", "keyfile"), "utf8")).toBe("s3cretKeyfileValue");
    expect(statSync(join(dir, "keyfile", "keyfile")).mode & 0o777).toBe(0o400);
    expect(`${result.stdout}${result.stderr}`).not.toContain("s3cretKeyfileValue");
    expect(`${result.stdout}${result.stderr}`).not.toContain("MIIB");
  });

  it("makes the mount points other containers need inside its read-only task-local volumes", () => {
    const result = run({ CE_MOUNT_POINTS: `${join(dir, "ca", "mongodb_rabbitmq_certs")}:${join(dir, "initdb", "a", "b")}` });
    expect(result.status).toBe(0);
    expect(statSync(join(dir, "ca", "mongodb_rabbitmq_certs")).isDirectory()).toBe(true);
    expect(statSync(join(dir, "initdb", "a", "b")).isDirectory()).toBe(true);
  });

  it("fails when its RabbitMQ settings are missing (set -u)", () => {
    const missing = spawnSync("sh", ["-c", initScript()], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, CE_MONGO_INIT_DIR: join(dir, "initdb"), CE_RABBITMQ_CONF_DIR: join(dir, "rabbitmq") },
    });
    expect(missing.status).not.toBe(0);
  });
});

describe("init.sh: TLS inside the task", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-tls-"));
    for (const sub of ["initdb", "ca", "rabbitmq", "certs", "certs-ca", "ui"]) mkdirSync(join(dir, sub));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const SAN = "DNS:localhost,DNS:rabbitmq-stats,DNS:mongodb-primary,DNS:host.docker.internal,IP:127.0.0.1";
  const run = (extra: Record<string, string> = {}) =>
    spawnSync("sh", ["-c", initScript()], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        CE_MONGO_INIT_DIR: join(dir, "initdb"),
        CE_CA_DIR: join(dir, "ca"),
        CE_RABBITMQ_CONF_DIR: join(dir, "rabbitmq"),
        CE_DATABASE_UID: String(process.getuid?.() ?? 0),
        CE_RABBITMQ_CONF: "listeners.tcp = none",
        CE_TLS_DIR: join(dir, "certs"),
        CE_TLS_CA_DIR: join(dir, "certs-ca"),
        CE_UI_CERT_DIR: join(dir, "ui"),
        CE_TLS_SAN: SAN,
        CE_TLS_LEAF_DAYS: "365",
        CE_TLS_CA_DAYS: "3650",
        CE_TLS_UI_DAYS: "365",
        CE_TLS_RENEW_DAYS: "30",
        CE_TLS_ROTATION: "0",
        // CE's (and the task's) 4096-bit keys take seconds each; the logic is the same with 2048.
        CE_TLS_KEY_BITS: "2048",
        ...extra,
      },
    });
  const openssl = (...args: string[]) => spawnSync("openssl", args, { encoding: "utf8" });
  const text = (file: string) => openssl("x509", "-in", file, "-noout", "-text").stdout;
  const fingerprint = (file: string) => openssl("x509", "-in", file, "-noout", "-fingerprint", "-sha256").stdout.trim();
  const certs = (name: string) => join(dir, "certs", name);

  it("makes a CA, a leaf certificate for both ends of TLS with CE's SAN, its PEM, and the UI's certificate", () => {
    const result = run();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const leaf = text(certs("tls_cert.crt"));
    expect(leaf).toContain("Subject: CN = localhost");
    expect(leaf).toContain("Issuer: CN = CloudExchangeCA");
    expect(leaf).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(leaf).toMatch(/DNS:localhost, DNS:rabbitmq-stats, DNS:mongodb-primary, DNS:host.docker.internal, IP Address:127.0.0.1/);
    expect(openssl("verify", "-CAfile", certs("tls_cert_ca.crt"), certs("tls_cert.crt")).stdout).toContain(": OK");
    expect(text(certs("tls_cert_ca.crt"))).toMatch(/CA:TRUE[\s\S]*Certificate Sign, CRL Sign/);
    // The PEM mongod and core present is the certificate followed by its key.
    const pem = readFileSync(certs("tls_cert_key.pem"), "utf8");
    expect(pem.indexOf("BEGIN CERTIFICATE")).toBeLessThan(pem.indexOf("PRIVATE KEY"));
    expect(pem).toContain(readFileSync(certs("tls_cert_key.key"), "utf8").trim());
    // Keys are readable by their owner only; the CA's key never enters the shared directory.
    for (const key of [certs("tls_cert_key.key"), certs("tls_cert_key.pem"), join(dir, "certs-ca", "tls_cert_ca.key"), join(dir, "ui", "cte_cert_key.key")]) {
      expect({ key, mode: statSync(key).mode & 0o777 }).toEqual({ key, mode: 0o600 });
    }
    expect(existsSync(certs("tls_cert_ca.key"))).toBe(false);
    // RabbitMQ finds the certificate under CE's names next to its settings.
    expect(readFileSync(join(dir, "rabbitmq", "rabbitmq_cert.crt"), "utf8")).toBe(readFileSync(certs("tls_cert.crt"), "utf8"));
    expect(statSync(join(dir, "rabbitmq", "rabbitmq_cert_key.key")).mode & 0o777).toBe(0o600);
    const ui = text(join(dir, "ui", "cte_cert.crt"));
    expect(ui).toContain("Subject: CN = localhost");
    expect(ui).toContain("TLS Web Server Authentication");
    // One report line per certificate, with the days left (about a year for the leaf).
    const reports = result.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    expect(reports.map((r) => r.certificate)).toEqual(["internal", "internal-ca", "ui"]);
    expect(reports[0]).toMatchObject({ event: "ce-certificate", daysLeft: expect.any(Number) });
    expect(reports[0].daysLeft).toBeGreaterThanOrEqual(363);
    expect(reports[1].daysLeft).toBeGreaterThan(3600);
    expect(result.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it("keeps the certificates on the next start, renews a leaf that expires within the window, and on a rotation", () => {
    run();
    const first = fingerprint(certs("tls_cert.crt"));
    const ca = fingerprint(certs("tls_cert_ca.crt"));
    expect(run().status).toBe(0);
    expect(fingerprint(certs("tls_cert.crt"))).toBe(first);
    // A leaf with 20 days left is inside the 30-day window: renewed, under the same CA.
    run({ CE_TLS_LEAF_DAYS: "20", CE_TLS_ROTATION: "1" });
    const short = fingerprint(certs("tls_cert.crt"));
    expect(short).not.toBe(first);
    run({ CE_TLS_ROTATION: "1" });
    expect(fingerprint(certs("tls_cert.crt"))).not.toBe(short);
    expect(fingerprint(certs("tls_cert_ca.crt"))).toBe(ca);
    expect(openssl("verify", "-CAfile", certs("tls_cert_ca.crt"), certs("tls_cert.crt")).stdout).toContain(": OK");
  });

  it("adds the HA node names to the leaf certificate", () => {
    run({ CE_TLS_SAN: `${SAN},DNS:node-1.prod.cloudexchange.internal,DNS:node-2.prod.cloudexchange.internal` });
    expect(text(certs("tls_cert.crt"))).toContain("DNS:node-2.prod.cloudexchange.internal");
  });

  it("never touches a UI certificate the operator installed", () => {
    writeFileSync(join(dir, "ui", "cte_cert.crt"), "operator's certificate");
    run({ CE_TLS_ROTATION: "7" });
    expect(readFileSync(join(dir, "ui", "cte_cert.crt"), "utf8")).toBe("operator's certificate");
    expect(existsSync(join(dir, "ui", "cte_cert_key.key"))).toBe(false);
  });

  it("waits for another node that is generating, and takes over a lock a dead node left", () => {
    mkdirSync(certs(".generating"));
    spawnSync("touch", ["-d", "20 minutes ago", certs(".generating")]);
    const result = run();
    expect(result.status).toBe(0);
    expect(existsSync(certs(".generating"))).toBe(false);
    expect(existsSync(certs("tls_cert.crt"))).toBe(true);
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
    runInOwnGroup(["bash", "-c", rabbitmqEntrypointScript()], {
      encoding: "utf8",
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, HOME: join(dir, "home"), RABBITMQ_COOKIE: "cookie-value", ...extra },
      timeout: 60_000,
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

  it("applies the mirroring policy only when asked", () => {
    run({});
    expect(() => readFileSync(join(dir, "ctl.log"), "utf8")).toThrow();
    // The policy step runs in the background; spawnSync returns when it closes the script's stdout.
    expect(run({ CE_MIRROR_QUEUES: "true" }).stdout).toContain("rabbitmq: applied the ce-ha-all mirroring policy");
    const calls = readFileSync(join(dir, "ctl.log"), "utf8");
    expect(calls).toContain("-q await_startup");
    expect(calls).toContain('set_policy --apply-to queues ce-ha-all .* {"ha-mode":"all","ha-sync-mode":"automatic"}');
  });
});

describe("rabbitmq-entrypoint.sh: certificate reports", () => {
  it("reports the days left on the certificate it serves, and on its CA, until it is stopped", () => {
    const dir = mkdtempSync(join(tmpdir(), "ce-rabbitmq-report-"));
    try {
      mkdirSync(join(dir, "bin"));
      mkdirSync(join(dir, "home"));
      mkdirSync(join(dir, "conf"));
      // The server stand-in runs until the script's output (a file) holds two report rounds, at most 60 s.
      const output = join(dir, "output.log");
      writeFileSync(
        join(dir, "bin", "docker-entrypoint.sh"),
        `#!/bin/sh\nfor _ in $(seq 600); do [ "$(grep -c '^{' "${output}")" -ge 4 ] && exit 0; sleep 0.1; done\nexit 1\n`,
      );
      chmodSync(join(dir, "bin", "docker-entrypoint.sh"), 0o755);
      for (const name of ["rabbitmq_cert.crt", "rabbitmq_cert_ca.crt"]) {
        spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "40", "-subj", "/CN=test", "-keyout", join(dir, "k"), "-out", join(dir, "conf", name)]);
      }
      const out = openSync(output, "w");
      // Returns once the server stand-in has exited and the reports' loop, which holds stderr, has ended with it.
      const result = runInOwnGroup(["bash", "-c", rabbitmqEntrypointScript()], {
        encoding: "utf8",
        stdio: ["ignore", out, "pipe"],
        env: {
          PATH: `${join(dir, "bin")}:${process.env.PATH}`,
          HOME: join(dir, "home"),
          RABBITMQ_COOKIE: "c",
          CE_CERTIFICATE_FILE: join(dir, "conf", "rabbitmq_cert.crt"),
          CE_CERTIFICATE_REPORT_SECONDS: "1",
        },
        timeout: 90_000,
      });
      closeSync(out);
      expect({ status: result.status, error: result.error?.message }).toEqual({ status: 0, error: undefined });
      const reports = readFileSync(output, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
      expect(reports.length).toBeGreaterThanOrEqual(4);
      expect(reports.slice(0, 2).map((r) => r.certificate)).toEqual(["internal", "internal-ca"]);
      expect([39, 40]).toContain(reports[0].daysLeft);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("mongodb-entrypoint.sh", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-mongodb-"));
    mkdirSync(join(dir, "bin"));
    // The image's entrypoint stand-in records how mongod would be started. spawnSync returns once every holder of the
    // script's stdout has closed it: the background steps' end, not a pause, is what the tests wait for.
    writeFileSync(join(dir, "bin", "docker-entrypoint.sh"), `#!/bin/sh\necho "$*" > "${join(dir, "mongod.args")}"\n`);
    // mongosh stand-in: records its arguments (never the password) and answers as a standalone mongod.
    writeFileSync(
      join(dir, "bin", "mongosh"),
      `#!/bin/bash\necho "$*" >> "${join(dir, "mongosh.args")}"\ncase "$*" in *replSetGetStatus*) echo STANDALONE;; *autoCompact*) echo ENABLED;; esac\n`,
    );
    chmodSync(join(dir, "bin", "docker-entrypoint.sh"), 0o755);
    chmodSync(join(dir, "bin", "mongosh"), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (extra: Record<string, string>) =>
    runInOwnGroup(["bash", "-c", readFileSync(join(SCRIPTS, "mongodb-entrypoint.sh"), "utf8"), "mongodb-entrypoint", "--tlsMode", "preferTLS", "--setParameter", "opensslCipherConfig=A:B"], {
      encoding: "utf8",
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, MONGO_INITDB_ROOT_PASSWORD: "root-pw-not-on-a-command-line", CE_AUTOCOMPACT_DELAY_SECONDS: "0", ...extra },
      timeout: 60_000,
    });

  it("hands its arguments to mongod through the image's entrypoint", () => {
    expect(run({}).status).toBe(0);
    expect(readFileSync(join(dir, "mongod.args"), "utf8").trim()).toBe("mongod --tlsMode preferTLS --setParameter opensslCipherConfig=A:B");
    expect(existsSync(join(dir, "mongosh.args"))).toBe(false);
  });

  describe("moving root back to the maintenance password (CE's invariant) from its former own password, run against a pretend mongod", () => {
    const FAKE = join(__dirname, "..", "support", "fake-mongosh.cjs");
    const start = (state: object, extra: Record<string, string> = {}) => {
      writeFileSync(join(dir, "bin", "mongosh"), `#!/bin/sh\nexec node "${FAKE}" "$@"\n`);
      writeFileSync(join(dir, "mongod.json"), JSON.stringify(state));
      const result = run({
        FAKE_MONGOD_STATE: join(dir, "mongod.json"),
        FAKE_MONGOSH_LOG: join(dir, "mongosh.args"),
        MONGO_INITDB_ROOT_PASSWORD: "maintenance-pw",
        CE_PREVIOUS_ROOT_PASSWORD: "former-root-pw",
        CE_AUTOCOMPACT_POLL_SECONDS: "0",
        CE_AUTOCOMPACT_ATTEMPTS: "3",
        ...extra,
      });
      return { result, state: JSON.parse(readFileSync(join(dir, "mongod.json"), "utf8")), calls: existsSync(join(dir, "mongosh.args")) ? readFileSync(join(dir, "mongosh.args"), "utf8") : "" };
    };

    it("moves root of a standalone mongod from its former own password back to the maintenance password", () => {
      const { result, state, calls } = start({ users: { root: "former-root-pw" } });
      expect(state.users.root).toBe("maintenance-pw");
      expect(result.stdout).toContain("mongodb: root moved back to the maintenance password from its former own password");
      expect(calls).not.toMatch(/maintenance-pw|former-root-pw/);
      expect(result.stdout + result.stderr).not.toMatch(/maintenance-pw|former-root-pw/);
    });

    it("changes it on the primary only; a secondary leaves it to replication", () => {
      expect(start({ users: { root: "former-root-pw" }, setName: "mongo_replica_set", primary: true }).state.users.root).toBe("maintenance-pw");
      const secondary = start({ users: { root: "former-root-pw" }, setName: "mongo_replica_set", primary: false });
      expect(secondary.state.users.root).toBe("former-root-pw");
      expect(secondary.result.stdout).toContain("root does not use the maintenance password");
    });

    it("leaves a root on the maintenance password alone, and does nothing when neither password works", () => {
      const current = start({ users: { root: "maintenance-pw" } });
      expect(current.state.users.root).toBe("maintenance-pw");
      expect(current.result.stdout).toContain("mongodb: root uses the maintenance password");
      const neither = start({ users: { root: "someone-elses" } });
      expect(neither.state.users.root).toBe("someone-elses");
      expect(neither.result.stdout).toContain("neither password worked");
    });

    it("then turns on autoCompact with the maintenance password", () => {
      const { result } = start({ users: { root: "former-root-pw" } }, { MONGODB_AUTOCOMPACT_ENABLED: "true" });
      expect(result.stdout).toContain("mongodb: autoCompact ENABLED");
    });

    describe("keeping the logical backup's user (existing data, which the first-start script never saw)", () => {
      const backup = (state: object, extra: Record<string, string> = {}) =>
        start(state, { CE_PREVIOUS_ROOT_PASSWORD: "", MONGO_BACKUP_PASSWORD: "backup-pw-from-the-secret", ...extra });

      it("creates it with MongoDB's backup role only, as root with the maintenance password, on a standalone mongod", () => {
        const { result, state, calls } = backup({ users: { root: "maintenance-pw" } });
        expect(state.users["ce-backup"]).toBe("backup-pw-from-the-secret");
        expect(state.roles["ce-backup"]).toEqual([{ role: "backup", db: "admin" }]);
        expect(result.stdout).toContain("mongodb: created the backup user");
        expect(calls + result.stdout + result.stderr).not.toMatch(/backup-pw-from-the-secret|maintenance-pw/);
      });

      it("gives an existing one the secret's password and the backup role again (the secret changed, or its roles were widened)", () => {
        const { result, state } = backup({ users: { root: "maintenance-pw", "ce-backup": "old-pw" }, roles: { "ce-backup": [{ role: "root", db: "admin" }] } });
        expect(state.users["ce-backup"]).toBe("backup-pw-from-the-secret");
        expect(state.roles["ce-backup"]).toEqual([{ role: "backup", db: "admin" }]);
        expect(result.stdout).toContain("mongodb: the backup user has the backup password");
      });

      it("does it on the primary; a secondary leaves it to the primary", () => {
        expect(backup({ users: { root: "maintenance-pw" }, setName: "mongo_replica_set", primary: true }).state.users["ce-backup"]).toBe("backup-pw-from-the-secret");
        const secondary = backup({ users: { root: "maintenance-pw" }, setName: "mongo_replica_set", primary: false });
        expect(secondary.state.users["ce-backup"]).toBeUndefined();
        expect(secondary.result.stdout).toContain("the backup user is the primary's to keep");
      });

      it("keeps trying while root cannot log in yet, and says so when it never can", () => {
        const never = backup({ users: { root: "someone-elses" } });
        expect(never.state.users["ce-backup"]).toBeUndefined();
        expect(never.result.stdout).toContain("the backup user was not checked: mongod never became ready as root (no answer)");
        expect(never.calls.match(/--quiet --eval/g)).toHaveLength(3);
      });

      it("leaves MongoDB alone without the password (CE 5.0, or no backup secret)", () => {
        const { state, calls } = start({ users: { root: "maintenance-pw" } }, { CE_PREVIOUS_ROOT_PASSWORD: "" });
        expect(state.users["ce-backup"]).toBeUndefined();
        expect(calls).toBe("");
      });
    });

    it("talks TLS with the task's client certificate when CE_MONGO_TLS_DIR is set (an HA member accepts nothing else)", () => {
      const { calls } = start({ users: { root: "former-root-pw" } }, { CE_MONGO_TLS_DIR: "/certs" });
      const all = calls.match(/--quiet --eval/g) ?? [];
      expect(all.length).toBeGreaterThan(0);
      expect(calls.match(/(^|\n)--tls --tlsCAFile \/certs\/tls_cert_ca.crt --tlsCertificateKeyFile \/certs\/tls_cert_key.pem --quiet --eval/g)).toHaveLength(all.length);
    });
  });

  it("turns on CE's autoCompact as root without putting the password on a command line", () => {
    const result = run({ MONGODB_AUTOCOMPACT_ENABLED: "true", MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB: "1024" });
    expect(result.stdout).toContain("mongodb: autoCompact ENABLED (freeSpaceTargetMB 1024)");
    const calls = readFileSync(join(dir, "mongosh.args"), "utf8");
    expect(calls).toContain("autoCompact: true, freeSpaceTargetMB: 1024, runOnce: false");
    expect(calls).toContain("process.env.MONGO_INITDB_ROOT_PASSWORD");
    expect(calls).not.toContain("root-pw-not-on-a-command-line");
    expect(result.stdout + result.stderr).not.toContain("root-pw-not-on-a-command-line");
  });
});
