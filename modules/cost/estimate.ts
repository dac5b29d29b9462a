/**
 * A monthly cost estimate of an environment: itemized, from the price table
 * in prices.ts and stated usage assumptions. Pure functions.
 */
import { TASK_ENDPOINT_SERVICES } from "../network/aws-service-endpoints";
import { DEFENDER_UPDATER_TASK, derive, Environment } from "../config";
import { PRICES, PRICES_RECORDED, RegionPrices } from "./prices";

/** Usage the estimate assumes (what cannot be read from the environment). */
export interface UsageAssumptions {
  /** Hours in a month. */
  readonly hoursPerMonth: number;
  /** Data on EFS, GB (all nodes together). */
  readonly efsDataGb: number;
  /** Container log volume per node and month, GB. */
  readonly logsGbPerNode: number;
  /** Data through the NAT gateways per month, GB. */
  readonly natDataGb: number;
  /** Average load balancer capacity units. */
  readonly albLcu: number;
  /** Minutes per run of the Fargate Defender updater. */
  readonly defenderRunMinutes: number;
}

export const DEFAULT_ASSUMPTIONS: UsageAssumptions = {
  hoursPerMonth: 730,
  efsDataGb: 50,
  logsGbPerNode: 5,
  natDataGb: 100,
  albLcu: 1,
  defenderRunMinutes: 10,
};

/** One line of the estimate. */
export interface CostItem {
  readonly item: string;
  readonly quantity: string;
  readonly monthlyUsd: number;
}

/** The estimate of one environment. */
export interface CostEstimate {
  readonly environment: string;
  readonly region: string;
  readonly variant: string;
  readonly items: readonly CostItem[];
  readonly totalUsd: number;
}

/** A region without recorded prices. */
export class UnknownRegionError extends Error {
  constructor(readonly region: string, readonly environment: string) {
    super(
      `No prices for region ${region} (environment ${environment}). Known regions: ${Object.keys(PRICES).join(", ")}. ` +
        `Add the region to modules/cost/prices.ts from the AWS pricing pages listed there.`,
    );
    this.name = "UnknownRegionError";
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Runs per month of a schedule expression (rate or cron), for the defender updater. */
export function runsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const every = Number(rate[1]);
    const perDay = rate[2].startsWith("minute") ? 1440 / every : rate[2].startsWith("hour") ? 24 / every : 1 / every;
    return perDay * 30.4;
  }
  return 30.4;
}

