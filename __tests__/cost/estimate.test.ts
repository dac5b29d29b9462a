/** The cost estimate: arithmetic checked by hand against the price table, and clear errors. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnvironment } from "../../modules/config";
import { estimate, runsPerMonth, UnknownRegionError } from "../../modules/cost/estimate";
import { PRICES } from "../../modules/cost/prices";
import { ACCOUNT, baseEnvironment, haEnvironment, secretArn } from "../support/fixtures";

const ROOT = join(__dirname, "..", "..");

describe("cost estimate", () => {
  it("matches a hand-worked example (CE 6.1 Medium standalone in us-east-1, new VPC, HTTPS load balancer)", () => {
    const dev = parseEnvironment(
      baseEnvironment({
        name: "dev",
        region: "us-east-1",
        availabilityZones: ["us-east-1a", "us-east-1b"],
        size: { preset: "medium" },
        ingress: { mode: "alb", certificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555` },
        state: { bucket: "test-ce-tfstate", region: "us-east-1" },
      }),
    );
    // Worked by hand from the us-east-1 row of the price table:
    //   8 vCPU × 730 h × $0.04048 = $236.4032;   16 GB × 730 h × $0.004445 = $51.9176
    //   2 NAT × 730 h × $0.045 = $65.70;  100 GB × $0.045 = $4.50;  2 IPv4 × 730 h × $0.005 = $7.30
    //   ALB 730 h × ($0.0225 + 1 LCU × $0.008) = $22.265;  EFS 50 GB × $0.30 = $15.00;  backups 50 × $0.05 = $2.50
    //   logs 5 GB × ($0.50 + $0.03) = $2.65;  4 secrets × $0.40 = $1.60;  1 KMS key = $1.00
    expect(estimate(dev).items.map((i) => [i.item, i.monthlyUsd])).toEqual([
      ["Fargate vCPU", 236.4],
      ["Fargate memory", 51.92],
      ["NAT gateways", 65.7],
      ["NAT data processing", 4.5],
      ["NAT public IPv4 addresses", 7.3],
      ["Application Load Balancer", 22.27],
      ["EFS storage (Standard)", 15],
      ["EFS backups (AWS Backup)", 2.5],
      ["CloudWatch Logs", 2.65],
      ["Secrets Manager", 1.6],
      ["KMS key", 1],
    ]);
    expect(estimate(dev).totalUsd).toBe(410.84);
  });

  it("charges three nodes for HA and uses the region's prices", () => {
    const standalone = estimate(parseEnvironment(baseEnvironment({ size: { preset: "large" }, availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] })));
    const ha = estimate(parseEnvironment(haEnvironment()));
    const vcpu = (e: typeof ha) => e.items.find((i) => i.item === "Fargate vCPU")!.monthlyUsd;
    expect(vcpu(ha)).toBeCloseTo(3 * vcpu(standalone), 1);
    expect(vcpu(standalone)).toBeCloseTo(16 * 730 * PRICES["eu-west-1"].fargateVcpuHour, 1);
  });

  it("leaves out what the environment does not create", () => {
    const items = estimate(parseEnvironment(baseEnvironment({ ingress: { mode: "none" }, network: { mode: "existing", vpcId: "vpc-0a1b2c3d4e5f60718", vpcCidr: "10.40.0.0/16", privateSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"] } }))).items.map((i) => i.item);
    expect(items).not.toContain("Application Load Balancer");
    expect(items).not.toContain("NAT gateways");
  });

  it("charges the interface endpoints a proxy-only environment needs, per zone", () => {
    const env = parseEnvironment(
      baseEnvironment({ images: { pullThroughCache: { credentialsSecretArn: secretArn("ecr-pullthroughcache/hub") } }, proxy: { httpsUrl: "http://p.corp:3128" } }),
    );
    // eu-west-1: 4 endpoints (ECR API, ECR Docker, Logs, Secrets Manager; ECS Exec is off) × 2 zones × 730 h × $0.011 = $64.24
    expect(estimate(env).items.find((i) => i.item === "VPC interface endpoints")).toEqual({ item: "VPC interface endpoints", quantity: "4 × 2 zones × 730 h", monthlyUsd: 64.24 });
    expect(estimate(parseEnvironment(baseEnvironment())).items.map((i) => i.item)).not.toContain("VPC interface endpoints");
  });

  it("counts scheduled defender runs", () => {
    expect(runsPerMonth("rate(1 day)")).toBeCloseTo(30.4);
    expect(runsPerMonth("rate(6 hours)")).toBeCloseTo(121.6);
    expect(runsPerMonth("cron(0 3 * * ? *)")).toBeCloseTo(30.4);
  });

  it("names the price table when a region has no prices", () => {
    const env = parseEnvironment(baseEnvironment({ region: "ap-south-1", availabilityZones: ["ap-south-1a", "ap-south-1b"], state: { bucket: "test-ce-tfstate", region: "ap-south-1" } }));
    expect(() => estimate(env)).toThrow(UnknownRegionError);
    expect(() => estimate(env)).toThrow(/No prices for region ap-south-1 \(environment test\)\. Known regions: us-east-1, .*modules\/cost\/prices\.ts/);
  });

  it("`npm run cost` fails with that message and a non-zero exit", () => {
    const dir = mkdtempSync(join(tmpdir(), "ce-cost-"));
    try {
      const file = join(dir, "mumbai.json");
      writeFileSync(file, JSON.stringify(baseEnvironment({ region: "ap-south-1", availabilityZones: ["ap-south-1a", "ap-south-1b"], state: { bucket: "test-ce-tfstate", region: "ap-south-1" } })));
      const result = spawnSync("npm", ["run", "-s", "cost"], { cwd: ROOT, env: { ...process.env, CE_ENV_FILE: file }, encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("No prices for region ap-south-1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
