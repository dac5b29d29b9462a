#!/usr/bin/env node
/**
 * A stand-in for `mongosh --quiet --eval <javascript>` that runs the
 * project's JavaScript for real against a pretend mongod kept in a JSON file
 * (FAKE_MONGOD_STATE): its users and passwords, whether it is in a replica
 * set and whether it is the primary. MongoDB cannot be installed on the
 * build machine; this keeps the scripts' own decision logic under test.
 *
 * State: { users: { root: "<password>" }, setName?: string, primary?: boolean }
 * Every invocation appends its arguments to FAKE_MONGOSH_LOG (passwords are
 * never on the command line, which the tests check).
 */
const fs = require("node:fs");
const vm = require("node:vm");

const args = process.argv.slice(2);
const statePath = process.env.FAKE_MONGOD_STATE;
if (process.env.FAKE_MONGOSH_LOG) fs.appendFileSync(process.env.FAKE_MONGOSH_LOG, `${args.join(" ")}\n`);
const code = args[args.indexOf("--eval") + 1];
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
};
const db = {
  getSiblingDB: () => adminDb,
  adminCommand(command) {
    if (command.hello) return { ok: 1, isWritablePrimary: !state.setName || !!state.primary, ...(state.setName ? { setName: state.setName } : {}) };
    requireAuth();
    if (command.replSetGetStatus) {
      if (!state.setName) throw new ServerError("not running with --replSet", 76);
      return { ok: 1, myState: state.primary ? 1 : 2 };
    }
    if ("autoCompact" in command) return { ok: 1 };
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
