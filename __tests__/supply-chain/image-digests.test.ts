/**
 * `npm run pin-images` reads digests with the registry API: run against a
 * loopback registry that answers as Docker Hub does (401 with a Bearer
 * challenge, a token service, then the manifest's Docker-Content-Digest).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { AddressInfo, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isEcr, registryImageOf, resolveDigest } from "../../modules/supply-chain/image-digests";

const ROOT = join(__dirname, "..", "..");

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const DIGEST = `sha256:${"4f".repeat(32)}`;

describe("image digests", () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res): void => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? "-"} ${req.headers.accept ?? "-"}`);
      if (req.url?.startsWith("/token")) {
        const url = new URL(req.url, base);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ token: `t-for-${url.searchParams.get("scope")}` }));
        return;
      }
      if (req.url === "/v2/netskopetechnicalalliances/cloudexchange/manifests/core6-6.1.0") {
        if (req.headers.authorization !== "Bearer t-for-repository:netskopetechnicalalliances/cloudexchange:pull") {
          res.writeHead(401, { "www-authenticate": `Bearer realm="${base}/token",service="registry.docker.io",scope="repository:netskopetechnicalalliances/cloudexchange:pull"` });
          res.end();
          return;
        }
        res.writeHead(200, { "docker-content-digest": DIGEST });
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("follows the registry's token challenge and returns the digest it serves, asking for image indexes too", async () => {
    expect(await resolveDigest({ registry: base, path: "netskopetechnicalalliances/cloudexchange" }, "core6-6.1.0")).toBe(DIGEST);
    expect(seen[0]).toMatch(/^HEAD \/v2\/netskopetechnicalalliances\/cloudexchange\/manifests\/core6-6.1.0 - .*application\/vnd\.oci\.image\.index\.v1\+json/);
    expect(seen.some((s) => s.startsWith("GET /token?service=registry.docker.io&scope=repository%3Anetskopetechnicalalliances%2Fcloudexchange%3Apull"))).toBe(true);
  });

  it("names the image, the registry host and the status when a tag does not exist", async () => {
    await expect(resolveDigest({ registry: base, path: "netskopetechnicalalliances/cloudexchange" }, "nope")).rejects.toThrow(
      `netskopetechnicalalliances/cloudexchange:nope: the registry ${new URL(base).host} answered 404`,
    );
  });

  it("names the image, the registry host and the cause when the registry cannot be reached", async () => {
    const port = await closedPort();
    await expect(resolveDigest({ registry: `http://127.0.0.1:${port}`, path: "ce/core" }, "6.1")).rejects.toThrow(
      `ce/core:6.1: the registry 127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    // Node's fetch says only "fetch failed"; the reason is in its cause.
    const dns = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("getaddrinfo ENOTFOUND registry-1.docker.io"), { code: "ENOTFOUND" }) });
    await expect(resolveDigest(registryImageOf("netskopetechnicalalliances/cloudexchange"), "core6-6.1.0", () => Promise.reject(dns))).rejects.toThrow(
      "netskopetechnicalalliances/cloudexchange:core6-6.1.0: the registry registry-1.docker.io cannot be reached: getaddrinfo ENOTFOUND registry-1.docker.io",
    );
  });

  it("names the token service's host and the cause when it cannot be reached", async () => {
    const port = await closedPort();
    const challenge = new Response(null, { status: 401, headers: { "www-authenticate": `Bearer realm="http://127.0.0.1:${port}/token",service="registry.docker.io"` } });
    const fetcher = ((url: URL) => (String(url).includes("/v2/") ? Promise.resolve(challenge) : fetch(url))) as typeof fetch;
    await expect(resolveDigest({ registry: "https://registry.example.com", path: "ce/core" }, "6.1", fetcher)).rejects.toThrow(
      `ce/core:6.1: the registry's token service 127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it("npm run pin-images fails with the environment, the image, the registry host and the cause", async () => {
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), "ce-pin-images-"));
    try {
      const image = (name: string) => ({ repository: `127.0.0.1:${port}/ce/${name}`, tag: "6.1" });
      const file = join(dir, "unreachable.json");
      writeFileSync(
        file,
        JSON.stringify({
          name: "unreachable",
          accountId: "210987654321",
          region: "eu-west-1",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
          state: { bucket: "b-state", region: "eu-west-1" },
          images: { core: image("core"), ui: image("ui"), mongodb: image("mongodb"), rabbitmq: image("rabbitmq") },
        }),
      );
      const result = spawnSync("npm", ["run", "-s", "pin-images"], { cwd: ROOT, env: { ...process.env, CE_ENV_FILE: file }, encoding: "utf8", timeout: 120_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `pin-images: environment unreachable, core image 127.0.0.1:${port}/ce/core:6.1: the registry 127.0.0.1:${port} cannot be reached: connect ECONNREFUSED 127.0.0.1:${port}\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("knows Docker Hub, other registries and ECR apart", () => {
    expect(registryImageOf("netskopetechnicalalliances/cloudexchange")).toEqual({ registry: "https://registry-1.docker.io", path: "netskopetechnicalalliances/cloudexchange" });
    expect(registryImageOf("mongo")).toEqual({ registry: "https://registry-1.docker.io", path: "library/mongo" });
    expect(registryImageOf("registry.example.com/ce/core")).toEqual({ registry: "https://registry.example.com", path: "ce/core" });
    expect(isEcr("709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/core5")).toBe(true);
    expect(isEcr("netskopetechnicalalliances/cloudexchange")).toBe(false);
  });
});
