/**
 * Test values for every secret a task of an environment reads, by the
 * `valueFrom` its containers name (in Secrets Manager's place): the JWT
 * secret, the maintenance password and its escaped form, CE 5.0's connection
 * strings composed the way the maintenance secret holds them, the Erlang
 * cookie, the replica-set keyfile, root's former-password slot (the
 * maintenance password unless a test asks otherwise), and a placeholder for
 * anything else (a custom CA, proxy URLs, the operator's secret variables).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Environment } from "../../modules/config";
import { connectionStrings, releaseOf } from "../../modules/releases";
import { haTopology } from "../../modules/ha/ha-cluster";
import { derive } from "../../modules/config";
import type { SecretLookup } from "./task-runner";

/** The generated values, for tests that need to compare. */
export interface TestSecretValues {
  readonly jwtSecret: string;
  readonly maintenancePassword: string;
  readonly rabbitmqCookie: string;
  readonly mongoReplicaKey: string;
  /** MONGO_ROOT_PASSWORD of the cluster secret: root's former password (default: the maintenance password). */
  readonly formerRootPassword: string;
}

const alphanumeric = (length: number) => {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(length), (b) => chars[b % chars.length]).join("");
};

let caCertificate: string | undefined;
/** A throwaway CA certificate (PEM), as an operator's custom CA secret holds one. */
function testCaCertificate(): string {
  caCertificate ??= execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "/dev/null", "-days", "2", "-subj", "/CN=Operator test CA"], { stdio: ["ignore", "pipe", "ignore"] }).toString();
  return caCertificate;
}

/** New test values. */
export function newTestSecretValues(overrides: Partial<TestSecretValues> = {}): TestSecretValues {
  const maintenancePassword = overrides.maintenancePassword ?? alphanumeric(32);
  return {
    jwtSecret: alphanumeric(64),
    maintenancePassword,
    rabbitmqCookie: alphanumeric(32),
    mongoReplicaKey: randomBytes(72).toString("base64"),
    formerRootPassword: maintenancePassword,
    ...overrides,
  };
}

/** The store for an environment's tasks: each `valueFrom` to its test value. */
export function testSecrets(env: Environment, values: TestSecretValues = newTestSecretValues()): SecretLookup {
  const release = releaseOf(env.release);
  const escaped = encodeURIComponent(values.maintenancePassword);
  const topology = env.variant === "ha" ? haTopology(derive(env).haNamespace).connections : { mongoHosts: ["localhost:27017"], rabbitmqHosts: ["localhost"] };
  const strings = connectionStrings(release, topology, escaped);
  const byKey: Record<string, string> = {
    MAINTENANCE_PASSWORD: values.maintenancePassword,
    MAINTENANCE_PASSWORD_ESCAPED: escaped,
    MONGO_CONNECTION_STRING: strings.mongo,
    RABBITMQ_CONNECTION_STRING: strings.rabbitmq,
    RABBITMQ_COOKIE: values.rabbitmqCookie,
    MONGO_REPLICA_KEY: values.mongoReplicaKey,
    MONGO_ROOT_PASSWORD: values.formerRootPassword,
  };
  const jwt = env.secrets.mode === "existing" ? env.secrets.jwtSecretArn : "${aws_secretsmanager_secret.secrets_jwt-secret.arn}";
  return (valueFrom) => {
    const keyed = /^(.*):([A-Za-z0-9_.-]+)::$/.exec(valueFrom);
    if (keyed) return byKey[keyed[2]] ?? `test-value-of-${keyed[2]}`;
    if (valueFrom === jwt) return values.jwtSecret;
    if (valueFrom === env.caCertificateSecretArn) return testCaCertificate();
    return `test-value-of-${valueFrom.replace(/[^A-Za-z0-9]+/g, "-")}`;
  };
}
