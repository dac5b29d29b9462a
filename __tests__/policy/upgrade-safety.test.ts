/**
 * Upgrade safety: for every kind of change an operator makes in routine
 * operation, the synthesized stacks before and after keep every stateful
 * resource (and the access points, mount targets and namespace the data
 * depends on) at the same address with the same replacement-forcing
 * arguments, in both variants.
 */
import { EnvironmentInput } from "../../modules/config";
import { baseEnvironment, CERTIFICATE_ARN, haEnvironment } from "../support/fixtures";
import { resourceMap, synthEnvironment } from "../support/synth";
import { IDENTITY, STATEFUL } from "./stateful";

type Change = [string, (env: EnvironmentInput) => EnvironmentInput];

const CATALOGUE: Change[] = [
  ["image tags", (e) => ({ ...e, images: { core: { tag: "20261201" }, ui: { tag: "20261201" }, mongodb: { tag: "5.0.30" }, rabbitmq: { tag: "3.12.14-management" } } })],
  ["image digests", (e) => ({ ...e, images: { core: { digest: `sha256:${"c".repeat(64)}` } } })],
  ["size preset", (e) => ({ ...e, size: { preset: "large" } })],
  ["cpu/memory override", (e) => ({ ...e, size: { preset: "large", cpu: 16384, memory: 65536 } })],
  ["core variables", (e) => ({ ...e, application: { pullThreads: 8, requestsTimeoutSeconds: 600, extraEnvironment: { ENABLE_DEBUG: "true" } } })],
  ["an outbound proxy", (e) => ({ ...e, proxy: { httpUrl: "http://proxy.corp:3128", httpsUrl: "http://proxy.corp:3128", noProxy: [".corp.example"], awsServiceAccess: "direct" } })],
  ["a custom CA", (e) => ({ ...e, caCertificateSecretArn: "arn:aws:secretsmanager:eu-west-1:210987654321:secret:proxy-ca-AbCdEf" })],
  ["alarm settings", (e) => ({ ...e, alarms: { cpuUtilizationPercent: 70, memoryUtilizationPercent: 75, evaluationPeriods: 5, emails: ["oncall@example.com"] } })],
  ["a certificate", (e) => ({ ...e, ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } })],
  ["the TLS version", (e) => ({ ...e, tlsVersion: "TLSv1.2 TLSv1.3" })],
  ["log retention", (e) => ({ ...e, logs: { retentionDays: 1827 } })],
  ["extra egress rules", (e) => ({ ...e, egressRules: [{ port: 6514, cidr: "10.7.0.0/24", description: "Syslog TLS to the SIEM" }] })],
  ["the platform version", (e) => ({ ...e, workload: { platformVersion: "LATEST" } })],
];

const GUARDED: Record<string, readonly string[]> = {
  ...Object.fromEntries(Object.entries(STATEFUL).map(([type, s]) => [type, s.forceNew])),
  ...IDENTITY,
};

describe.each([
  ["standalone", baseEnvironment({ ingress: { mode: "alb" } })],
  ["ha", haEnvironment({ ingress: { mode: "alb" } })],
])("upgrade safety (%s)", (_variant, base) => {
  const before = resourceMap(synthEnvironment(base));
  const guarded = [...before.keys()].filter((address) => address.split(".")[0] in GUARDED);

  it("guards the stateful resources of the stack", () => {
    expect(guarded.length).toBeGreaterThan(15);
  });

  it.each(CATALOGUE)("changing %s keeps every stateful resource's address and replacement-forcing arguments", (_label, change) => {
    const after = resourceMap(synthEnvironment(change(base)));
    for (const address of guarded) {
      const was = before.get(address)!;
      const now = after.get(address);
      expect({ address, kept: now !== undefined }).toEqual({ address, kept: true });
      const attributes = GUARDED[address.split(".")[0]];
      const pick = (config: Record<string, unknown>) => Object.fromEntries(attributes.map((a) => [a, config[a]]));
      expect({ address, ...pick(now!) }).toEqual({ address, ...pick(was) });
    }
  });
});
