#!/usr/bin/env node
/**
 * A strict stand-in for Cloud Exchange's core (its image cannot be had
 * here). It checks what CE's core reads, as its own uid, and stops with one
 * line naming the first thing missing or unreadable:
 * - the files: the client certificate and CA its MongoDB connection string
 *   names, the UI certificate core checks for expiry (/opt/certs/cte_cert.crt,
 *   CE 6), the plugin directories (writable; custom_plugins a package), the
 *   repositories, /etc/files-data (writable, CE 6), RabbitMQ's data (CE 6, for
 *   its disk check), the CA directory core's trust store is built from;
 * - the variables: the two connection strings, JWT_SECRET, UI_SERVICE_NAME
 *   (it must resolve; core's default `ui` does not in an awsvpc task),
 *   PROMOTION_BANNERS_FILE_LOCATION (CE 6);
 * - MongoDB: the connection string's user logs in on its database, and, as
 *   CE 6.1's replica-set health check does, `root` logs in on `admin` with
 *   the same password (the string with cteadmin swapped for root) and reads
 *   the replica set's status (HA), over TLS with the server's certificate and
 *   name checked against the CA the string names;
 * - RabbitMQ: a real AMQPS connection (amqplib) to each URL of the string,
 *   the server's certificate and name checked against the CA directory,
 *   declaring CE's quorum queues;
 * then serves core's API on 8000 (/api/healthcheck) and repeats the root
 * check and, on HA, a probe of every peer's UI (https://<node>:3000/login)
 * on every heartbeat, logging each result.
 */
const crypto = require("node:crypto");
const dns = require("node:dns").promises;
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const path = require("node:path");
const { request } = require("./mongo-wire.cjs");

const log = (message) => process.stdout.write(`core: ${message}\n`);
const fail = (message) => {
  process.stderr.write(`core stand-in: ${message}\n`);
  process.exit(1);
};
const env = process.env;
const uid = process.getuid();
const ce6 = (env.INSTALL_VERSION ?? "").startsWith("6.");
const deadline = (seconds) => Date.now() + seconds * 1000;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function mustAccess(file, mode, what) {
  try {
    fs.accessSync(file, mode);
  } catch (error) {
    fail(`${what} ${file} is not ${mode & fs.constants.W_OK ? "writable" : "readable"} by uid ${uid} (${error.code})`);
  }
}

/** The trust store update-ca-certificates would build: every .crt below the CA directory that is a certificate. */
function trustedCertificates(dir = "/usr/local/share/ca-certificates") {
  const found = [];
  const walk = (at) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".crt")) {
        const pem = fs.readFileSync(full);
        try {
          new crypto.X509Certificate(pem);
          found.push(pem);
        } catch {
          log(`${full} is not a certificate; update-ca-certificates would skip it`);
        }
      }
    }
  };
  walk(dir);
  return found;
}

/** A MongoDB connection string's parts. */
function parseMongo(uri) {
  const match = /^mongodb:\/\/([^:@/]+):([^@]*)@([^/]+)\/([^?]*)(?:\?(.*))?$/.exec(uri);
  if (!match) fail(`MONGO_CONNECTION_STRING is not a mongodb:// URI with a user and password`);
  const params = new URLSearchParams(match[5] ?? "");
  return {
    user: decodeURIComponent(match[1]),
    pwd: decodeURIComponent(match[2]),
    hosts: match[3].split(",").map((h) => ({ host: h.split(":")[0], port: Number(h.split(":")[1] ?? 27017) })),
    db: match[4] || "admin",
    params,
    tls: params.get("tls") === "true" ? { caFile: params.get("tlsCAFile"), certificateKeyFile: params.get("tlsCertificateKeyFile"), allowInvalidHostnames: params.get("tlsAllowInvalidHostnames") === "true" } : undefined,
  };
}

/** Logs in as `user` on `db` at the primary and runs `command`; the reply, or the reason it failed. */
async function onPrimary(mongo, auth, db, command) {
  let lastError = "no host answered";
  for (const target of mongo.hosts) {
    try {
      const hello = await request({ ...target, tls: mongo.tls, timeoutMs: 5000 }, { db: "admin", auth: null, command: { hello: 1 } });
      if (mongo.params.get("replicaSet") && !hello.isWritablePrimary) continue;
      const reply = await request({ ...target, tls: mongo.tls, timeoutMs: 5000 }, { db, auth, command });
      if (reply.ok) return { ok: true, reply, host: target.host };
      lastError = `${target.host}: ${reply.codeName}: ${reply.errmsg}`;
    } catch (error) {
      lastError = `${target.host}: ${error.message}`;
    }
  }
  return { ok: false, error: lastError };
}

/** CE 6.1's replica-set health check: root with the connection string's password. */
async function rootCheck(mongo) {
  const rootUri = env.MONGO_CONNECTION_STRING.replace("://cteadmin", "://root").replace("/cte?", "/admin?");
  const root = parseMongo(rootUri);
  const command = mongo.params.get("replicaSet") ? { replSetGetStatus: 1 } : { ping: 1 };
  return onPrimary(root, { user: root.user, pwd: root.pwd, db: root.db }, root.db, command);
}

