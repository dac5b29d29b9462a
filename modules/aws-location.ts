/** Where a construct's resources live: what its ARNs and policy conditions are built from. */
export interface AwsLocation {
  /** The 12-digit AWS account ID (the environment's `accountId`). */
  readonly accountId: string;
  /** AWS region, e.g. `us-east-1` (the environment's `region`). */
  readonly region: string;
  /** AWS partition of the region: `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
}
