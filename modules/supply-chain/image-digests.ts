/**
 * Resolves image tags to the digests a registry serves for them, with the
 * Docker Registry HTTP API v2 (Docker Hub and any registry with anonymous or
 * token pulls): `npm run pin-images` prints an environment's `images` block
 * pinned by digest. ECR needs AWS credentials: for ECR images it prints the
 * command that reads the digest instead.
 */
import { dockerHubPath } from "../workload/images";

/** Where an image lives, as the registry API sees it. */
export interface RegistryImage {
  /** Base URL of the registry API, e.g. `https://registry-1.docker.io`. */
  readonly registry: string;
  /** Repository path in that registry, e.g. `netskopetechnicalalliances/cloudexchange`. */
  readonly path: string;
}

/** Registry and path of a repository reference (`library/` added for official Docker Hub images). */
export function registryImageOf(repository: string): RegistryImage {
  const hub = dockerHubPath(repository);
  if (hub !== undefined) return { registry: "https://registry-1.docker.io", path: hub };
  const [host, ...rest] = repository.split("/");
  return { registry: `https://${host}`, path: rest.join("/") };
}

/** Whether a repository is in ECR (its digests need AWS credentials). */
export function isEcr(repository: string): boolean {
  return /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(repository);
}

/** Manifest types a multi-platform or single image may have; the digest is of whichever the registry serves. */
const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

type Fetch = typeof fetch;

/** Why the digest of an image could not be read: the image (`path:tag`) and the reason, which names the host. */
export class ImageDigestError extends Error {
  constructor(
    /** The image, `path:tag` as the registry knows it. */
    readonly image: string,
    /** What failed, naming the host and the cause. */
    readonly reason: string,
  ) {
    super(`${image}: ${reason}`);
    this.name = "ImageDigestError";
  }
}

/**
 * Why a request failed. Node's fetch rejects with just "fetch failed" and
 * puts the reason in `error.cause` (an errno error such as ECONNREFUSED or
 * ENOTFOUND, a TLS error, or an AggregateError of one per address tried).
 */
export function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const errors = (cause as { errors?: unknown[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) return [...new Set(errors.map((e) => causeOf({ cause: e })))].join("; ");
  // Duck-typed: the errors Node's fetch makes may come from another realm than this code's Error.
  const { message, code } = (cause ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message !== "string") return String(cause);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Fetches a URL; a failure to reach it says which host, as what, and why. */
async function request(fetcher: Fetch, url: URL, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (error) {
    throw new Error(`${what} ${url.host} cannot be reached: ${causeOf(error)}`);
  }
}

/** The bearer token a `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge asks for. */
async function tokenFor(challenge: string, fetcher: Fetch): Promise<string> {
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!params.realm) throw new Error(`the registry asked for authentication without a token realm (${challenge})`);
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set("service", params.service);
  if (params.scope) url.searchParams.set("scope", params.scope);
  const response = await request(fetcher, url, {}, "the registry's token service");
  if (!response.ok) throw new Error(`the registry's token service ${url.host} answered ${response.status}`);
  const body = (await response.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error(`the registry's token service ${url.host} returned no token`);
  return token;
}

/**
 * The digest the registry serves for `repository:tag` (anonymous pull, with
 * the token flow when asked). Every error names the image, the host that
 * failed and why: `<path>:<tag>: the registry <host> ...`.
 */
export async function resolveDigest(image: RegistryImage, tag: string, fetcher: Fetch = fetch): Promise<string> {
  const url = new URL(`${image.registry}/v2/${image.path}/manifests/${encodeURIComponent(tag)}`);
  const name = `${image.path}:${tag}`;
  try {
    let response = await request(fetcher, url, { method: "HEAD", headers: { Accept: MANIFEST_TYPES } }, "the registry");
    if (response.status === 401) {
      const challenge = response.headers.get("www-authenticate") ?? "";
      const token = await tokenFor(challenge, fetcher);
      response = await request(fetcher, url, { method: "HEAD", headers: { Accept: MANIFEST_TYPES, Authorization: `Bearer ${token}` } }, "the registry");
    }
    if (!response.ok) throw new Error(`the registry ${url.host} answered ${response.status}`);
    const digest = response.headers.get("docker-content-digest");
    if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`the registry ${url.host} sent no sha256 digest`);
    return digest;
  } catch (error) {
    throw new ImageDigestError(name, (error as Error).message);
  }
}
