/**
 * On-demand list prices (USD) used by `npm run cost`, per region.
 *
 * Source: the AWS public pricing pages, on-demand, Linux/x86:
 *   https://aws.amazon.com/fargate/pricing/
 *   https://aws.amazon.com/vpc/pricing/                (NAT gateway, public IPv4)
 *   https://aws.amazon.com/privatelink/pricing/        (interface endpoints)
 *   https://aws.amazon.com/elasticloadbalancing/pricing/
 *   https://aws.amazon.com/efs/pricing/
 *   https://aws.amazon.com/cloudwatch/pricing/          (Logs)
 *   https://aws.amazon.com/secrets-manager/pricing/
 *   https://aws.amazon.com/kms/pricing/
 *   https://aws.amazon.com/backup/pricing/
 * Recorded: 2026-11-23. Prices change; the estimate is for comparing sizes and
 * variants, not for a budget. Check the AWS Pricing Calculator before buying.
 */

/** The date the table was recorded. */
export const PRICES_RECORDED = "2026-11-23";

/** Prices of one region. */
export interface RegionPrices {
  /** Fargate, per vCPU-hour and per GB-hour. */
  readonly fargateVcpuHour: number;
  readonly fargateGbHour: number;
  /** NAT gateway, per hour and per GB processed. */
  readonly natGatewayHour: number;
  readonly natGatewayGb: number;
  /** Public IPv4 address (each NAT gateway's Elastic IP), per hour. */
  readonly publicIpv4Hour: number;
  /** Interface VPC endpoint, per endpoint and zone, per hour (data processing not included). */
  readonly interfaceEndpointHour: number;
  /** Application Load Balancer, per hour and per LCU-hour. */
  readonly albHour: number;
  readonly albLcuHour: number;
  /** EFS Standard storage, per GB-month. */
  readonly efsStandardGbMonth: number;
  /** AWS Backup warm storage of EFS backups, per GB-month. */
  readonly backupEfsGbMonth: number;
  /** CloudWatch Logs ingestion per GB and storage per GB-month. */
  readonly logsIngestGb: number;
  readonly logsStoreGbMonth: number;
  /** Secrets Manager, per secret-month. */
  readonly secretMonth: number;
  /** KMS customer managed key, per key-month. */
  readonly kmsKeyMonth: number;
}

/** North Virginia, the reference region. */
const US_EAST_1: RegionPrices = {
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  natGatewayHour: 0.045,
  natGatewayGb: 0.045,
  publicIpv4Hour: 0.005,
  interfaceEndpointHour: 0.01,
  albHour: 0.0225,
  albLcuHour: 0.008,
  efsStandardGbMonth: 0.3,
  backupEfsGbMonth: 0.05,
  logsIngestGb: 0.5,
  logsStoreGbMonth: 0.03,
  secretMonth: 0.4,
  kmsKeyMonth: 1,
};

/** The regions with recorded prices. */
export const PRICES: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": US_EAST_1,
  // Oregon lists the same prices as North Virginia for every item here.
  "us-west-2": US_EAST_1,
  "eu-west-1": {
    fargateVcpuHour: 0.04048,
    fargateGbHour: 0.004445,
    natGatewayHour: 0.048,
    natGatewayGb: 0.048,
    publicIpv4Hour: 0.005,
    interfaceEndpointHour: 0.011,
    albHour: 0.0252,
    albLcuHour: 0.008,
    efsStandardGbMonth: 0.33,
    backupEfsGbMonth: 0.055,
    logsIngestGb: 0.57,
    logsStoreGbMonth: 0.03,
    secretMonth: 0.4,
    kmsKeyMonth: 1,
  },
  "eu-central-1": {
    fargateVcpuHour: 0.04656,
    fargateGbHour: 0.00511,
    natGatewayHour: 0.052,
    natGatewayGb: 0.052,
    publicIpv4Hour: 0.005,
    interfaceEndpointHour: 0.012,
    albHour: 0.027,
    albLcuHour: 0.0088,
    efsStandardGbMonth: 0.36,
    backupEfsGbMonth: 0.06,
    logsIngestGb: 0.63,
    logsStoreGbMonth: 0.0324,
    secretMonth: 0.4,
    kmsKeyMonth: 1,
  },
};