/** Estimates an environment's monthly cost. */
export function estimate(env: Environment, assumptions: UsageAssumptions = DEFAULT_ASSUMPTIONS): CostEstimate {
  const prices: RegionPrices | undefined = PRICES[env.region];
  if (!prices) throw new UnknownRegionError(env.region, env.name);
  const d = derive(env);
  const hours = assumptions.hoursPerMonth;
  // A standby held until its promotion runs no task (and logs next to nothing).
  const nodes = env.standby && !env.standby.promoted ? 0 : d.nodeCount;
  const vcpu = d.task.cpu / 1024;
  const gb = d.task.memory / 1024;
  const items: CostItem[] = [];
  const add = (item: string, quantity: string, usd: number) => items.push({ item, quantity, monthlyUsd: round(usd) });

  add("Fargate vCPU", `${nodes} × ${vcpu} vCPU × ${hours} h`, nodes * vcpu * hours * prices.fargateVcpuHour);
  add("Fargate memory", `${nodes} × ${gb} GB × ${hours} h`, nodes * gb * hours * prices.fargateGbHour);
  if (env.network.mode === "new") {
    const zones = env.availabilityZones.length;
    add("NAT gateways", `${zones} × ${hours} h`, zones * hours * prices.natGatewayHour);
    add("NAT data processing", `${assumptions.natDataGb} GB`, assumptions.natDataGb * prices.natGatewayGb);
    add("NAT public IPv4 addresses", `${zones} × ${hours} h`, zones * hours * prices.publicIpv4Hour);
    if (env.proxy?.awsServiceAccess === "vpc-endpoints") {
      const endpoints = TASK_ENDPOINT_SERVICES.length + (env.workload.enableExecuteCommand ? 1 : 0);
      add("VPC interface endpoints", `${endpoints} × ${zones} zones × ${hours} h`, endpoints * zones * hours * prices.interfaceEndpointHour);
    }
  }
  if (env.ingress.mode === "alb") {
    add("Application Load Balancer", `${hours} h + ${assumptions.albLcu} LCU`, hours * (prices.albHour + assumptions.albLcu * prices.albLcuHour));
  }
  add("EFS storage (Standard)", `${assumptions.efsDataGb} GB`, assumptions.efsDataGb * prices.efsStandardGbMonth);
  add("EFS backups (AWS Backup)", `${assumptions.efsDataGb} GB`, assumptions.efsDataGb * prices.backupEfsGbMonth);
  const logsGb = nodes * assumptions.logsGbPerNode;
  add("CloudWatch Logs", `${logsGb} GB ingested and kept`, logsGb * (prices.logsIngestGb + prices.logsStoreGbMonth));
  // JWT, maintenance, cluster and the backup user's password.
  const secrets = env.secrets.mode === "generate" ? 4 : 0;
  if (secrets > 0) add("Secrets Manager", `${secrets} secrets`, secrets * prices.secretMonth);
  add("KMS key", "1 key", prices.kmsKeyMonth);
  if (env.defender.enabled && env.defender.run.mode === "scheduled") {
    const runs = runsPerMonth(env.defender.run.scheduleExpression);
    const runHours = (runs * assumptions.defenderRunMinutes) / 60;
    const updaterVcpu = DEFENDER_UPDATER_TASK.cpu / 1024;
    const updaterGb = DEFENDER_UPDATER_TASK.memory / 1024;
    add(
      "Fargate Defender updater runs",
      `${Math.round(runs)} runs × ${assumptions.defenderRunMinutes} min, ${updaterVcpu} vCPU / ${updaterGb} GB`,
      runHours * (updaterVcpu * prices.fargateVcpuHour + updaterGb * prices.fargateGbHour),
    );
  }
  return {
    environment: env.name,
    region: env.region,
    variant: env.variant,
    items,
    totalUsd: round(items.reduce((sum, i) => sum + i.monthlyUsd, 0)),
  };
}

/** Renders estimates as markdown tables, one per environment, and a summary. */
export function renderEstimates(estimates: readonly CostEstimate[], assumptions: UsageAssumptions = DEFAULT_ASSUMPTIONS): string {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const lines: string[] = [
    `Monthly cost estimate, on-demand list prices recorded ${PRICES_RECORDED} (modules/cost/prices.ts).`,
    `Assumed usage: ${assumptions.efsDataGb} GB on EFS, ${assumptions.logsGbPerNode} GB of logs per node, ` +
      `${assumptions.natDataGb} GB through NAT, ${assumptions.albLcu} ALB LCU, ${assumptions.hoursPerMonth} h per month. ` +
      "Not included: data transfer out, Container Insights metrics, ECS Exec sessions, taxes.",
    "",
  ];
  for (const e of estimates) {
    lines.push(`ce-${e.environment} (${e.variant}, ${e.region})`, "", "| item | quantity | USD/month |", "| --- | --- | ---: |");
    for (const i of e.items) lines.push(`| ${i.item} | ${i.quantity} | ${usd(i.monthlyUsd)} |`);
    lines.push(`| **total** | | **${usd(e.totalUsd)}** |`, "");
  }
  lines.push("| environment | variant | USD/month |", "| --- | --- | ---: |");
  for (const e of estimates) lines.push(`| ce-${e.environment} | ${e.variant} | ${usd(e.totalUsd)} |`);
  return `${lines.join("\n")}\n`;
}
