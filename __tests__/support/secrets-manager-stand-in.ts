/**
 * A loopback stand-in for the AWS Secrets Manager API (JSON 1.1 protocol),
 * for Terraform's AWS provider pointed at it with `endpoints.secretsmanager`:
 * - GetRandomPassword, which the stacks' ephemeral
 *   `aws_secretsmanager_random_password` resources call whenever Terraform
 *   opens them (every plan and apply); every value handed out is recorded, so
 *   a test can search plans and state for it;
 * - CreateSecret, DescribeSecret, GetResourcePolicy, PutSecretValue,
 *   GetSecretValue, ListSecretVersionIds, UpdateSecretVersionStage and
 *   DeleteSecret, enough for the provider to create, read and remove
 *   secrets and versions in a real `terraform apply`.
 * It listens on 127.0.0.1 only, checks nothing about credentials, and keeps
 * everything in memory. Unknown actions fail with the action's name, so a
 * provider that needs more shows what to add.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";

/** One stored version of a secret. */
interface StoredVersion {
  readonly id: string;
  readonly secretString?: string;
  stages: string[];
}

/** One stored secret. */
interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly versions: StoredVersion[];
  deleted: boolean;
}

/** A running stand-in. */
export interface SecretsManagerStandIn {
  /** The endpoint URL for the provider's `endpoints.secretsmanager`. */
  readonly url: string;
  /** Every password GetRandomPassword handed out, in order. */
  readonly generated: readonly string[];
  /** Every SecretString PutSecretValue received, in order. */
  readonly written: readonly string[];
  /** Every action called, in order. */
  readonly actions: readonly string[];
  /** Stops the server. */
  close(): Promise<void>;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A password as GetRandomPassword makes one with ExcludePunctuation: letters and digits, each kind present. */
function randomPassword(length: number): string {
  for (;;) {
    const bytes = randomBytes(length);
    const value = Array.from(bytes, (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join("");
    if (/[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value)) return value;
  }
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Starts the stand-in on a free loopback port. */
export async function startSecretsManagerStandIn(region = "us-east-1", account = "123456789012"): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, StoredSecret>();
  const generated: string[] = [];
  const written: string[] = [];
  const actions: string[] = [];
  const find = (id: string): StoredSecret => {
    const secret = secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id);
    if (!secret || secret.deleted) throw new ApiError("ResourceNotFoundException", `Secrets Manager can't find the specified secret: ${id}`);
    return secret;
  };
  const current = (secret: StoredSecret) => secret.versions.find((v) => v.stages.includes("AWSCURRENT"));

  const handlers: Record<string, (input: Record<string, any>) => unknown> = {
    GetRandomPassword: (input) => {
      const value = randomPassword(Number(input.PasswordLength ?? 32));
      generated.push(value);
      return { RandomPassword: value };
    },
    CreateSecret: (input) => {
      if (secrets.has(input.Name) && !secrets.get(input.Name)!.deleted) throw new ApiError("ResourceExistsException", `the secret ${input.Name} already exists`);
      const arn = `arn:aws:secretsmanager:${region}:${account}:secret:${input.Name}-${randomBytes(3).toString("hex")}`;
      secrets.set(input.Name, { arn, name: input.Name, description: input.Description, kmsKeyId: input.KmsKeyId, versions: [], deleted: false });
      return { ARN: arn, Name: input.Name };
    },
    DescribeSecret: (input) => {
      const s = find(input.SecretId);
      const versionIdsToStages = Object.fromEntries(s.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, v.stages]));
      return { ARN: s.arn, Name: s.name, Description: s.description, KmsKeyId: s.kmsKeyId, Tags: [], VersionIdsToStages: versionIdsToStages };
    },
    GetResourcePolicy: (input) => {
      const s = find(input.SecretId);
      return { ARN: s.arn, Name: s.name };
    },
    PutSecretValue: (input) => {
      const s = find(input.SecretId);
      const id = input.ClientRequestToken ?? randomUUID();
      const existing = s.versions.find((v) => v.id === id);
      if (existing) return { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: existing.stages };
      const stages: string[] = input.VersionStages ?? ["AWSCURRENT"];
      if (stages.includes("AWSCURRENT")) {
        for (const v of s.versions) v.stages = v.stages.filter((stage) => stage !== "AWSPREVIOUS");
        const was = current(s);
        if (was) was.stages = [...was.stages.filter((stage) => stage !== "AWSCURRENT"), "AWSPREVIOUS"];
      }
      if (input.SecretString !== undefined) written.push(String(input.SecretString));
      s.versions.push({ id, secretString: input.SecretString, stages });
      return { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: stages };
    },
    GetSecretValue: (input) => {
      const s = find(input.SecretId);
      const v = input.VersionId ? s.versions.find((x) => x.id === input.VersionId) : s.versions.find((x) => x.stages.includes(input.VersionStage ?? "AWSCURRENT"));
      if (!v) throw new ApiError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for ${input.VersionId ?? input.VersionStage ?? "AWSCURRENT"}`);
      return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: v.stages, SecretString: v.secretString, CreatedDate: Date.now() / 1000 };
    },
    ListSecretVersionIds: (input) => {
      const s = find(input.SecretId);
      return { ARN: s.arn, Name: s.name, Versions: s.versions.map((v) => ({ VersionId: v.id, VersionStages: v.stages })) };
    },
    UpdateSecretVersionStage: (input) => {
      const s = find(input.SecretId);
      if (input.RemoveFromVersionId) {
        const from = s.versions.find((v) => v.id === input.RemoveFromVersionId);
        if (from) from.stages = from.stages.filter((stage) => stage !== input.VersionStage);
      }
      if (input.MoveToVersionId) s.versions.find((v) => v.id === input.MoveToVersionId)?.stages.push(input.VersionStage);
      return { ARN: s.arn, Name: s.name };
    },
    DeleteSecret: (input) => {
      const s = find(input.SecretId);
      s.deleted = true;
      return { ARN: s.arn, Name: s.name, DeletionDate: Date.now() / 1000 };
    },
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const action = String(req.headers["x-amz-target"] ?? "").replace(/^secretsmanager\./, "");
      actions.push(action);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(body));
      };
      try {
        const handler = handlers[action];
        if (!handler) throw new ApiError("InvalidRequestException", `the Secrets Manager stand-in does not implement ${action || "(no X-Amz-Target)"}`);
        const text = Buffer.concat(chunks).toString("utf8");
        reply(200, handler(text ? (JSON.parse(text) as Record<string, any>) : {}));
      } catch (error) {
        const e = error instanceof ApiError ? error : new ApiError("InternalServiceError", String(error), 500);
        reply(e.status, { __type: e.type, message: e.message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    generated,
    written,
    actions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