async function checkMongo() {
  const uri = env.MONGO_CONNECTION_STRING;
  if (!uri) fail("MONGO_CONNECTION_STRING is not set");
  const mongo = parseMongo(uri);
  if (mongo.tls) for (const [file, what] of [[mongo.tls.certificateKeyFile, "the MongoDB client certificate"], [mongo.tls.caFile, "the MongoDB CA"]]) mustAccess(file, fs.constants.R_OK, what);
  const until = deadline(Number(env.CE_STANDIN_CONNECT_SECONDS ?? 120));
  for (;;) {
    const app = await onPrimary(mongo, { user: mongo.user, pwd: mongo.pwd, db: mongo.params.get("authSource") ?? mongo.db }, mongo.db, { ping: 1 });
    const root = app.ok ? (ce6 ? await rootCheck(mongo) : { ok: true }) : { ok: false, error: "not tried" };
    if (app.ok && root.ok) {
      log(`MongoDB: ${mongo.user} logged in on ${mongo.db} at ${app.host}${ce6 ? `; root logged in on admin with the same password (${mongo.params.get("replicaSet") ? "replica set status read" : "ping"})` : ""}`);
      return mongo;
    }
    if (Date.now() > until) fail(app.ok ? `MongoDB root cannot log in with the connection string's password (CE's replica-set health check): ${root.error}` : `MongoDB login as ${mongo.user} failed: ${app.error}`);
    await pause(1000);
  }
}

async function checkRabbitmq() {
  const urls = (env.RABBITMQ_CONNECTION_STRING ?? "").split(";").filter(Boolean);
  if (urls.length === 0) fail("RABBITMQ_CONNECTION_STRING is not set");
  const amqp = require("amqplib");
  const ca = urls.some((u) => u.startsWith("amqps:")) ? trustedCertificates() : [];
  const own = env.HA_CURRENT_NODE;
  const results = [];
  for (const url of urls) {
    const host = new URL(url).hostname;
    const required = !own || host === own || urls.length === 1;
    const until = deadline(Number(env.CE_STANDIN_CONNECT_SECONDS ?? 120));
    for (;;) {
      try {
        const connection = await amqp.connect(url, { ca, servername: host, timeout: 5000 });
        const channel = await connection.createChannel();
        for (const queue of ["cloudexchange_9", "cloudexchange_6", "cloudexchange_3"]) await channel.assertQueue(queue, { durable: true, arguments: { "x-queue-type": "quorum" } });
        await connection.close();
        results.push(`${host} ok`);
        break;
      } catch (error) {
        if (!required) {
          results.push(`${host} not reachable yet (${error.message})`);
          break;
        }
        if (Date.now() > until) fail(`RabbitMQ at ${url.replace(/\/\/[^@]*@/, "//***@")} refused core: ${error.message}`);
        await pause(1000);
      }
    }
  }
  log(`RabbitMQ over ${urls[0].split(":")[0]}: ${results.join(", ")}; CE's quorum queues declared`);
}

async function probePeers() {
  const nodes = (env.HA_IP_LIST ?? "").split(",").filter((n) => n && n !== env.HA_CURRENT_NODE);
  const results = await Promise.all(
    nodes.map(
      (node) =>
        new Promise((resolve) => {
          const req = https.get({ host: node, port: Number(env.UI_PORT ?? 3000), path: "/login", rejectUnauthorized: false, timeout: 3000 }, (res) => {
            res.resume();
            resolve(`${node} ${res.statusCode}`);
          });
          req.on("error", (error) => resolve(`${node} ${error.code ?? error.message}`));
          req.on("timeout", () => req.destroy(new Error("timeout")));
        }),
    ),
  );
  return results.join(", ");
}

async function main() {
  if (!env.JWT_SECRET) fail("JWT_SECRET is not set");
  mustAccess("/opt/netskope/plugins", fs.constants.W_OK, "the plugins directory");
  if (fs.existsSync("/opt/netskope/plugins/custom_plugins")) mustAccess("/opt/netskope/plugins/custom_plugins/__init__.py", fs.constants.R_OK, "the custom plugins package marker");
  mustAccess("/opt/netskope/repos", fs.constants.R_OK, "the plugin repositories");
  mustAccess("/usr/local/share/ca-certificates", fs.constants.R_OK, "the CA directory");
  if (ce6) {
    if (!env.PROMOTION_BANNERS_FILE_LOCATION) fail("PROMOTION_BANNERS_FILE_LOCATION is not set: CE's banners (end-of-life notices included) never load");
    mustAccess("/opt/certs/cte_cert.crt", fs.constants.R_OK, "the UI certificate core checks for expiry");
    mustAccess("/etc/files-data", fs.constants.W_OK, "files-data");
    mustAccess("/var/lib/rabbitmq", fs.constants.R_OK, "RabbitMQ's data (core's disk check)");
  }
  const ui = env.UI_SERVICE_NAME ?? "ui";
  try {
    await dns.lookup(ui);
  } catch {
    fail(`UI_SERVICE_NAME ${ui} does not resolve: core's heartbeat to the UI fails`);
  }
  const mongo = await checkMongo();
  await checkRabbitmq();
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", path: req.url }));
  });
  server.listen(8000, "0.0.0.0", () => log("API listening on 8000"));
  const heartbeat = async () => {
    const root = ce6 ? await rootCheck(mongo) : { ok: true };
    const peers = env.HA_ENABLED === "True" ? `; peers' UI: ${await probePeers()}` : "";
    log(`heartbeat: MongoDB ${root.ok ? "up (root login ok)" : `reported down: ${root.error}`}${peers}`);
  };
  await heartbeat();
  setInterval(heartbeat, Number(env.CE_STANDIN_HEARTBEAT_SECONDS ?? 10) * 1000);
  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
}

main().catch((error) => fail(error.stack ?? String(error)));
