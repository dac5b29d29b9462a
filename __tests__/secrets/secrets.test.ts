/** Secrets: generated (no special characters, escaped form derived) or existing; only ever through ECS secrets. */
import { connectionStrings, releaseOf } from "../../modules/releases";
import { purgeGeneratedValues } from "../../modules/secrets/state-purge";
import { baseEnvironment, withExistingSecrets } from "../support/fixtures";
import { containersOf, ref, resourceNamed, resourcesOf, synthEnvironment, workloadTaskDefinition } from "../support/synth";

describe("generated secrets", () => {
  const stack = synthEnvironment(baseEnvironment());
  const ephemeral = (stack as any).ephemeral?.aws_secretsmanager_random_password ?? {};
  const local = (name: string) => `local.secrets_${name}`;

  it("come from ephemeral passwords of letters and digits (never stored by Terraform), and no random provider", () => {
    expect(Object.keys(ephemeral).sort()).toEqual(["backup-secret_password", "secrets_jwt-secret-value", "secrets_maintenance-password", "secrets_mongo-replica-key-value", "secrets_rabbitmq-cookie-value"]);
    expect(ephemeral["secrets_maintenance-password"]).toEqual({ password_length: 32, exclude_punctuation: true, include_space: false, require_each_included_type: true });
    for (const [name, value] of Object.entries<any>(ephemeral)) {
      expect({ name, punctuation: value.exclude_punctuation, space: value.include_space }).toEqual({ name, punctuation: true, space: false });
      expect((stack as any).locals[name]).toBe(`\${ephemeral.aws_secretsmanager_random_password.${name}.random_password}`);
    }
    expect(stack.resource?.random_password).toBeUndefined();
    expect(stack.provider?.random).toBeUndefined();
    expect(Object.keys(stack.terraform?.required_providers ?? {})).toEqual(["aws"]);
  });

  it("forget the random provider's values an earlier version kept in the state, destroying nothing", () => {
    const removed = (stack as any).removed as { from: string; lifecycle: { destroy: boolean } }[];
    expect(removed.map((r) => r.from).sort()).toEqual(
      ["jwt-secret-value", "maintenance-password-value", "mongo-replica-key-value", "mongo-root-password-value", "rabbitmq-cookie-value"].map((n) => `random_password.secrets_${n}`),
    );
    for (const r of removed) expect(r.lifecycle).toEqual({ destroy: false });
  });

  it("store three KMS-encrypted, recoverable, protected secrets", () => {
    const secrets = resourcesOf(stack, "aws_secretsmanager_secret").filter(([name]) => name.startsWith("secrets_"));
    expect(secrets.map(([, s]) => s.name)).toEqual(["ce/test/cluster", "ce/test/jwt-secret", "ce/test/maintenance"]);
    for (const [, secret] of secrets) {
      expect(secret).toMatchObject({ kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"), recovery_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    }
  });

  it("write each value once through the write-only argument, and never rewrite or regenerate a value already there", () => {
    for (const [name, version] of resourcesOf(stack, "aws_secretsmanager_secret_version")) {
      expect({ name, string: version.secret_string, version: version.secret_string_wo_version }).toEqual({ name, string: undefined, version: 1 });
      expect(version.lifecycle).toEqual({ ignore_changes: ["secret_string", "secret_string_wo_version"], prevent_destroy: true });
    }
  });

  it("derive the URL-escaped password and the connection strings from the one generated password, and root's former password slot from it too", () => {
    const password = local("maintenance-password");
    const version = resourceNamed(stack, "aws_secretsmanager_secret_version", "secrets_maintenance-version");
    expect(version.secret_id).toBe(ref("aws_secretsmanager_secret", "secrets_maintenance", "id"));
    const tls = "tls=true&tlsCertificateKeyFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_key.pem&tlsCAFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_ca.crt";
    expect(version.secret_string_wo).toBe(
      `\${jsonencode({"MAINTENANCE_PASSWORD" = ${password}, "MAINTENANCE_PASSWORD_ESCAPED" = urlencode(${password}), ` +
        `"MONGO_CONNECTION_STRING" = "mongodb://cteadmin:\${urlencode(${password})}@localhost:27017/cte?${tls}", ` +
        `"RABBITMQ_CONNECTION_STRING" = "amqps://user:\${urlencode(${password})}@localhost"})}`,
    );
    expect(resourceNamed(stack, "aws_secretsmanager_secret_version", "secrets_cluster-version").secret_string_wo).toBe(
      `\${jsonencode({"RABBITMQ_COOKIE" = ${local("rabbitmq-cookie-value")}, "MONGO_REPLICA_KEY" = ${local("mongo-replica-key-value")}, "MONGO_ROOT_PASSWORD" = ${password}})}`,
    );
  });

  it("hold CE 5.0's plain connection strings for a 5.0 environment", () => {
    const legacy = synthEnvironment(baseEnvironment({ release: "5.0" }));
    const password = local("maintenance-password");
    const text = resourceNamed(legacy, "aws_secretsmanager_secret_version", "secrets_maintenance-version").secret_string_wo;
    expect(text).toContain(`"MONGO_CONNECTION_STRING" = "mongodb://cteadmin:\${urlencode(${password})}@localhost:27017/cte", `);
    expect(text).toContain(`"RABBITMQ_CONNECTION_STRING" = "amqp://user:\${urlencode(${password})}@localhost"`);
  });

  it("generate nothing in existing mode", () => {
    const existing = synthEnvironment(withExistingSecrets(baseEnvironment()));
    expect((existing as any).ephemeral).toBeUndefined();
    expect(existing.resource?.aws_secretsmanager_secret).toBeUndefined();
    expect((existing as any).removed).toBeUndefined();
  });
});

describe("connection strings", () => {
  const standalone = { mongoHosts: ["localhost:27017"], rabbitmqHosts: ["localhost"] };
  const ha = { mongoHosts: ["a:27017", "b:27017"], replicaSet: "mongo_replica_set", rabbitmqHosts: ["a", "b"] };
  // CE adds tlsAllowInvalidHostnames=true; the project's certificate names localhost and every node, so core checks the name.
  const tls = "tls=true&tlsCertificateKeyFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_key.pem&tlsCAFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_ca.crt";

  it("follow CE 6's formats (load_env.sh): TLS to MongoDB with core's client certificate, AMQPS", () => {
    for (const id of ["6.1", "6.0"] as const) {
      expect(connectionStrings(releaseOf(id), standalone, "pw")).toEqual({ mongo: `mongodb://cteadmin:pw@localhost:27017/cte?${tls}`, rabbitmq: "amqps://user:pw@localhost" });
      expect(connectionStrings(releaseOf(id), ha, "pw")).toEqual({
        mongo: `mongodb://cteadmin:pw@a:27017,b:27017/cte?replicaSet=mongo_replica_set&${tls}`,
        rabbitmq: "amqps://user:pw@a;amqps://user:pw@b",
      });
    }
  });

  it("follow CE 5.0's formats for standalone and HA", () => {
    expect(connectionStrings(releaseOf("5.0"), standalone, "pw")).toEqual({ mongo: "mongodb://cteadmin:pw@localhost:27017/cte", rabbitmq: "amqp://user:pw@localhost" });
    expect(connectionStrings(releaseOf("5.0"), ha, "pw")).toEqual({
      mongo: "mongodb://cteadmin:pw@a:27017,b:27017/cte?replicaSet=mongo_replica_set",
      rabbitmq: "amqp://user:pw@a;amqp://user:pw@b",
    });
  });
});

describe("secrets in the task", () => {
  const SECRET_NAMES = ["JWT_SECRET", "MAINTENANCE_PASSWORD_ESCAPED", "MONGO_INITDB_ROOT_PASSWORD", "MONGODB_PASSWORD", "RABBITMQ_DEFAULT_PASS", "RABBITMQ_COOKIE"];
  const COMPOSED = ["MONGO_CONNECTION_STRING", "RABBITMQ_CONNECTION_STRING"];

  it.each([
    ["generated", baseEnvironment()],
    ["existing", withExistingSecrets(baseEnvironment())],
    ["generated, CE 5.0", baseEnvironment({ release: "5.0" })],
  ])("reach the containers through ECS secrets only (%s)", (mode, input) => {
    const containers = containersOf(workloadTaskDefinition(synthEnvironment(input)));
    const environmentNames = containers.flatMap((c) => c.environment.map((e: any) => e.name));
    const secretNames = containers.flatMap((c) => c.secrets.map((s: any) => s.name));
    // CE 6.x's core composes its connection strings at start; CE 5.0's reads them from the secret.
    const expected = mode.includes("5.0") ? [...SECRET_NAMES.filter((n) => n !== "MAINTENANCE_PASSWORD_ESCAPED"), ...COMPOSED] : SECRET_NAMES;
    for (const name of [...SECRET_NAMES, ...COMPOSED]) expect(environmentNames).not.toContain(name);
    for (const name of expected) expect(secretNames).toContain(name);
  });

  it("reference the existing secrets' keys", () => {
    const input = withExistingSecrets(baseEnvironment());
    const containers = containersOf(workloadTaskDefinition(synthEnvironment(input)));
    const core = containers.find((c) => c.name === "core");
    const secrets = input.secrets as { jwtSecretArn: string; maintenanceSecretArn: string };
    expect(core.secrets).toEqual([
      { name: "JWT_SECRET", valueFrom: secrets.jwtSecretArn },
      { name: "MAINTENANCE_PASSWORD_ESCAPED", valueFrom: `${secrets.maintenanceSecretArn}:MAINTENANCE_PASSWORD_ESCAPED::` },
    ]);
  });

  it("inject the custom CA certificate into the init container from its secret", () => {
    const ca = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:proxy-ca-AbCdEf";
    const containers = containersOf(workloadTaskDefinition(synthEnvironment(baseEnvironment({ caCertificateSecretArn: ca }))));
    const init = containers.find((c) => c.name === "init");
    expect(init.secrets).toEqual([{ name: "CUSTOM_CA_CERT", valueFrom: ca }]);
    // CE 6 reads only .crt files from core's CA directory.
    expect(init.environment).toContainEqual({ name: "CE_CUSTOM_CA_FILE", value: "custom-ca.crt" });
  });
});

describe("purging the values a state from before 0.2.0 keeps", () => {
  const version = (value: string | null) => ({ mode: "managed", type: "aws_secretsmanager_secret_version", name: "secrets_maintenance-version", instances: [{ attributes: { secret_string: value, has_secret_string_wo: value === null } }] });
  const random = { mode: "managed", type: "random_password", name: "secrets_maintenance-password-value", instances: [{ attributes: { result: "s3cret-value", bcrypt_hash: "h" } }] };
  const other = { mode: "managed", type: "aws_kms_key", name: "encryption-key_key", instances: [{ attributes: { arn: "a" } }] };

  it("drops every value and the random provider's resources, keeps everything else, and raises the serial", () => {
    const { state, versions, randomValues } = purgeGeneratedValues({ serial: 7, resources: [version('{"MAINTENANCE_PASSWORD":"s3cret-value"}'), random, other] });
    expect(JSON.stringify(state)).not.toContain("s3cret-value");
    expect(state.resources.map((r) => `${r.type}.${r.name}`)).toEqual(["aws_secretsmanager_secret_version.secrets_maintenance-version", "aws_kms_key.encryption-key_key"]);
    expect(state.resources[0].instances[0].attributes).toEqual({ secret_string: null, has_secret_string_wo: true });
    expect({ serial: state.serial, versions, randomValues }).toEqual({ serial: 8, versions: ["aws_secretsmanager_secret_version.secrets_maintenance-version"], randomValues: ["random_password.secrets_maintenance-password-value"] });
  });

  it("changes nothing in a state that holds no value", () => {
    const clean = { serial: 3, resources: [version(null), other] };
    expect(purgeGeneratedValues(clean)).toEqual({ state: clean, versions: [], randomValues: [] });
  });
});
