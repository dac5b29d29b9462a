/**
 * What Terraform itself sends when it writes an environment's state: the
 * synthesized S3 backend block, run by the real terraform binary against a
 * loopback stand-in for S3 that records every request. Every object
 * Terraform writes (the lock file and the state) must carry SSE-KMS with the
 * state key: a backend with `encrypt = true` alone sends `AES256`, which
 * overrides the bucket's KMS default and leaves the state SSE-S3.
 *
 * No providers are needed (the configuration has only an output), so this
 * runs wherever terraform (or CE_TERRAFORM_BINARY) is on PATH.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stateKmsKeyOf, stateKeyOf } from "../../modules/backend/remote-state";
import { stateBucketStatements } from "../../modules/backend/state-bootstrap-stack";
import { parseEnvironment } from "../../modules/config";
import { terraformSetup } from "../plan/terraform-cli";
import { baseEnvironment } from "../support/fixtures";
import { evaluateAccess } from "../support/iam-simulator";
import { synthEnvironment } from "../support/synth";

const run = promisify(execFile);

interface Recorded {
  readonly method: string;
  readonly key: string;
  readonly headers: IncomingMessage["headers"];
  /** The listing prefix of a ListObjectsV2 request. */
  readonly prefix?: string;
}

/** Undoes the aws-chunked body encoding the SDK may use for uploads. */
function decodeBody(body: Buffer, headers: IncomingMessage["headers"]): Buffer {
  const chunked = String(headers["content-encoding"] ?? "").includes("aws-chunked") || String(headers["x-amz-content-sha256"] ?? "").startsWith("STREAMING-");
  if (!chunked) return body;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString().split(";")[0], 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** A minimal S3 on loopback: list, get, head, put (recording headers), delete. */
function fakeS3(bucket: string): Promise<{ server: Server; url: string; requests: Recorded[] }> {
  const objects = new Map<string, Buffer>();
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = decodeURIComponent(url.pathname).replace(/^\/+/, "");
      const key = path.startsWith(`${bucket}/`) ? path.slice(bucket.length + 1) : "";
      requests.push({ method: req.method ?? "", key, headers: req.headers, prefix: url.searchParams.get("prefix") ?? undefined });
      const xml = (status: number, body: string) => {
        res.writeHead(status, { "content-type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
      };
      if (req.method === "GET" && !key) {
        return xml(
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${url.searchParams.get("prefix") ?? ""}</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`,
        );
      }
      if (req.method === "PUT") {
        if (req.headers["if-none-match"] === "*" && objects.has(key)) {
          return xml(412, "<Error><Code>PreconditionFailed</Code><Message>exists</Message></Error>");
        }
        objects.set(key, decodeBody(Buffer.concat(chunks), req.headers));
        res.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"' });
        return res.end();
      }
      if (req.method === "GET" || req.method === "HEAD") {
        const body = objects.get(key);
        if (!body) return xml(404, `<Error><Code>NoSuchKey</Code><Message>no such key</Message><Key>${key}</Key></Error>`);
        res.writeHead(200, { "content-length": body.length, etag: '"0123456789abcdef0123456789abcdef"', "content-type": "application/json" });
        return res.end(req.method === "GET" ? body : undefined);
      }
      if (req.method === "DELETE") {
        objects.delete(key);
        res.writeHead(204);
        return res.end();
      }
      xml(400, "<Error><Code>NotImplemented</Code></Error>");
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })),
  );
}

describe("state encryption as Terraform writes it", () => {
  const input = baseEnvironment();
  const env = parseEnvironment(input);
  const backend = synthEnvironment(input).terraform?.backend.s3;
  let dir: string;
  let s3: Awaited<ReturnType<typeof fakeS3>>;

  beforeAll(async () => {
    s3 = await fakeS3(backend.bucket);
    dir = mkdtempSync(join(tmpdir(), "ce-state-encryption-"));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { s3: backend } }, output: { written: { value: "yes" } } }));
    // Only where the requests go and the dummy credentials come from the test; the rest is the synthesized block.
    writeFileSync(
      join(dir, "loopback.s3.tfbackend"),
      [
        `endpoints = { s3 = "${s3.url}" }`,
        "use_path_style = true",
        'access_key = "offline"',
        'secret_key = "offline"',
        "skip_credentials_validation = true",
        "skip_requesting_account_id = true",
        "skip_metadata_api_check = true",
        "skip_region_validation = true",
        "",
      ].join("\n"),
    );
    const setup = terraformSetup();
    const options = { cwd: dir, env: setup.env, timeout: 120_000 };
    await run(setup.binary, ["init", "-input=false", "-no-color", "-backend-config=loopback.s3.tfbackend"], options);
    await run(setup.binary, ["apply", "-input=false", "-no-color", "-auto-approve"], options);
    // A second run reads the state it wrote, the way every later plan and apply does.
    await run(setup.binary, ["apply", "-input=false", "-no-color", "-auto-approve"], options);
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => s3?.server.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the synthesized backend names the bootstrap stack's state key by its alias ARN when the environment names none", () => {
    expect(backend.kms_key_id).toBe(`arn:aws:kms:${env.state.region}:${env.accountId}:alias/ce-tfstate-${env.state.bucket}`);
    expect(backend.kms_key_id).toBe(stateKmsKeyOf(env));
  });

  it("writes the lock file and the state, both with SSE-KMS under the state key, never AES256", () => {
    const puts = s3.requests.filter((r) => r.method === "PUT");
    expect(puts.map((p) => p.key)).toEqual(expect.arrayContaining([`cloud-exchange/${env.name}/terraform.tfstate`, `cloud-exchange/${env.name}/terraform.tfstate.tflock`]));
    for (const put of puts) {
      expect({ key: put.key, sse: put.headers["x-amz-server-side-encryption"], kmsKey: put.headers["x-amz-server-side-encryption-aws-kms-key-id"] }).toEqual({
        key: put.key,
        sse: "aws:kms",
        kmsKey: stateKmsKeyOf(env),
      });
    }
  });

  it("makes only the requests the state bucket lets a confined writer make: its state object, its lock file and the workspace listing", () => {
    const writer = `arn:aws:iam::${env.accountId}:role/ce-test-pipeline-deploy`;
    const bucketArn = `arn:aws:s3:::${backend.bucket}`;
    const statements = stateBucketStatements(bucketArn, [stateKmsKeyOf(env)], [{ label: env.name, stateKey: stateKeyOf(env.name), roleArns: [writer] }]) as Record<string, any>[];
    const asIam = (r: Recorded) => {
      if (r.method === "GET" && !r.key) return { action: "s3:ListBucket", resource: bucketArn, context: r.prefix === undefined ? {} : { "s3:prefix": r.prefix } };
      const action = { GET: "s3:GetObject", HEAD: "s3:GetObject", PUT: "s3:PutObject", DELETE: "s3:DeleteObject" }[r.method] ?? `unknown ${r.method}`;
      const headers = Object.fromEntries(
        ["x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"].filter((h) => r.headers[h] !== undefined).map((h) => [`s3:${h}`, String(r.headers[h])]),
      );
      return { action, resource: `${bucketArn}/${r.key}`, context: headers };
    };
    const requests = s3.requests.map(asIam);
    expect(new Set(requests.map((r) => `${r.action} ${r.resource.slice(bucketArn.length)}`))).toEqual(
      new Set([
        "s3:ListBucket ",
        `s3:GetObject /cloud-exchange/${env.name}/terraform.tfstate`,
        `s3:PutObject /cloud-exchange/${env.name}/terraform.tfstate`,
        `s3:GetObject /cloud-exchange/${env.name}/terraform.tfstate.tflock`,
        `s3:PutObject /cloud-exchange/${env.name}/terraform.tfstate.tflock`,
        `s3:DeleteObject /cloud-exchange/${env.name}/terraform.tfstate.tflock`,
      ]),
    );
    const denied = requests.filter(
      (r) => evaluateAccess({ resource: statements }, { principal: writer, action: r.action, resource: r.resource, context: { "aws:SecureTransport": "true", ...r.context } }) !== "allowed",
    );
    expect(denied).toEqual([]);
  });
});
