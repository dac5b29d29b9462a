/**
 * The wire protocol of the task runner's MongoDB stand-ins (not MongoDB's
 * own): one JSON request per line, one JSON reply per line, over TCP or TLS
 * exactly as the connection's settings say (TLS with the server certificate
 * checked against the CA, the host name checked unless told not to, and the
 * client certificate presented). A request carries its own credentials:
 * { db, auth: { user, pwd, db } | null, command }.
 */
const net = require("node:net");
const tls = require("node:tls");
const fs = require("node:fs");

/** The TLS client options for a connection: CA, client certificate and key, host name check. */
function tlsClientOptions(host, options) {
  const pem = options.certificateKeyFile ? fs.readFileSync(options.certificateKeyFile, "utf8") : undefined;
  return {
    host,
    servername: /^[0-9.]+$/.test(host) ? undefined : host,
    ca: options.caFile ? fs.readFileSync(options.caFile) : undefined,
    cert: pem,
    key: pem,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
    checkServerIdentity: options.allowInvalidHostnames ? () => undefined : tls.checkServerIdentity,
  };
}

/**
 * Sends one request and resolves with the reply. `options`: { host, port, tls: { caFile,
 * certificateKeyFile, allowInvalidHostnames } | undefined, timeoutMs }.
 */
function request(options, message) {
  return new Promise((resolve, reject) => {
    const port = options.port ?? 27017;
    const socket = options.tls ? tls.connect({ port, ...tlsClientOptions(options.host, options.tls) }) : net.connect({ host: options.host, port });
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${options.host}:${port} in ${options.timeoutMs ?? 10000} ms`));
    }, options.timeoutMs ?? 10000);
    socket.once(options.tls ? "secureConnect" : "connect", () => socket.write(`${JSON.stringify(message)}\n`));
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(JSON.parse(buffer.slice(0, end)));
      } catch (error) {
        reject(error);
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      if (!buffer.includes("\n")) reject(new Error(`connection to ${options.host}:${port} closed without an answer`));
    });
  });
}

module.exports = { request, tlsClientOptions };
