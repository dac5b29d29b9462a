/**
 * `npm run pin-images` reads digests with the registry API: run against a
 * loopback registry that answers as Docker Hub does (401 with a Bearer
 * challenge, a token service, then the manifest's Docker-Content-Digest).
 */
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { isEcr, registryImageOf, resolveDigest } from "../../modules/supply-chain/image-digests";

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

  it("names the image and the status when a tag does not exist", async () => {
    await expect(resolveDigest({ registry: base, path: "netskopetechnicalalliances/cloudexchange" }, "nope")).rejects.toThrow("netskopetechnicalalliances/cloudexchange:nope: the registry answered 404");
  });

  it("knows Docker Hub, other registries and ECR apart", () => {
    expect(registryImageOf("netskopetechnicalalliances/cloudexchange")).toEqual({ registry: "https://registry-1.docker.io", path: "netskopetechnicalalliances/cloudexchange" });
    expect(registryImageOf("mongo")).toEqual({ registry: "https://registry-1.docker.io", path: "library/mongo" });
    expect(registryImageOf("registry.example.com/ce/core")).toEqual({ registry: "https://registry.example.com", path: "ce/core" });
    expect(isEcr("709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/core5")).toBe(true);
    expect(isEcr("netskopetechnicalalliances/cloudexchange")).toBe(false);
  });
});
