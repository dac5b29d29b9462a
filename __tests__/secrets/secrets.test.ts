/** Secrets: generated (no special characters, escaped form derived) or existing; only ever through ECS secrets. */
import { connectionStrings, releaseOf } from "../../modules/releases";
import { baseEnvironment, withExistingSecrets } from "../support/fixtures";
import { containersOf, onlyResource, ref, resourceNamed, resourcesOf, synthEnvironment } from "../support/synth";

describe("generated secrets", () => {
  const stack = synthEnvironment(baseEnvironment());

  it("generate the maintenance password without special characters", () => {
    expect(resourceNamed(stack, "random_password", "secrets_maintenance-password-value")).toMatchObject({
      length: 32,
      special: false,
      min_upper: 2,
      min_lower: 2,
      min_numeric: 2,
      lifecycle: { prevent_destroy: true },
    });
    for (const [name, value] of resourcesOf(stack, "random_password")) {
      expect({ name, special: value.special, protected: value.lifecycle }).toEqual({ name, special: false, protected: { prevent_destroy: true } });
    }
  });

  it("store three KMS-encrypted, recoverable, protected secrets", () => {
    const secrets = resourcesOf(stack, "aws_secretsmanager_secret");
    expect(secrets.map(([, s]) => s.name)).toEqual(["ce/test/cluster", "ce/test/jwt-secret", "ce/test/maintenance"]);
    for (const [, secret] of secrets) {
      expect(secret).toMatchObject({ kms_key_id: ref("aws_kms_key", "encryption-key_key", "arn"), recovery_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    }
  });

  it("derive the URL-escaped password and the connection strings in Terraform", () => {
    const password = ref("random_password", "secrets_maintenance-password-value", "result");
    const version = resourceNamed(stack, "aws_secretsmanager_secret_version", "secrets_maintenance-version");
    expect(version.secret_id).toBe(ref("aws_secretsmanager_secret", "secrets_maintenance", "id"));
    const inner = password.slice(2, -1);
    const tls = "tls=true&tlsCertificateKeyFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_key.pem&tlsCAFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_ca.crt&tlsAllowInvalidHostnames=true";
    expect(version.secret_string).toBe(
      `\${jsonencode({"MAINTENANCE_PASSWORD" = ${inner}, "MAINTENANCE_PASSWORD_ESCAPED" = urlencode(${inner}), ` +
        `"MONGO_CONNECTION_STRING" = "mongodb://cteadmin:\${urlencode(${inner})}@localhost:27017/cte?${tls}", ` +
        `"RABBITMQ_CONNECTION_STRING" = "amqps://user:\${urlencode(${inner})}@localhost"})}`,
    );
  });

  it("hold CE 5.0's plain connection strings for a 5.0 environment", () => {
    const legacy = synthEnvironment(baseEnvironment({ release: "5.0" }));
    const inner = ref("random_password", "secrets_maintenance-password-value", "result").slice(2, -1);
    const text = resourceNamed(legacy, "aws_secretsmanager_secret_version", "secrets_maintenance-version").secret_string;
    expect(text).toContain(`"MONGO_CONNECTION_STRING" = "mongodb://cteadmin:\${urlencode(${inner})}@localhost:27017/cte", `);
    expect(text).toContain(`"RABBITMQ_CONNECTION_STRING" = "amqp://user:\${urlencode(${inner})}@localhost"`);
  });

  it("use the random provider only in generate mode", () => {
    expect(stack.provider?.random).toBeDefined();
    const existing = synthEnvironment(withExistingSecrets(baseEnvironment()));
    expect(existing.provider?.random).toBeUndefined();
    expect(existing.resource?.random_password).toBeUndefined();
    expect(existing.resource?.aws_secretsmanager_secret).toBeUndefined();
  });
});

describe("connection strings", () => {
  const standalone = { mongoHosts: ["localhost:27017"], rabbitmqHosts: ["localhost"] };
  const ha = { mongoHosts: ["a:27017", "b:27017"], replicaSet: "mongo_replica_set", rabbitmqHosts: ["a", "b"] };
  const tls = "tls=true&tlsCertificateKeyFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_key.pem&tlsCAFile=/opt/certs/mongodb_rabbitmq_certs/tls_cert_ca.crt&tlsAllowInvalidHostnames=true";

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
  const SECRET_NAMES = ["JWT_SECRET", "MONGO_CONNECTION_STRING", "RABBITMQ_CONNECTION_STRING", "MONGO_INITDB_ROOT_PASSWORD", "MONGODB_PASSWORD", "RABBITMQ_DEFAULT_PASS", "RABBITMQ_COOKIE"];

  it.each([
    ["generated", baseEnvironment()],
    ["existing", withExistingSecrets(baseEnvironment())],
  ])("reach the containers through ECS secrets only (%s)", (_mode, input) => {
    const containers = containersOf(onlyResource(synthEnvironment(input), "aws_ecs_task_definition"));
    const environmentNames = containers.flatMap((c) => c.environment.map((e: any) => e.name));
    const secretNames = containers.flatMap((c) => c.secrets.map((s: any) => s.name));
    for (const name of SECRET_NAMES) {
      expect(environmentNames).not.toContain(name);
      expect(secretNames).toContain(name);
    }
  });

  it("reference the existing secrets' keys", () => {
    const input = withExistingSecrets(baseEnvironment());
    const containers = containersOf(onlyResource(synthEnvironment(input), "aws_ecs_task_definition"));
    const core = containers.find((c) => c.name === "core");
    const secrets = input.secrets as { jwtSecretArn: string; maintenanceSecretArn: string };
    expect(core.secrets).toEqual([
      { name: "JWT_SECRET", valueFrom: secrets.jwtSecretArn },
      { name: "MONGO_CONNECTION_STRING", valueFrom: `${secrets.maintenanceSecretArn}:MONGO_CONNECTION_STRING::` },
      { name: "RABBITMQ_CONNECTION_STRING", valueFrom: `${secrets.maintenanceSecretArn}:RABBITMQ_CONNECTION_STRING::` },
    ]);
  });

  it("inject the custom CA certificate into the init container from its secret", () => {
    const ca = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:proxy-ca-AbCdEf";
    const containers = containersOf(onlyResource(synthEnvironment(baseEnvironment({ caCertificateSecretArn: ca })), "aws_ecs_task_definition"));
    const init = containers.find((c) => c.name === "init");
    expect(init.secrets).toEqual([{ name: "CUSTOM_CA_CERT", valueFrom: ca }]);
    // CE 6 reads only .crt files from core's CA directory.
    expect(init.environment).toContainEqual({ name: "CE_CUSTOM_CA_FILE", value: "custom-ca.crt" });
  });
});
