/**
 * The backup secret (JSON): MONGO_BACKUP_PASSWORD, the password of
 * MongoDB's least-privilege backup user (MongoDB's built-in `backup` role)
 * that the logical dump logs in as. The mongodb container receives it to
 * create or update that user (as root, with the maintenance password); the
 * backup task receives it to log in. Generated like the other secrets: an
 * ephemeral password written once through the write-only `secret_string_wo`,
 * so neither the state nor a saved plan contains it. Or an existing secret.
 */
import { SecretsmanagerSecret, SecretsmanagerSecretReplica } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";
import { secretValueFrom } from "./cloud-exchange-secrets";
import { GeneratedPassword } from "./generated-password";

/** The key of the backup secret. */
export const BACKUP_PASSWORD_KEY = "MONGO_BACKUP_PASSWORD";

/** Props of {@link BackupSecret}. */
export type BackupSecretProps =
  | {
      /** Generate the password (an ephemeral password written once through a write-only argument). */
      readonly mode: "generate";
      /** Name of the secret, `ce/<env>/backup`. */
      readonly name: string;
      /** KMS key of the secret. */
      readonly kmsKeyArn: string;
      /** Days a deleted secret can be restored. */
      readonly recoveryWindowDays: number;
      /** Regions the secret is replicated to, each under a key there (a standby's). Default: none. */
      readonly replicas?: readonly SecretsmanagerSecretReplica[];
      /** Leave the secret and its value without prevent_destroy. Default false. */
      readonly allowDestroy?: boolean;
    }
  | {
      /** Use a secret that already exists. */
      readonly mode: "existing";
      /** JSON secret holding {@link BACKUP_PASSWORD_KEY}. */
      readonly secretArn: string;
    };

/** The backup user's password, in Secrets Manager. */
export class BackupSecret extends Construct {
  /** ARN of the secret. */
  readonly secretArn: string;

  constructor(scope: Construct, id: string, props: BackupSecretProps) {
    super(scope, id);
    if (props.mode === "existing") {
      this.secretArn = props.secretArn;
      return;
    }
    const allowDestroy = props.allowDestroy ?? false;
    const secret = new SecretsmanagerSecret(this, "secret", {
      name: props.name,
      description: "Cloud Exchange: password of MongoDB's backup user, which the logical backup logs in as",
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: props.recoveryWindowDays,
      ...(props.replicas && props.replicas.length > 0 ? { replica: [...props.replicas] } : {}),
    });
    protectFromDestroy(secret, allowDestroy);
    const password = new GeneratedPassword(this, "password", { length: 32 }).value;
    const version = new SecretsmanagerSecretVersion(this, "version", {
      secretId: secret.id,
      secretStringWo: Fn.jsonencode({ [BACKUP_PASSWORD_KEY]: password }),
      secretStringWoVersion: 1,
      // Written once, like the other generated secrets (cloud-exchange-secrets.ts).
      lifecycle: { ignoreChanges: ["secret_string", "secret_string_wo_version"] },
    });
    protectFromDestroy(version, allowDestroy);
    this.secretArn = secret.arn;
  }

  /** `valueFrom` of the password. */
  get password(): string {
    return secretValueFrom({ secretArn: this.secretArn, jsonKey: BACKUP_PASSWORD_KEY });
  }
}
