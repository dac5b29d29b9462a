#!/usr/bin/env node
/**
 * A strict stand-in for mongod (MongoDB cannot be installed here). It reads
 * what the real mongod reads and refuses what it refuses, with one line:
 * - its command line, option by option (an unknown option or value stops it);
 * - the data directory (must be writable by its uid), the TLS certificate
 *   and key (readable, a certificate and a key), the CA file, the replica-set
 *   keyfile (readable, not open to group or others, base64, 6-1024
 *   characters);
 * then listens where mongod would (127.0.0.1, or every interface with
 * --bind_ip_all) with the TLS mode asked for (requireTLS: TLS only;
 * preferTLS/allowTLS: TLS or plain; a client certificate signed by the CA
 * required when --tlsCAFile is set), and answers the commands the project's
 * and CE's clients use (mongo-wire.cjs): ping, hello, createUser, updateUser,
 * replSetInitiate/GetConfig/Reconfig/GetStatus, getParameter and
 * setFeatureCompatibilityVersion, autoCompact, shutdown. Users and roles are
 * enforced (access control is on with --auth or --keyFile; the localhost
 * exception lets the first user be created). A replica-set member added by
 * the primary receives the configuration and the users over TLS, and only
 * when its keyfile is the primary's. The initiating member stays primary (no
 * elections). State lives in the data directory, so a restarted task finds
 * its users and configuration.
 */
const crypto = require("node:crypto");
const dns = require("node:dns").promises;
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const tls = require("node:tls");
const { request } = require("./mongo-wire.cjs");

const log = (msg, attr = {}) => process.stdout.write(`${JSON.stringify({ t: { $date: new Date().toISOString() }, s: "I", c: "-", msg, attr })}\n`);
const die = (message, code = 2) => {
  process.stderr.write(`mongod stand-in: ${message}\n`);
  process.exit(code);
};

// --- options -----------------------------------------------------------------------------------
const FLAGS = new Set(["--bind_ip_all", "--auth", "--tlsAllowInvalidHostnames", "--tlsAllowConnectionsWithoutCertificates", "--quiet", "--noauth"]);
const VALUES = new Set(["--dbpath", "--port", "--bind_ip", "--replSet", "--keyFile", "--tlsMode", "--tlsCertificateKeyFile", "--tlsCAFile", "--tlsDisabledProtocols", "--setParameter", "--wiredTigerCacheSizeGB", "--logpath"]);
const PARAMETERS = new Set(["opensslCipherSuiteConfig", "opensslCipherConfig", "featureCompatibilityVersion"]);
const options = { setParameter: {} };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const [name, inline] = argv[i].split(/=(.*)/s);
  if (FLAGS.has(name)) {
    options[name] = true;
    continue;
  }
  if (!VALUES.has(name)) die(`Error parsing command line: unrecognised option '${argv[i]}'`);
  const value = inline ?? argv[++i];
  if (value === undefined) die(`Error parsing command line: the required argument for option '${name}' is missing`);
  if (name === "--setParameter") {
    const [key, v] = value.split(/=(.*)/s);
    if (!PARAMETERS.has(key)) die(`Error parsing command line: unknown --setParameter ${key}`);
    options.setParameter[key] = v;
  } else options[name] = value;
}
const tlsMode = options["--tlsMode"] ?? "disabled";
if (!["disabled", "allowTLS", "preferTLS", "requireTLS"].includes(tlsMode)) die(`Error parsing command line: bad --tlsMode ${tlsMode}`);
const dbpath = options["--dbpath"] ?? "/data/db";
const port = Number(options["--port"] ?? 27017);
const version = process.env.MONGO_VERSION ?? "8.0.0";
const major = version.split(".").slice(0, 2).join(".");

// --- what mongod reads -------------------------------------------------------------------------
const readable = (file, what) => {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.readFileSync(file);
  } catch (error) {
    die(`cannot read ${what} ${file} as uid ${process.getuid()}: ${error.code ?? error.message}`, 1);
  }
};
try {
  fs.accessSync(dbpath, fs.constants.W_OK);
} catch (error) {
  die(`Data directory ${dbpath} is not writable by uid ${process.getuid()} (${error.code})`, 100);
}
let keyDigest;
if (options["--keyFile"]) {
  const file = options["--keyFile"];
  const key = readable(file, "the keyfile").toString("utf8").replace(/\s+/g, "");
  if ((fs.statSync(file).mode & 0o077) !== 0) die(`permissions on ${file} are too open`, 1);
  if (!/^[A-Za-z0-9+/=]{6,1024}$/.test(key)) die(`the keyfile ${file} must hold 6 to 1024 base64 characters`, 1);
  keyDigest = crypto.createHash("sha256").update(key).digest("hex");
}
let tlsMaterial;
if (tlsMode !== "disabled") {
  if (!options["--tlsCertificateKeyFile"]) die("need tlsCertificateKeyFile when TLS is enabled");
  const pem = readable(options["--tlsCertificateKeyFile"], "the TLS certificate key file").toString("utf8");
  if (!/-----BEGIN CERTIFICATE-----/.test(pem) || !/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(pem)) die(`${options["--tlsCertificateKeyFile"]} must hold a certificate and its key`, 1);
  const ca = options["--tlsCAFile"] ? readable(options["--tlsCAFile"], "the TLS CA file") : undefined;
  const disabled = (options["--tlsDisabledProtocols"] ?? "").split(",");
  tlsMaterial = { cert: pem, key: pem, ca, minVersion: disabled.includes("TLS1_1") ? "TLSv1.2" : "TLSv1" };
}

