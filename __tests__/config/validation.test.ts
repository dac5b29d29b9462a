/**
 * Every field kind of the environment rejects bad input with a problem that
 * names the field path, shows the bad value and says what is allowed.
 */
import { EnvironmentInput, parseEnvironment, parseEnvironments, resolveImages } from "../../modules/config";
import { ACCOUNT, baseEnvironment, EXISTING_NETWORK, secretArn } from "../support/fixtures";
import { problemsOf } from "../support/config-problems";

type Case = [string, (env: EnvironmentInput) => unknown, string, RegExp];

const cases: Case[] = [
  ["name with capitals", (e) => ({ ...e, name: "Prod" }), "name", /lowercase letters.*\(got "Prod"\)/],
  ["name too long", (e) => ({ ...e, name: "a".repeat(17) }), "name", /1-16 characters/],
  ["name ending with a hyphen", (e) => ({ ...e, name: "dev-" }), "name", /not ending with a hyphen/],
  ["account ID", (e) => ({ ...e, accountId: "12345" }), "accountId", /12-digit AWS account ID \(got "12345"\)/],
  ["account ID as a number", (e) => ({ ...e, accountId: 123456789012 }), "accountId", /must be a string \(got 123456789012\)/],
  ["region", (e) => ({ ...e, region: "eu-west" }), "region", /AWS region name/],
  ["one zone", (e) => ({ ...e, availabilityZones: ["eu-west-1a"] }), "availabilityZones", /at least 2 items \(got 1 item\)/],
  ["four zones", (e) => ({ ...e, availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"] }), "availabilityZones", /at most 3 items/],
  ["zone of another region", (e) => ({ ...e, availabilityZones: ["eu-west-1a", "us-east-1b"] }), "availabilityZones[1]", /zone of region eu-west-1/],
  ["zone twice", (e) => ({ ...e, availabilityZones: ["eu-west-1a", "eu-west-1a"] }), "availabilityZones[1]", /listed twice/],
  ["zone name", (e) => ({ ...e, availabilityZones: ["eu-west-1a", "eu-west-1"] }), "availabilityZones[1]", /availability zone name/],
  ["variant", (e) => ({ ...e, variant: "cluster" }), "variant", /one of "standalone", "ha" \(got "cluster"\)/],
  ["ha with two zones", (e) => ({ ...e, variant: "ha" }), "availabilityZones", /exactly 3 zones for variant ha/],
  ["size preset", (e) => ({ ...e, size: { preset: "huge" } }), "size.preset", /one of "extra-small", "small", "medium", "large"/],
  ["size cpu", (e) => ({ ...e, release: "5.0", size: { cpu: 3000 } }), "size.cpu", /cpu must be one of 256, 512/],
  ["size memory", (e) => ({ ...e, release: "5.0", size: { preset: "extra-small", memory: 9000 } }), "size.memory", /with cpu 4096, memory must be 8192-30720 MiB in steps of 1024/],
  ["size memory of a CE 6 profile", (e) => ({ ...e, size: { preset: "medium", memory: 18000 } }), "size.memory", /with cpu 8192, memory must be 16384-61440 MiB in steps of 4096/],
  ["size fraction", (e) => ({ ...e, size: { cpu: 1024.5 } }), "size.cpu", /whole number/],
  ["size below minimum", (e) => ({ ...e, release: "5.0", size: { cpu: 512, memory: 2048 } }), "size", /at least 1024 CPU units and 4096 MiB/],
  ["extra-small on CE 6", (e) => ({ ...e, size: { preset: "extra-small" } }), "size.preset", /^CE 6.x runs only on its Medium \(8 vCPU \/ 16 GiB\) and Large \(16 vCPU \/ 32 GiB\) profiles: its setup refuses any other CPU count, and there are no Extra-small or Small profiles any more; use medium or large \(got "extra-small" with release 6.1\)$/],
  ["small on CE 6.0", (e) => ({ ...e, release: "6.0", size: { preset: "small" } }), "size.preset", /only on its Medium .* \(got "small" with release 6.0\)/],
  ["a CE 6 profile with another CPU count", (e) => ({ ...e, size: { preset: "medium", cpu: 4096, memory: 16384 } }), "size.cpu", /must be 8192 or 16384 for release 6.1: CE 6.x runs only on its Medium .* \(got 4096\)/],
  ["release", (e) => ({ ...e, release: "5.1" }), "release", /one of "6.1", "6.0", "5.0" \(got "5.1"\)/],
  ["a 5.0-only variable on CE 6.1", (e) => ({ ...e, application: { coreLatestVersionTag: "netskopetechnicalalliances/cloudexchange:core6-latest" } }), "application.coreLatestVersionTag", /is not used by CE 6.1/],
  ["pull-through cache secret name", (e) => ({ ...e, images: { pullThroughCache: { credentialsSecretArn: secretArn("dockerhub") } } }), "images.pullThroughCache.credentialsSecretArn", /starts with ecr-pullthroughcache\//],
  ["pull-through cache and registry credentials", (e) => ({ ...e, images: { registryCredentialsSecretArn: secretArn("reg"), pullThroughCache: { credentialsSecretArn: secretArn("ecr-pullthroughcache/hub") } } }), "images.registryCredentialsSecretArn", /excludes images.pullThroughCache/],
  ["certificate renewal window", (e) => ({ ...e, internalTls: { renewBeforeDays: 3 } }), "internalTls.renewBeforeDays", /be at least 7/],
  ["network mode", (e) => ({ ...e, network: { mode: "shared" } }), "network.mode", /one of "new", "existing" \(got "shared"\)/],
  ["vpc CIDR host bits", (e) => ({ ...e, network: { mode: "new", vpcCidr: "10.0.0.1/16" } }), "network.vpcCidr", /host bits set/],
  ["vpc CIDR too large", (e) => ({ ...e, network: { mode: "new", vpcCidr: "10.0.0.0/12" } }), "network.vpcCidr", /\/16 to \/24/],
  ["vpc CIDR garbage", (e) => ({ ...e, network: { mode: "new", vpcCidr: "ten/8" } }), "network.vpcCidr", /IPv4 CIDR block.*\(got "ten\/8"\)/],
  ["subnet outside VPC", (e) => ({ ...e, network: { mode: "new", privateSubnetCidrs: ["172.16.1.0/24", "10.0.0.0/24"] } }), "network.privateSubnetCidrs[1]", /inside the VPC CIDR 172.16.0.0\/16/],
  ["subnet overlap", (e) => ({ ...e, network: { mode: "new", privateSubnetCidrs: ["172.16.1.0/24", "172.16.2.0/24"], publicSubnetCidrs: ["172.16.3.0/24", "172.16.2.128/25"] } }), "network.publicSubnetCidrs[1]", /overlaps privateSubnetCidrs\.1 \(172\.16\.2\.0\/24\)|overlaps privateSubnetCidrs\[1\]/],
  ["subnet count", (e) => ({ ...e, network: { mode: "new", privateSubnetCidrs: ["172.16.1.0/24"] } }), "network.privateSubnetCidrs", /must list 2 CIDRs, one per availability zone \(got 1\)/],
  ["vpc id", (e) => ({ ...e, network: { ...EXISTING_NETWORK, vpcId: "vpc-xyz" } }), "network.vpcId", /VPC ID/],
  ["existing subnets count", (e) => ({ ...e, network: { ...EXISTING_NETWORK, privateSubnetIds: ["subnet-0a1b2c3d4e5f60711"] } }), "network.privateSubnetIds", /must list 2 subnets/],
  ["existing subnet id", (e) => ({ ...e, network: { ...EXISTING_NETWORK, privateSubnetIds: ["subnet-1", "subnet-2"] } }), "network.privateSubnetIds[0]", /subnet ID/],
  ["existing network missing CIDR", (e) => ({ ...e, network: { mode: "existing", vpcId: EXISTING_NETWORK.vpcId, privateSubnetIds: [...EXISTING_NETWORK.privateSubnetIds] } }), "network.vpcCidr", /is required/],
  ["image tag", (e) => ({ ...e, images: { core: { tag: "latest!" } } }), "images.core.tag", /image tag/],
  ["image repository", (e) => ({ ...e, images: { ui: { repository: "Upper/Case" } } }), "images.ui.repository", /image repository/],
  ["image digest", (e) => ({ ...e, images: { mongodb: { digest: "sha256:zz" } } }), "images.mongodb.digest", /sha256:<64 hex digits>/],
  ["ingress mode", (e) => ({ ...e, ingress: { mode: "nlb" } }), "ingress.mode", /one of "alb", "existing-target-group", "none"/],
  ["certificate of another region", (e) => ({ ...e, ingress: { mode: "alb", certificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555` } }), "ingress.certificateArn", /must be in region eu-west-1 \(got us-east-1\)/],
  ["certificate ARN", (e) => ({ ...e, ingress: { mode: "alb", certificateArn: "my-cert" } }), "ingress.certificateArn", /ACM certificate ARN/],
  ["empty allow list", (e) => ({ ...e, ingress: { mode: "alb", allowedCidrs: [] } }), "ingress.allowedCidrs", /at least 1 item \(got 0 items\)/],
  ["TLS policy", (e) => ({ ...e, ingress: { mode: "alb", sslPolicy: "ELBSecurityPolicy-2016-08" } }), "ingress.sslPolicy", /one of "ELBSecurityPolicy-TLS13-1-3-2021-06"/],
  ["idle timeout", (e) => ({ ...e, ingress: { mode: "alb", idleTimeoutSeconds: 0 } }), "ingress.idleTimeoutSeconds", /be at least 1/],
  ["existing target group without source", (e) => ({ ...e, ingress: { mode: "existing-target-group", targetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:targetgroup/ui/0123456789abcdef` } }), "ingress", /sourceSecurityGroupId or sourceCidrs/],
  ["TLS version", (e) => ({ ...e, tlsVersion: "TLSv1.1" }), "tlsVersion", /one of "TLSv1.3", "TLSv1.2 TLSv1.3"/],
  ["proxy URL scheme", (e) => ({ ...e, proxy: { httpUrl: "ftp://proxy:21" } }), "proxy.httpUrl", /http:\/\/ or https:\/\//],
  ["proxy URL", (e) => ({ ...e, proxy: { httpsUrl: "not a url" } }), "proxy.httpsUrl", /must be a URL/],
  ["empty proxy", (e) => ({ ...e, proxy: {} }), "proxy", /needs httpUrl, httpsUrl or urlsSecretArn/],
  ["proxy secret without ports", (e) => ({ ...e, proxy: { urlsSecretArn: secretArn("proxy") } }), "proxy.ports", /required with urlsSecretArn/],
  ["proxy secret and URL", (e) => ({ ...e, proxy: { urlsSecretArn: secretArn("proxy"), httpUrl: "http://proxy:3128", ports: [3128] } }), "proxy.urlsSecretArn", /excludes httpUrl and httpsUrl/],
  // A long value is shortened in the message (found by the fuzz suite: the whole 5,000-character repository was echoed).
  ["a long image repository behind a proxy", (e) => ({ ...e, images: { ui: { repository: "a".repeat(5000) } }, proxy: { httpUrl: "http://proxy:3128" } }), "images.ui.repository", /^must be an ECR repository in .{0,200}\(got "a{20,}…" \(5000 characters\)\)$/],
  ["no-proxy entry", (e) => ({ ...e, proxy: { httpUrl: "http://proxy:3128", noProxy: ["bad host!"] } }), "proxy.noProxy[0]", /host name, a domain suffix/],
  ["CA secret by name", (e) => ({ ...e, caCertificateSecretArn: "my-ca-secret" }), "caCertificateSecretArn", /full ARN of a Secrets Manager secret/],
  ["secrets mode", (e) => ({ ...e, secrets: { mode: "vault" } }), "secrets.mode", /one of "generate", "existing"/],
  ["recovery window", (e) => ({ ...e, secrets: { mode: "generate", recoveryWindowDays: 3 } }), "secrets.recoveryWindowDays", /be at least 7/],
  ["secret of another account", (e) => ({ ...e, secrets: { mode: "existing", jwtSecretArn: secretArn("jwt").replace(ACCOUNT, "999999999999"), maintenanceSecretArn: secretArn("m"), clusterSecretArn: secretArn("c") } }), "secrets.jwtSecretArn", /account 210987654321 \(got account 999999999999\)/],
  ["same secret twice", (e) => ({ ...e, secrets: { mode: "existing", jwtSecretArn: secretArn("a"), maintenanceSecretArn: secretArn("a"), clusterSecretArn: secretArn("c") } }), "secrets.maintenanceSecretArn", /must differ from secrets.jwtSecretArn/],
  ["missing existing secret", (e) => ({ ...e, secrets: { mode: "existing", jwtSecretArn: secretArn("a"), maintenanceSecretArn: secretArn("b") } }), "secrets.clusterSecretArn", /is required/],
  ["task role ARN", (e) => ({ ...e, iam: { taskRoleArn: "TaskRole" } }), "iam.taskRoleArn", /IAM role ARN/],
  ["cluster name", (e) => ({ ...e, cluster: { existingClusterName: "bad name!" } }), "cluster.existingClusterName", /ECS cluster name/],
  ["platform version", (e) => ({ ...e, workload: { platformVersion: "1.3.0" } }), "workload.platformVersion", /one of "1.4.0", "LATEST"/],
  ["throughput mode", (e) => ({ ...e, storage: { throughputMode: "provisioned" } }), "storage.throughputMode", /one of "elastic", "bursting"/],
  ["log retention", (e) => ({ ...e, logs: { retentionDays: 42 } }), "logs.retentionDays", /CloudWatch Logs retention: 1, 3, 5/],
  ["alarm e-mail", (e) => ({ ...e, alarms: { emails: ["not-an-email"] } }), "alarms.emails[0]", /e-mail address/],
  ["alarm threshold", (e) => ({ ...e, alarms: { cpuUtilizationPercent: 150 } }), "alarms.cpuUtilizationPercent", /be at most 100/],
  ["state bucket", (e) => ({ ...e, state: { bucket: "Bad_Bucket", region: "eu-west-1" } }), "state.bucket", /S3 bucket name/],
  ["missing state", (e) => ({ ...e, state: undefined }), "state", /is required/],
  ["reserved tag key", (e) => ({ ...e, tags: { "aws:owner": "x" } }), "tags[\"aws:owner\"]", /not starting with aws:/],
  ["tag value", (e) => ({ ...e, tags: { Owner: "a;b" } }), "tags.Owner", /up to 256 letters/],
  ["managed variable", (e) => ({ ...e, application: { extraEnvironment: { JWT_SECRET: "x" } } }), "application.extraEnvironment.JWT_SECRET", /set by the stack/],
  ["secret-looking variable", (e) => ({ ...e, application: { extraEnvironment: { API_TOKEN: "x" } } }), "application.extraEnvironment.API_TOKEN", /looks like a secret: put it in Secrets Manager and give it as application.secretEnvironment.API_TOKEN/],
  ["variable name", (e) => ({ ...e, application: { extraEnvironment: { "lower-case": "x" } } }), "application.extraEnvironment[\"lower-case\"]", /upper-case variable name/],
  ["analytics URL", (e) => ({ ...e, application: { analyticsBaseUrl: "http://reporting.example.com" } }), "application.analyticsBaseUrl", /https:\/\/ URL/],
  ["allow destroy", (e) => ({ ...e, protection: { allowDestroy: "yes" } }), "protection.allowDestroy", /true or false \(got "yes"\)/],
  ["HA namespace", (e) => ({ ...e, ha: { namespace: "no_dots" } }), "ha.namespace", /private DNS domain/],
  ["unknown root field", (e) => ({ ...e, sise: { preset: "large" } }), "sise", /not a known field; allowed fields here: name, accountId, region, availabilityZones, release, variant, size/],
  ["unknown nested field", (e) => ({ ...e, size: { cpus: 4096 } }), "size.cpus", /not a known field; allowed fields here: preset, cpu, memory/],
  ["unknown field in a union member", (e) => ({ ...e, network: { ...EXISTING_NETWORK, subnets: [] } }), "network.subnets", /allowed fields here: mode, vpcId, vpcCidr, privateSubnetIds/],
];

describe("environment validation", () => {
  it("accepts the base fixture", () => {
    expect(parseEnvironment(baseEnvironment()).name).toBe("test");
  });

  it.each(cases)("rejects a bad %s", (_label, mutate, path, message) => {
    const problems = problemsOf(mutate(baseEnvironment()));
    const match = problems.find((p) => p.path === path);
    if (!match) throw new Error(`no problem at ${path}; got ${JSON.stringify(problems)}`);
    expect(match.message).toMatch(message);
  });

  it("reports every problem at once, one line each, under the file name", () => {
    const input = { ...baseEnvironment(), name: "X", region: "nowhere", tlsVersion: "SSLv3" };
    try {
      parseEnvironment(input, "environments/broken.ts");
      throw new Error("accepted");
    } catch (error) {
      const message = (error as Error).message.split("\n");
      expect(message[0]).toBe("Invalid environment environments/broken.ts (3 problems):");
      expect(message.slice(1).map((line) => line.split(":")[0].trim())).toEqual(["- name", "- region", "- tlsVersion"]);
    }
  });

  it("never echoes proxy credentials", () => {
    const problems = problemsOf({ ...baseEnvironment(), proxy: { httpUrl: "http://alice:s3cr3t-pw@proxy.example.com:3128" } });
    expect(problems).toEqual([expect.objectContaining({ path: "proxy.httpUrl", message: expect.stringMatching(/must not contain credentials/) })]);
    expect(JSON.stringify(problems)).not.toContain("s3cr3t-pw");
    expect(JSON.stringify(problems)).toContain("***@proxy.example.com");
  });

  it("shortens hostile values and keeps control characters visible", () => {
    const [problem] = problemsOf({ ...baseEnvironment(), name: `x${"\u0000'\"$(rm -rf /)`;".repeat(40)}` });
    expect(problem.path).toBe("name");
    expect(problem.message).toContain("\\u0000");
    expect(problem.message).toMatch(/\(641 characters\)\)$/);
    expect(problem.message.length).toBeLessThan(300);
  });

  it.each([
    ["an object for a list", { availabilityZones: { first: "eu-west-1a" } }, "availabilityZones", "must be a list (got an object with 1 field)"],
    ["a string for a list", { availabilityZones: "eu-west-1a" }, "availabilityZones", 'must be a list (got "eu-west-1a")'],
    ["an empty list for an object", { size: [] }, "size", "must be an object (got an empty list)"],
    ["a list for a string", { images: { core: { tag: ["a", "b", "c"] } } }, "images.core.tag", "must be a string (got a list of 3 items)"],
    ["an empty object for a string", { alarms: { emails: [{}] } }, "alarms.emails[0]", "must be a string (got an empty object)"],
    ["one zone", { availabilityZones: ["eu-west-1a"] }, "availabilityZones", "must have at least 2 items (got 1 item)"],
  ])("says what it got in plain English: %s", (_label, change, path, message) => {
    const problems = problemsOf({ ...baseEnvironment(), ...change });
    // One problem per wrong value: a string where a list belongs is not also "too long".
    expect(problems).toEqual([{ path, message }]);
  });

  it("never shows the value of a secret-looking name", () => {
    const problems = problemsOf({ ...baseEnvironment(), application: { extraEnvironment: { DB_PASSWORD: 918273, API_TOKEN: "tok-123-secret" } } });
    expect(problems).toContainEqual({ path: "application.extraEnvironment.DB_PASSWORD", message: "must be a string (got a number, not shown because the name looks secret)" });
    const text = JSON.stringify(problems);
    expect(text).not.toContain("918273");
    expect(text).not.toContain("tok-123-secret");
  });

  it("rejects a value that is not an object at all", () => {
    expect(problemsOf("prod")).toEqual([{ path: "", message: expect.stringMatching(/must be an object \(got "prod"\)/) }]);
  });

  it("rejects two environments with the same name", () => {
    expect(() =>
      parseEnvironments([
        { source: "environments/a.ts", input: baseEnvironment() },
        { source: "environments/b.ts", input: baseEnvironment() },
      ]),
    ).toThrow(/environments\/b.ts \(1 problem\):\n  - name: "test" is already used by environments\/a.ts/);
  });

  it("applies documented defaults", () => {
    const env = parseEnvironment(baseEnvironment());
    expect(env).toMatchObject({
      release: "6.1",
      variant: "standalone",
      size: { preset: "medium" },
      network: { mode: "new", vpcCidr: "172.16.0.0/16", flowLogs: { enabled: true, trafficType: "ALL" } },
      ingress: { mode: "alb", deletionProtection: true, idleTimeoutSeconds: 300 },
      tlsVersion: "TLSv1.3",
      internalTls: { renewBeforeDays: 30, rotation: 0 },
      secrets: { mode: "generate", recoveryWindowDays: 30 },
      storage: { throughputMode: "elastic" },
      workload: { platformVersion: "1.4.0", enableExecuteCommand: false },
      images: { core: {}, ui: {}, mongodb: {}, rabbitmq: {} },
      protection: { allowDestroy: false },
    });
    expect(resolveImages(env)).toEqual({
      core: { repository: "netskopetechnicalalliances/cloudexchange", tag: "core6-6.1.0" },
      ui: { repository: "netskopetechnicalalliances/cloudexchange", tag: "ui6-6.1.0" },
      mongodb: { repository: "netskopetechnicalalliances/cloudexchange", tag: "mongo6-6.1.0-8.0.18" },
      rabbitmq: { repository: "netskopetechnicalalliances/cloudexchange", tag: "rabbitmq6-6.1.0-4.2.2" },
    });
  });

  it("takes each image's defaults from the release, field by field", () => {
    const legacy = parseEnvironment(baseEnvironment({ release: "5.0", images: { core: { tag: "5.0.1" }, ui: { repository: "registry.example.com/ce/ui5", digest: `sha256:${"b".repeat(64)}` } } }));
    expect(resolveImages(legacy)).toEqual({
      core: { repository: "709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/core5", tag: "5.0.1" },
      ui: { repository: "registry.example.com/ce/ui5", tag: "11062023", digest: `sha256:${"b".repeat(64)}` },
      mongodb: { repository: "709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/mongodb", tag: "5.0" },
      rabbitmq: { repository: "709825985650.dkr.ecr.us-east-1.amazonaws.com/netskope/rabbitmq", tag: "3.12.6-management" },
    });
  });

});

describe("defender validation", () => {
  const defender = (settings: Record<string, unknown>) => ({
    ...baseEnvironment(),
    defender: { enabled: true, image: { repository: "example/fargate-updater", tag: "1" }, pccSecretArn: secretArn("pcc"), passRoles: ["apps-*"], ...settings },
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["organization mode without OUs", { deploymentMode: "organization", accounts: ["111111111111"] }, "defender.organizationalUnitIds", /at least one organizational unit/],
    ["organization mode without accounts", { deploymentMode: "organization", organizationalUnitIds: ["ou-ab12-cdef3456"] }, "defender.accounts", /member accounts in organization mode/],
    ["a missing secret", { pccSecretArn: undefined }, "defender.pccSecretArn", /required when defender.enabled/],
    ["a secret in another region", { pccSecretArn: secretArn("pcc").replace("eu-west-1", "us-east-1") }, "defender.pccSecretArn", /account 210987654321 and region eu-west-1/],
    ["a missing image", { image: undefined }, "defender.image", /required when defender.enabled/],
    ["a bad schedule", { run: { mode: "scheduled", scheduleExpression: "every day" } }, "defender.run.scheduleExpression", /rate\(<n> minutes\|hours\|days\) or cron/],
    ["a bad rate", { run: { mode: "scheduled", scheduleExpression: "rate(1 days)" } }, "defender.run.scheduleExpression", /EventBridge Scheduler expression/],
    ["a bad region list", { regions: ["eu-west-1", "Frankfurt"] }, "defender.regions[1]", /AWS region name/],
    ["a bad account", { accounts: ["12"] }, "defender.accounts[0]", /12-digit/],
    ["a bad run mode", { run: { mode: "hourly" } }, "defender.run.mode", /one of "once", "scheduled"/],
  ])("rejects %s", (_label, settings, path, message) => {
    const problems = problemsOf(defender(settings));
    const match = problems.find((p) => p.path === path);
    if (!match) throw new Error(`no problem at ${path}; got ${JSON.stringify(problems)}`);
    expect(match.message).toMatch(message);
  });
});
