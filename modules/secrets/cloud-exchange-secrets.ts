/**
 * The secrets Cloud Exchange needs, in Secrets Manager:
 * - the JWT signing secret (a plain string);
 * - the maintenance secret (JSON): MAINTENANCE_PASSWORD, its URL-escaped
 *   form, and the MongoDB and RabbitMQ connection strings that embed it (as
 *   at creation; CE 5.0's core reads them, CE 6.x's core composes its own at
 *   start from the escaped password and the current topology);
 * - the cluster secret (JSON): the RabbitMQ Erlang cookie, the MongoDB
 *   replica-set keyfile and MONGO_ROOT_PASSWORD (only the database containers
 *   receive these, never core or the UI). MongoDB's root user uses the
 *   maintenance password, as CE's own setup keeps it (CE 6.1's core logs in
 *   as root with it); MONGO_ROOT_PASSWORD is root's former password, which
 *   environments created before 0.2.0 moved root to, kept so the mongodb
 *   container can move root back (new environments write the maintenance
 *   password there).
 * Generated without Terraform ever holding a value: each value comes from an
 * ephemeral password (generated-password.ts) and is written once through the
 * write-only `secret_string_wo`, so neither the state nor a saved plan
 * contains it. Or taken from existing secrets. Containers receive them only
 * through ECS `secrets`.
 */
import { SecretsmanagerSecret, SecretsmanagerSecretReplica } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";
import { terraformNameOf } from "../stacks/readable-stack";
import { CloudExchangeRelease, connectionStrings } from "../releases";
import { ForgottenResources } from "./forgotten-resources";
import { GeneratedPassword } from "./generated-password";

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
      /** Generate every value (ephemeral passwords written once through write-only arguments). */
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
      /** Leave the secrets and their values without prevent_destroy. Default false. */
      readonly allowDestroy?: boolean;
      /**
       * Regions each secret is replicated to, under a key there (a standby's): Secrets Manager keeps a
       * read-only replica the standby's tasks read, which outlives this region. Default: none.
       */
      readonly replicas?: readonly SecretsmanagerSecretReplica[];
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
  /** Whether the stack generated the secrets. */
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
      this.forgetRandomProviderValues();
      const allowDestroy = props.allowDestroy ?? false;
      const generated = (key: string, length: number) => new GeneratedPassword(this, key, { length }).value;
      const password = generated("maintenance-password", 32);
      const escaped = Fn.urlencode(password);
      const strings = connectionStrings(props.release, props.topology, escaped);
      const secret = (key: string, description: string, value: string) => {
        const resource = new SecretsmanagerSecret(this, key, {
          name: `${props.namePrefix}/${key}`,
          description,
          kmsKeyId: props.kmsKeyArn,
          recoveryWindowInDays: props.recoveryWindowDays,
          ...(props.replicas && props.replicas.length > 0 ? { replica: [...props.replicas] } : {}),
        });
        protectFromDestroy(resource, allowDestroy);
        const version = new SecretsmanagerSecretVersion(this, `${key}-version`, {
          secretId: resource.id,
          secretStringWo: value,
          secretStringWoVersion: 1,
          // Written once. A version made before 0.2.0 keeps its value (a new one would lock CE
          // out of its databases); replacing a version on purpose is `terraform apply -replace`.
          lifecycle: { ignoreChanges: ["secret_string", "secret_string_wo_version"] },
        });
        protectFromDestroy(version, allowDestroy);
        return resource.arn;
      };
      this.jwtSecretArn = secret("jwt-secret", "Cloud Exchange JWT signing secret", generated("jwt-secret-value", 64));
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
        "Cloud Exchange RabbitMQ Erlang cookie, MongoDB replica-set keyfile and MongoDB root's former password",
        Fn.jsonencode({
          RABBITMQ_COOKIE: generated("rabbitmq-cookie-value", 32),
          MONGO_REPLICA_KEY: generated("mongo-replica-key-value", 96),
          MONGO_ROOT_PASSWORD: password,
        }),
      );
      this.kmsKeyArns = [props.kmsKeyArn];
    }
    this.secretArns = [this.jwtSecretArn, this.maintenanceSecretArn, this.clusterSecretArn];
  }

  /**
   * Before 0.2.0 the values came from the random provider and stayed in the
   * state: Terraform forgets those resources (the secrets keep their values).
   */
  private forgetRandomProviderValues(): void {
    const names = ["jwt-secret-value", "maintenance-password-value", "rabbitmq-cookie-value", "mongo-replica-key-value", "mongo-root-password-value"];
    new ForgottenResources(this, "random-provider-values", { addresses: names.map((name) => `random_password.${terraformNameOf(this)}_${name}`) });
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