// --- state in the data directory ---------------------------------------------------------------
const stateFile = path.join(dbpath, "ce-stand-in.json");
if (!fs.existsSync(path.join(dbpath, "WiredTiger"))) {
  fs.writeFileSync(path.join(dbpath, "WiredTiger"), `WiredTiger stand-in ${version}\n`);
  fs.writeFileSync(stateFile, JSON.stringify({ users: {}, fcv: major, replSet: null }));
}
const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
if (Number(state.fcv) > Number(major) || Number(state.fcv) < Number(major) - 1 - (major === "6.0" ? 0.9 : 0.9)) {
  die(`Wrong mongod version: Invalid feature compatibility version value '${state.fcv}'; expected a version mongod ${major} opens`, 62);
}
const authRequired = (options["--auth"] || keyDigest !== undefined) && !options["--noauth"];
const replSetName = options["--replSet"];
let myState = state.replSet ? (state.replSet.primary === state.replSet.self ? 1 : 2) : undefined;
const memberStates = {};

// --- commands ----------------------------------------------------------------------------------
class CommandError extends Error {
  constructor(code, codeName, message) {
    super(message);
    this.code = code;
    this.codeName = codeName;
  }
}
const unauthorized = (what) => new CommandError(13, "Unauthorized", `not authorized on admin to execute command { ${what} }`);
const roleOf = (principal, db) => (principal ? principal.roles.map((r) => (typeof r === "string" ? { role: r, db } : r)) : []);
const has = (principal, roles, db) => roleOf(principal, db).some((r) => roles.includes(r.role) && (r.db === db || r.db === "admin"));
const isAdmin = (p) => has(p, ["root", "clusterAdmin", "userAdminAnyDatabase"], "admin");

async function resolvesToMe(host) {
  const name = host.split(":")[0];
  const addresses = new Set(["127.0.0.1", ...Object.values(os.networkInterfaces()).flat().map((i) => i.address)]);
  try {
    const found = await dns.lookup(name, { all: true });
    return found.some((a) => addresses.has(a.address));
  } catch {
    return false;
  }
}

async function pushConfig(member, config) {
  const reply = await request(
    { host: member.split(":")[0], port: Number(member.split(":")[1] ?? 27017), tls: tlsMaterial && { caFile: options["--tlsCAFile"], certificateKeyFile: options["--tlsCertificateKeyFile"], allowInvalidHostnames: options["--tlsAllowInvalidHostnames"] }, timeoutMs: 5000 },
    { db: "admin", auth: null, command: { ceStandInJoin: { config, users: state.users, keyDigest, fcv: state.fcv } } },
  );
  if (!reply.ok) throw new Error(reply.errmsg);
}

