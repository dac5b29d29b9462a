#!/usr/bin/env node
/**
 * A strict stand-in for Cloud Exchange's UI: serves port 3000 as CE's UI
 * does, over HTTPS with its certificate and key from /tmp/ssl_certs
 * (cte_cert.crt, cte_cert_key.key: both must be readable by its uid) and the
 * TLS versions of TLS_VERSION, or over plain HTTP when there is no
 * certificate (CE 5.0); answers `/` and `/login`, and passes `/api/` to core
 * at CE_API_URL:CE_API_PORT. An unknown TLS_VERSION or an unreadable key stops
 * it with one line.
 */
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");

const fail = (message) => {
  process.stderr.write(`ui stand-in: ${message}\n`);
  process.exit(1);
};
const log = (message) => process.stdout.write(`ui: ${message}\n`);
const env = process.env;
const VERSIONS = { "TLSv1.3": "TLSv1.3", "TLSv1.2 TLSv1.3": "TLSv1.2" };
if (!(env.TLS_VERSION in VERSIONS)) fail(`TLS_VERSION must be "TLSv1.3" or "TLSv1.2 TLSv1.3" (got ${JSON.stringify(env.TLS_VERSION)})`);
if (!env.CE_API_URL || !env.CE_API_PORT) fail("CE_API_URL and CE_API_PORT must name core's API");
const api = new URL(`${env.CE_API_URL}:${env.CE_API_PORT}`);

const certificate = "/tmp/ssl_certs/cte_cert.crt";
const key = "/tmp/ssl_certs/cte_cert_key.key";
const read = (file) => {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    fail(`cannot read ${file} as uid ${process.getuid()} (${error.code})`);
  }
};

function handle(req, res) {
  if (req.url.startsWith("/api/")) {
    const upstream = http.get({ host: api.hostname, port: api.port, path: req.url, timeout: 5000 }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on("error", (error) => {
      res.writeHead(502);
      res.end(`core unreachable: ${error.message}`);
    });
    return;
  }
  res.writeHead(req.url === "/" || req.url.startsWith("/login") ? 200 : 404, { "content-type": "text/html" });
  res.end("<!doctype html><title>Cloud Exchange</title>");
}

const secure = fs.existsSync(certificate);
const server = secure ? https.createServer({ cert: read(certificate), key: read(key), minVersion: VERSIONS[env.TLS_VERSION] }, handle) : http.createServer(handle);
server.listen(3000, "0.0.0.0", () => log(`serving ${secure ? `HTTPS (${env.TLS_VERSION})` : "HTTP"} on 3000; core's API at ${api.origin}`));

// Reports once core's API answers (the UI starts as soon as core has started).
const poll = setInterval(() => {
  http
    .get({ host: api.hostname, port: api.port, path: "/api/healthcheck", timeout: 2000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) {
        clearInterval(poll);
        log("core's API answers");
      }
    })
    .on("error", () => undefined);
}, 1000);
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
