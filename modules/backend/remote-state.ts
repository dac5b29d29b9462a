/**
 * Remote state of an environment stack: S3 with SSE-KMS under a named key and
 * S3-native locking, one key prefix per environment.
 */
import { S3Backend } from "cdktf";
import { Construct } from "constructs";
import { partitionOf } from "../config/patterns";

/** Props of {@link RemoteState}. */
export interface RemoteStateProps {
  /** Environment name; the state key is `cloud-exchange/<name>/terraform.tfstate`. */
  readonly environmentName: string;
  /** State bucket name. */
  readonly bucket: string;
  /** Region of the state bucket. */
  readonly region: string;
  /**
   * KMS key (key ARN or alias ARN) every state and lock object is written with. Required: without it
   * Terraform sends `AES256` and the object is SSE-S3 whatever the bucket's default says.
   */
  readonly kmsKeyArn: string;
  /** State key. Default: `cloud-exchange/<environmentName>/terraform.tfstate`. */
  readonly key?: string;
}

/** The state key of an environment. */
export function stateKeyOf(environmentName: string): string {
  return `cloud-exchange/${environmentName}/terraform.tfstate`;
}

/** The state key of an environment's Defender member-role stack in one member account. */
export function memberStateKeyOf(environmentName: string, accountId: string): string {
  return `cloud-exchange/${environmentName}/defender-member-${accountId}/terraform.tfstate`;
}

/** The object Terraform's S3 backend locks a state with (use_lockfile). */
export function lockFileOf(stateKey: string): string {
  return `${stateKey}.tflock`;
}

/**
 * The prefix Terraform's S3 backend lists (ListObjectsV2) to find workspaces: its default
 * workspace_key_prefix `env:` and a slash. It is the only listing a state writer needs.
 */
export const WORKSPACE_LIST_PREFIX = "env:/";

/** Alias of the KMS key the bootstrap stack creates for a state bucket. */
export function stateKeyAliasName(bucket: string): string {
  return `alias/ce-tfstate-${bucket}`.slice(0, 256);
}

/** The KMS key an environment's state is encrypted with: its own, or the alias ARN of the bootstrap stack's key. */
export function stateKmsKeyOf(env: {
  readonly accountId: string;
  readonly state: { readonly bucket: string; readonly region: string; readonly kmsKeyArn?: string };
}): string {
  if (env.state.kmsKeyArn) return env.state.kmsKeyArn;
  return `arn:${partitionOf(env.state.region)}:kms:${env.state.region}:${env.accountId}:${stateKeyAliasName(env.state.bucket)}`;
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
      kmsKeyId: props.kmsKeyArn,
    });
    this.backend.addOverride("use_lockfile", true);
  }
}
