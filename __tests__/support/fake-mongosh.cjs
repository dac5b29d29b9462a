#!/usr/bin/env node
/**
 * A stand-in for `mongosh --quiet --eval <javascript>` that runs the
 * project's JavaScript for real against a pretend mongod kept in a JSON file
 * (FAKE_MONGOD_STATE): its users and passwords, whether it is in a replica
 * set and whether it is the primary. MongoDB cannot be installed on the
 * build machine; this keeps the scripts' own decision logic under test.
 *
 * State: { users: { root: "<password>" }, roles?: { <user>: [{ role, db }] }, setName?: string, primary?: boolean,
 *         fcv?: "4.4" | "5.0" | "6.0" | ..., failSetFcv?: true, failSetFcvTo?: "7.0" }
 * Every invocation appends its arguments to FAKE_MONGOSH_LOG (passwords are
 * never on the command line, which the tests check). With FAKE_MONGOD_UP set,
 * the server answers only while that file exists (a stand-in mongod keeps it).
 */
const fs = require("node:fs");
const vm = require("node:vm");

const args = process.argv.slice(2);
const statePath = process.env.FAKE_MONGOD_STATE;
if (process.env.FAKE_MONGOSH_LOG) fs.appendFileSync(process.env.FAKE_MONGOSH_LOG, `${args.join(" ")}\n`);
const code = args[args.indexOf("--eval") + 1];
// A server that is not running refuses the connection (FAKE_MONGOD_UP names the file a running stand-in keeps).
if (process.env.FAKE_MONGOD_UP && !fs.existsSync(process.env.FAKE_MONGOD_UP)) {
  process.stderr.write("MongoNetworkError: connect ECONNREFUSED 127.0.0.1\n");
  process.exit(1);
}
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state));

class ServerError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

let authenticated = false;
const requireAuth = () => {
  if (!authenticated) throw new ServerError("command requires authentication", 13);
};
const adminDb = {
  auth(user, password) {
    if (state.users[user] === undefined || state.users[user] !== password) {
      throw new ServerError("Authentication failed.", 18);
    }
    authenticated = true;
    return { ok: 1 };
  },
  changeUserPassword(user, password) {
    requireAuth();
    if (state.setName && !state.primary) throw new ServerError("not primary", 10107);
    state.users[user] = password;
    save();
  },
  getUser(user) {
    requireAuth();
    return state.users[user] === undefined ? null : { user, db: "admin", roles: (state.roles ?? {})[user] ?? [] };
  },
  createUser(spec) {
    requireAuth();
    if (state.setName && !state.primary) throw new ServerError("not primary", 10107);
    if (state.users[spec.user] !== undefined) throw new ServerError(`User "${spec.user}@admin" already exists`, 51003);
    state.users[spec.user] = spec.pwd;
    state.roles = { ...(state.roles ?? {}), [spec.user]: spec.roles };
    save();
  },
  updateUser(user, update) {
    requireAuth();
    if (state.setName && !state.primary) throw new ServerError("not primary", 10107);
    if (state.users[user] === undefined) throw new ServerError(`User ${user}@admin not found`, 11);
    if (update.pwd !== undefined) state.users[user] = update.pwd;
    if (update.roles !== undefined) state.roles = { ...(state.roles ?? {}), [user]: update.roles };
    save();
  },
};
const db = {
  getSiblingDB: () => adminDb,
  adminCommand(command) {
    if (command.ping) return { ok: 1 };
    if (command.hello) {
      return { ok: 1, isWritablePrimary: !state.setName || !!state.primary, ...(state.setName ? { setName: state.setName, secondary: !state.primary && !state.recovering } : {}) };
    }
    requireAuth();
    if (command.replSetGetStatus) {
      if (!state.setName) throw new ServerError("not running with --replSet", 76);
      return { ok: 1, myState: state.primary ? 1 : 2 };
    }
    if ("autoCompact" in command) return { ok: 1 };
    if (command.getParameter && command.featureCompatibilityVersion) return { ok: 1, featureCompatibilityVersion: { version: state.fcv } };
    if (command.setFeatureCompatibilityVersion) {
      const target = command.setFeatureCompatibilityVersion;
      if (Number(target) >= 7 && command.confirm !== true) throw new ServerError("setFeatureCompatibilityVersion needs confirm: true", 7369200);
      const steps = { "4.4": "5.0", "5.0": "6.0", "6.0": "7.0", "7.0": "8.0" };
      if (state.fcv !== target && steps[state.fcv] !== target) throw new ServerError(`cannot go from ${state.fcv} to ${target}`, 62);
      if (state.failSetFcv || state.failSetFcvTo === target) throw new ServerError("simulated failure while setting the feature compatibility version", 1);
      state.fcv = target;
      save();
      return { ok: 1 };
    }
    throw new ServerError(`no such command: ${Object.keys(command)[0]}`, 59);
  },
};

const out = [];
class Quit extends Error {}
let exitCode = 0;
try {
  vm.runInNewContext(code, {
    db,
    print: (...v) => out.push(v.join(" ")),
    quit: (n = 0) => {
      exitCode = n;
      throw new Quit();
    },
    process: { env: { ...process.env } },
  });
} catch (error) {
  if (!(error instanceof Quit)) {
    process.stderr.write(`${error.message}\n`);
    exitCode = 1;
  }
}
if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
process.exit(exitCode);
