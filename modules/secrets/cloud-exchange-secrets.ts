/**
 * The secrets Cloud Exchange needs, in Secrets Manager:
 * - the JWT signing secret (a plain string);
 * - the maintenance secret (JSON): MAINTENANCE_PASSWORD, its URL-escaped
 *   form, and the MongoDB and RabbitMQ connection strings that embed it;
 * - the cluster secret (JSON): the RabbitMQ Erlang cookie, the MongoDB
 *   replica-set keyfile and MongoDB's root password (CE 6.x; only the
 *   database containers receive these, never core or the UI).
 * Generated with the random provider (the password without special
 * characters, as CE requires; derived values computed in Terraform), or taken
 * from existing secrets. Containers receive them only through ECS `secrets`.
 */
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Password } from "@cdktf/provider-random/lib/password";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";
import { CloudExchangeRelease, connectionStrings } from "../releases";

/** Keys of the maintenance secret (the names CE's own `.env.keys` file uses). */
export const MAINTENANCE_KEYS = [
  "MAINTENANCE_PASSWORD",
  "MAINTENANCE_PASSWORD_ESCAPED",
  "MONGO_CONNECTION_STRING",
  "RABBITMQ_CONNECTION_STRING",
] as const;
/** Keys of the cluster secret: what only the database containers receive. */
export const CLUSTER_KEYS = ["RABBITMQ_COOKIE", "MONGO_REPLICA_KEY", "MONGO_ROOT_PASSWORD"] as const;

/** Where the databases are, to compose the connection strings. */
export interface ConnectionTopology {
  /** MongoDB `host:port` list: `localhost:27017` standalone, every node in HA. */
  readonly mongoHosts: readonly string[];
  /** Replica set name (HA), appended as `?replicaSet=`. */
  readonly replicaSet?: string;
  /** RabbitMQ hosts: `localhost` standalone, every node in HA (joined with `;`, as CE does). */
  readonly rabbitmqHosts: readonly string[];
}

/** Props of {@link CloudExchangeSecrets}. */
export type CloudExchangeSecretsProps =
  | {
      /** Generate every value with the random provider. */
      readonly mode: "generate";
      /** Prefix of secret names: `<prefix>/jwt-secret`, ... */
      readonly namePrefix: string;
      /** KMS key of the secrets. */
      readonly kmsKeyArn: string;
      /** Days a deleted secret can be restored. */
      readonly recoveryWindowDays: number;
      /** The release whose connection-string formats the secrets hold. */
      readonly release: CloudExchangeRelease;
      /** Where the databases are. */
      readonly topology: ConnectionTopology;
      /** Leave secrets and generated values without prevent_destroy. Default false. */
      readonly allowDestroy?: boolean;
    }
  | {
      /** Use secrets that already exist. */
      readonly mode: "existing";
      /** Secret holding the JWT signing secret as a plain string. */
      readonly jwtSecretArn: string;
      /** Secret holding the JSON keys of {@link MAINTENANCE_KEYS}. */
      readonly maintenanceSecretArn: string;
      /** Secret holding the JSON keys of {@link CLUSTER_KEYS}. */
      readonly clusterSecretArn: string;
      /** Customer managed key of the existing secrets, if any. */
      readonly kmsKeyArn?: string;
    };

/** The `valueFrom` ECS takes for a secret, or for one key of a JSON secret. */
export function secretValueFrom(secret: { readonly secretArn: string; readonly jsonKey?: string }): string {
  return secret.jsonKey ? `${secret.secretArn}:${secret.jsonKey}::` : secret.secretArn;
}

