/**
 * Remote state of an environment stack: S3 with encryption and S3-native
 * locking, one key per environment.
 */
import { S3Backend } from "cdktf";
import { Construct } from "constructs";

/** Props of {@link RemoteState}. */
export interface RemoteStateProps {
  /** Environment name; the state key is `cloud-exchange/<name>/terraform.tfstate`. */
  readonly environmentName: string;
  /** State bucket name. */
  readonly bucket: string;
  /** Region of the state bucket. */
  readonly region: string;
  /** KMS key for the state object. Default: the bucket's default encryption. */
  readonly kmsKeyArn?: string;
  /** State key. Default: `cloud-exchange/<environmentName>/terraform.tfstate`. */
  readonly key?: string;
}

/** The state key of an environment. */
export function stateKeyOf(environmentName: string): string {
  return `cloud-exchange/${environmentName}/terraform.tfstate`;
}

/**
 * Configures the stack's S3 backend. cdktf 0.21's typed S3 backend config has
 * no `use_lockfile`, so S3-native locking is set with an override; no DynamoDB
 * table is needed.
 */
export class RemoteState extends Construct {
  /** The backend, for callers that need further overrides. */
  readonly backend: S3Backend;
  /** The state object key. */
  readonly key: string;

  constructor(scope: Construct, id: string, props: RemoteStateProps) {
    super(scope, id);
    this.key = props.key ?? stateKeyOf(props.environmentName);
    this.backend = new S3Backend(scope, {
      bucket: props.bucket,
      key: this.key,
      region: props.region,
      encrypt: true,
      ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
    });
    this.backend.addOverride("use_lockfile", true);
  }
}