const commands = {
  async ping() {
    return {};
  },
  async hello() {
    const rs = state.replSet;
    return {
      isWritablePrimary: !replSetName || myState === 1,
      ...(rs && replSetName ? { setName: rs.config._id, hosts: rs.config.members.map((m) => m.host), primary: rs.primary, me: rs.self } : {}),
      maxWireVersion: 21,
    };
  },
  async isMaster() {
    return commands.hello();
  },
  async createUser(command, db, principal, local) {
    const first = Object.keys(state.users).length === 0;
    if (!(first && local) && !has(principal, ["root", "userAdminAnyDatabase", "userAdmin", "dbOwner"], db)) throw unauthorized("createUser");
    if (replSetName && state.replSet && myState !== 1) throw new CommandError(10107, "NotWritablePrimary", "not primary");
    const key = `${db}.${command.createUser}`;
    if (state.users[key]) throw new CommandError(51003, "Location51003", `User "${command.createUser}@${db}" already exists`);
    state.users[key] = { pwd: String(command.pwd), roles: command.roles ?? [] };
    save();
    log("Created user", { user: command.createUser, db });
    await replicateUsers();
    return {};
  },
  async updateUser(command, db, principal) {
    const key = `${db}.${command.updateUser}`;
    if (!(principal && `${principal.db}.${principal.user}` === key) && !has(principal, ["root", "userAdminAnyDatabase", "userAdmin"], db)) throw unauthorized("updateUser");
    if (replSetName && myState !== 1) throw new CommandError(10107, "NotWritablePrimary", "not primary");
    if (!state.users[key]) throw new CommandError(11, "UserNotFound", `Could not find user "${command.updateUser}" for db "${db}"`);
    if (command.pwd !== undefined) state.users[key].pwd = String(command.pwd);
    save();
    await replicateUsers();
    return {};
  },
  async replSetGetStatus(command, db, principal) {
    if (!replSetName) throw new CommandError(76, "NoReplicationEnabled", "not running with --replSet");
    if (!has(principal, ["root", "clusterAdmin", "clusterMonitor"], "admin")) throw unauthorized("replSetGetStatus");
    if (!state.replSet) throw new CommandError(94, "NotYetInitialized", "no replset config has been received");
    const rs = state.replSet;
    return {
      set: rs.config._id,
      myState,
      members: rs.config.members.map((m) => ({ _id: m._id, name: m.host, health: 1, stateStr: m.host === rs.primary ? "PRIMARY" : m.host === rs.self ? (myState === 1 ? "PRIMARY" : "SECONDARY") : (memberStates[m.host] ?? rs.states?.[m.host] ?? "SECONDARY") })),
    };
  },
  async replSetInitiate(command, db, principal, local) {
    if (!replSetName) throw new CommandError(76, "NoReplicationEnabled", "not running with --replSet");
    if (!isAdmin(principal) && !(local && Object.keys(state.users).length === 0)) throw unauthorized("replSetInitiate");
    if (state.replSet) throw new CommandError(23, "AlreadyInitialized", "already initialized");
    const config = command.replSetInitiate;
    if (config._id !== replSetName) throw new CommandError(93, "InvalidReplicaSetConfig", `Attempting to initiate a replica set with name ${config._id}, but command line reports ${replSetName}; rejecting`);
    const self = [];
    for (const m of config.members) if (await resolvesToMe(m.host)) self.push(m.host);
    if (self.length !== 1) throw new CommandError(93, "InvalidReplicaSetConfig", `No host described in new configuration with {version: 1} for replica set ${replSetName} maps to this node`);
    state.replSet = { config: { ...config, version: 1 }, self: self[0], primary: self[0] };
    myState = 1;
    save();
    log("replSetInitiate: this node is the primary", { self: self[0] });
    return {};
  },
  async replSetGetConfig(command, db, principal) {
    if (!has(principal, ["root", "clusterAdmin", "clusterMonitor"], "admin")) throw unauthorized("replSetGetConfig");
    if (!state.replSet) throw new CommandError(94, "NotYetInitialized", "no replset config has been received");
    return { config: state.replSet.config };
  },
  async replSetReconfig(command, db, principal) {
    if (!isAdmin(principal)) throw unauthorized("replSetReconfig");
    if (myState !== 1) throw new CommandError(10107, "NotWritablePrimary", "replSetReconfig should only be run on a writable PRIMARY");
    const config = command.replSetReconfig;
    const known = new Set(state.replSet.config.members.map((m) => m.host));
    for (const member of config.members.filter((m) => !known.has(m.host))) {
      try {
        await pushConfig(member.host, { ...config, primary: state.replSet.self });
      } catch (error) {
        throw new CommandError(74, "NodeNotFound", `Quorum check failed because not enough voting nodes responded; ${member.host} failed with ${error.message}`);
      }
      memberStates[member.host] = "SECONDARY";
    }
    state.replSet.config = config;
    save();
    log("replSetReconfig", { members: config.members.map((m) => m.host) });
    return {};
  },
  async ceStandInJoin(command) {
    const join = command.ceStandInJoin;
    if (!replSetName || join.config._id !== replSetName) throw new CommandError(93, "InvalidReplicaSetConfig", "replica set name mismatch");
    if (!keyDigest || join.keyDigest !== keyDigest) throw new CommandError(18, "AuthenticationFailed", "cluster member authentication failed: the keyfiles differ");
    let self;
    for (const m of join.config.members) if (await resolvesToMe(m.host)) self = m.host;
    if (!self) throw new CommandError(93, "InvalidReplicaSetConfig", "no member maps to this node");
    state.replSet = { config: join.config, self, primary: join.config.primary };
    state.users = join.users;
    state.fcv = join.fcv;
    myState = 2;
    save();
    log("joined the replica set as a secondary", { self, primary: join.config.primary });
    return {};
  },
  async getParameter(command, db, principal) {
    if (!isAdmin(principal)) throw unauthorized("getParameter");
    return { featureCompatibilityVersion: { version: state.fcv } };
  },
  async setFeatureCompatibilityVersion(command, db, principal) {
    if (!isAdmin(principal)) throw unauthorized("setFeatureCompatibilityVersion");
    const target = String(command.setFeatureCompatibilityVersion);
    if (Number(target) >= 7 && command.confirm !== true) throw new CommandError(7369100, "Location7369100", "Once you have upgraded to 7.0, you will not be able to downgrade FCV and binary version without support assistance. Please re-run this command with 'confirm: true' to acknowledge this and continue with the FCV upgrade.");
    if (target !== major && Number(target) !== Number(major) - 1) throw new CommandError(4926900, "Location4926900", `Invalid feature compatibility version value '${target}'`);
    state.fcv = target;
    save();
    return {};
  },
  async autoCompact(command, db, principal) {
    if (!isAdmin(principal)) throw unauthorized("autoCompact");
    return {};
  },
  async shutdown(command, db, principal, local) {
    if (!isAdmin(principal) && !local) throw unauthorized("shutdown");
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

async function replicateUsers() {
  if (!state.replSet || myState !== 1) return;
  for (const member of state.replSet.config.members.filter((m) => m.host !== state.replSet.self)) {
    await pushConfig(member.host, { ...state.replSet.config, primary: state.replSet.self }).catch((error) => log("could not reach a member", { member: member.host, error: error.message }));
  }
}

async function handle(message, local, secure) {
  const { db = "admin", auth, command } = message;
  const name = Object.keys(command ?? {})[0];
  try {
    if (!name || !commands[name]) throw new CommandError(59, "CommandNotFound", `no such command: '${name}'`);
    let principal;
    if (auth) {
      const user = state.users[`${auth.db ?? db}.${auth.user}`];
      if (!user || user.pwd !== auth.pwd) throw new CommandError(18, "AuthenticationFailed", "Authentication failed.");
      principal = { user: auth.user, db: auth.db ?? db, roles: user.roles };
    }
    const open = ["ping", "hello", "isMaster", "ceStandInJoin"].includes(name);
    const exception = local && Object.keys(state.users).length === 0;
    if (authRequired && !open && !principal && !exception) throw new CommandError(13, "Unauthorized", `command ${name} requires authentication`);
    if (name === "ceStandInJoin" && tlsMaterial && !secure && tlsMode === "requireTLS") throw new CommandError(13, "Unauthorized", "cluster traffic must use TLS");
    return { ok: 1, ...(await commands[name](command, db, principal, exception)) };
  } catch (error) {
    return { ok: 0, code: error.code ?? 1, codeName: error.codeName ?? "InternalError", errmsg: error.message };
  }
}

function serve(socket, secure) {
  const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(socket.remoteAddress);
  let buffer = "";
  socket.on("data", async (chunk) => {
    buffer += chunk.toString("utf8");
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      let reply;
      try {
        reply = await handle(JSON.parse(line), local, secure);
      } catch (error) {
        reply = { ok: 0, code: 2, errmsg: `bad request: ${error.message}` };
      }
      socket.write(`${JSON.stringify(reply)}\n`);
    }
  });
  socket.on("error", () => undefined);
}

const secureContext = tlsMaterial && {
  ...tlsMaterial,
  requestCert: Boolean(tlsMaterial.ca),
  rejectUnauthorized: Boolean(tlsMaterial.ca) && !options["--tlsAllowConnectionsWithoutCertificates"],
};
const server = net.createServer((socket) => {
  socket.once("readable", () => {
    const first = socket.read(1);
    if (first === null) return;
    socket.unshift(first);
    if (first[0] === 0x16 && secureContext) {
      const secure = new tls.TLSSocket(socket, { isServer: true, ...secureContext });
      secure.on("error", (error) => log("TLS handshake failed", { remote: socket.remoteAddress, error: error.message }));
      serve(secure, true);
      return;
    }
    if (tlsMode === "requireTLS") {
      log("Refusing a connection without TLS: the server runs with --tlsMode requireTLS", { remote: socket.remoteAddress });
      socket.destroy();
      return;
    }
    serve(socket, false);
  });
  socket.on("error", () => undefined);
});
const bind = options["--bind_ip_all"] ? "0.0.0.0" : (options["--bind_ip"] ?? "127.0.0.1").split(",")[0];
server.listen(port, bind, () => log("Waiting for connections", { port, bindIp: bind, tlsMode, version, replSet: replSetName ?? null, auth: authRequired }));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    log("Received signal; shutting down", { signal });
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  });
}
