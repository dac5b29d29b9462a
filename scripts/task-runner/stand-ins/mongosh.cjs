#!/usr/bin/env node
/**
 * A stand-in for mongosh: runs the project's JavaScript (from --eval, or
 * standard input as the image's first-start scripts give it) against a
 * MongoDB stand-in, over TLS exactly as its options say (--tls with the CA
 * and client certificate files, which must be readable; the server's host
 * name checked unless --tlsAllowInvalidHostnames). The shell API the scripts
 * use: db (getSiblingDB, auth, adminCommand, runCommand, createUser,
 * changeUserPassword, getName), rs (initiate, conf, add, status), print,
 * printjson, quit, sleep, process.env. A failed command throws an error with
 * its code, as mongosh does; an unreachable server stops it with exit 1.
 */
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const die = (message, code = 1) => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const FLAGS = new Set(["--tls", "--tlsAllowInvalidHostnames", "--quiet", "--norc", "--nodb"]);
const VALUES = new Set(["--tlsCAFile", "--tlsCertificateKeyFile", "--host", "--port", "--eval", "--username", "-u", "--password", "-p", "--authenticationDatabase"]);
const options = {};
const positional = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const [name, inline] = argv[i].split(/=(.*)/s);
  if (FLAGS.has(name)) options[name] = true;
  else if (VALUES.has(name)) options[name] = inline ?? argv[++i];
  else if (name.startsWith("-")) die(`MongoshUnimplementedError: unknown option ${name}`);
  else positional.push(argv[i]);
}
for (const file of [options["--tlsCAFile"], options["--tlsCertificateKeyFile"]].filter(Boolean)) {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    die(`MongoParseError: cannot read ${file} as uid ${process.getuid()}: ${error.code}`);
  }
}
const host = options["--host"] ?? "127.0.0.1";
const connection = {
  host: host === "localhost" ? "localhost" : host,
  port: Number(options["--port"] ?? 27017),
  tls: options["--tls"]
    ? { caFile: options["--tlsCAFile"], certificateKeyFile: options["--tlsCertificateKeyFile"], allowInvalidHostnames: Boolean(options["--tlsAllowInvalidHostnames"]) }
    : undefined,
  timeoutMs: 10000,
};
let credentials = options["--username"] ?? options["-u"] ? { user: options["--username"] ?? options["-u"], pwd: options["--password"] ?? options["-p"], db: options["--authenticationDatabase"] ?? "admin" } : null;

class MongoServerError extends Error {
  constructor(reply) {
    super(reply.errmsg);
    this.name = "MongoServerError";
    this.code = reply.code;
    this.codeName = reply.codeName;
  }
}
function send(db, command, auth = credentials) {
  const reply = JSON.parse(
    execFileSync(process.execPath, [path.join(__dirname, "mongo-request.cjs")], { input: JSON.stringify({ connection, message: { db, auth, command } }) }).toString("utf8"),
  );
  if (reply.network) die(`MongoNetworkError: ${reply.errmsg}`);
  if (!reply.ok) throw new MongoServerError(reply);
  return reply;
}

function database(name) {
  return {
    getName: () => name,
    getSiblingDB: (other) => database(other),
    auth(user, pwd) {
      send(name, { ping: 1 }, { user, pwd, db: name });
      credentials = { user, pwd, db: name };
      return { ok: 1 };
    },
    adminCommand: (command) => send("admin", command),
    runCommand: (command) => send(name, command),
    createUser: (spec) => send(name, { createUser: spec.user, pwd: spec.pwd, roles: spec.roles }),
    changeUserPassword: (user, pwd) => send(name, { updateUser: user, pwd }),
  };
}
const db = database(positional[0] ?? "test");
const rs = {
  initiate: (config) => send("admin", { replSetInitiate: config }),
  conf: () => send("admin", { replSetGetConfig: 1 }).config,
  status: () => send("admin", { replSetGetStatus: 1 }),
  add(member) {
    const config = rs.conf();
    const host = typeof member === "string" ? member : member.host;
    config.members.push({ _id: Math.max(...config.members.map((m) => m._id)) + 1, host });
    config.version += 1;
    return send("admin", { replSetReconfig: config });
  },
};

class Quit extends Error {
  constructor(code) {
    super("quit");
    this.exitCode = code;
  }
}
const context = vm.createContext({
  db,
  rs,
  process: { env: process.env },
  print: (...values) => process.stdout.write(`${values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ")}\n`),
  printjson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  quit: (code = 0) => {
    throw new Quit(code);
  },
  sleep: (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
  JSON,
  Math,
  String,
  Number,
  Object,
  Array,
  Date,
});

if (!options["--nodb"]) send("admin", { ping: 1 }, null);
const code = options["--eval"] ?? fs.readFileSync(0, "utf8");
try {
  vm.runInContext(code, context);
} catch (error) {
  if (error instanceof Quit) process.exit(error.exitCode);
  process.stderr.write(`${error.name ?? "Error"}: ${error.message}\n`);
  process.exit(1);
}
