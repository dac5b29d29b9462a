#!/usr/bin/env node
/**
 * Sends one request to a MongoDB stand-in and prints the reply (for the
 * mongosh stand-in, whose JavaScript calls look synchronous): the request
 * JSON on standard input, `{ connection, message }`.
 */
const { request } = require("./mongo-wire.cjs");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const { connection, message } = JSON.parse(input);
  try {
    process.stdout.write(JSON.stringify(await request(connection, message)));
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: 0, network: true, errmsg: `${error.code ?? ""} ${error.message}`.trim() }));
  }
});