/** The three secrets. */
export class CloudExchangeSecrets extends Construct {
  /** ARN of the JWT secret. */
  readonly jwtSecretArn: string;
  /** ARN of the maintenance secret. */
  readonly maintenanceSecretArn: string;
  /** ARN of the cluster secret. */
  readonly clusterSecretArn: string;
  /** Every secret ARN, for the execution role's policy. */
  readonly secretArns: readonly string[];
  /** KMS keys that decrypt the secrets (none for AWS managed keys). */
  readonly kmsKeyArns: readonly string[];
  /** Whether the stack generated the secrets (and needs the random provider). */
  readonly generated: boolean;

  constructor(scope: Construct, id: string, props: CloudExchangeSecretsProps) {
    super(scope, id);
    if (props.mode === "existing") {
      this.jwtSecretArn = props.jwtSecretArn;
      this.maintenanceSecretArn = props.maintenanceSecretArn;
      this.clusterSecretArn = props.clusterSecretArn;
      this.kmsKeyArns = props.kmsKeyArn ? [props.kmsKeyArn] : [];
      this.generated = false;
    } else {
      this.generated = true;
      new RandomProvider(this, "random");
      const allowDestroy = props.allowDestroy ?? false;
      const random = (key: string, length: number, extra: Partial<ConstructorParameters<typeof Password>[2]> = {}) => {
        const value = new Password(this, key, { length, special: false, ...extra });
        // A regenerated maintenance password would lock CE out of its own databases.
        protectFromDestroy(value, allowDestroy);
        return value.result;
      };
      const jwt = random("jwt-secret-value", 64);
      const password = random("maintenance-password-value", 32, { minLower: 2, minUpper: 2, minNumeric: 2 });
      const cookie = random("rabbitmq-cookie-value", 32);
      const replicaKey = random("mongo-replica-key-value", 96);
      const rootPassword = random("mongo-root-password-value", 32, { minLower: 2, minUpper: 2, minNumeric: 2 });

      const secret = (key: string, description: string, value: string) => {
        const resource = new SecretsmanagerSecret(this, key, {
          name: `${props.namePrefix}/${key}`,
          description,
          kmsKeyId: props.kmsKeyArn,
          recoveryWindowInDays: props.recoveryWindowDays,
        });
        protectFromDestroy(resource, allowDestroy);
        new SecretsmanagerSecretVersion(this, `${key}-version`, { secretId: resource.id, secretString: value });
        return resource.arn;
      };
      const escaped = Fn.urlencode(password);
      const strings = connectionStrings(props.release, props.topology, escaped);
      this.jwtSecretArn = secret("jwt-secret", "Cloud Exchange JWT signing secret", jwt);
      this.maintenanceSecretArn = secret(
        "maintenance",
        "Cloud Exchange maintenance password, its URL-escaped form and the connection strings that embed it",
        Fn.jsonencode({
          MAINTENANCE_PASSWORD: password,
          MAINTENANCE_PASSWORD_ESCAPED: escaped,
          MONGO_CONNECTION_STRING: strings.mongo,
          RABBITMQ_CONNECTION_STRING: strings.rabbitmq,
        }),
      );
      this.clusterSecretArn = secret(
        "cluster",
        "Cloud Exchange RabbitMQ Erlang cookie, MongoDB replica-set keyfile and MongoDB root password",
        Fn.jsonencode({ RABBITMQ_COOKIE: cookie, MONGO_REPLICA_KEY: replicaKey, MONGO_ROOT_PASSWORD: rootPassword }),
      );
      this.kmsKeyArns = [props.kmsKeyArn];
    }
    this.secretArns = [this.jwtSecretArn, this.maintenanceSecretArn, this.clusterSecretArn];
  }

  /** `valueFrom` of one key of the maintenance secret. */
  maintenance(key: (typeof MAINTENANCE_KEYS)[number]): string {
    return secretValueFrom({ secretArn: this.maintenanceSecretArn, jsonKey: key });
  }

  /** `valueFrom` of one key of the cluster secret. */
  cluster(key: (typeof CLUSTER_KEYS)[number]): string {
    return secretValueFrom({ secretArn: this.clusterSecretArn, jsonKey: key });
  }
}
