/**
 * The scenario examples (examples/<scenario>/): one folder per deployment
 * scenario, each with a README and an environment file that uses only the
 * library's public entry point. Each is valid and synthesizes what its
 * scenario promises; __tests__/plan/scenario-examples.test.ts plans all of
 * them offline in one Terraform run.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { Environment, EnvironmentInput, environmentWarnings, parseEnvironment } from "../../modules/config";
import { environmentFieldPaths } from "../../scripts/lib/environment-reference";
import { EXAMPLES, scenarioExamples } from "../support/scenario-examples";
import { containersOf, resourcesOf, StackJson, synthEnvironment, workloadTaskDefinition } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
const examples = scenarioExamples();

/** Resource names of a type in a stack. */
const names = (stack: StackJson, type: string) => resourcesOf(stack, type).map(([name]) => name);

/** What each scenario promises, checked on its synthesized stack. */
const PROMISES: Record<string, (stack: StackJson, env: Environment) => void> = {
  "existing-vpc": (stack, env) => {
    for (const type of ["aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_nat_gateway", "aws_route_table", "aws_network_acl", "aws_flow_log"]) expect({ type, created: names(stack, type) }).toEqual({ type, created: [] });
    const subnets = resourcesOf(stack, "aws_ecs_service").flatMap(([, s]) => s.network_configuration.subnets);
    expect(subnets).toEqual(env.network.mode === "existing" ? env.network.privateSubnetIds : []);
    expect(resourcesOf(stack, "aws_lb").map(([, lb]) => lb.internal)).toEqual([true]);
  },
  "proxy-only": (stack, env) => {
    const egress = resourcesOf(stack, "aws_vpc_security_group_egress_rule").filter(([name]) => name.startsWith("security-groups_tasks-"));
    const cidrs = egress.flatMap(([, rule]) => (rule.cidr_ipv4 ? [rule.cidr_ipv4] : []));
    expect(cidrs).toEqual(env.proxy!.egressCidrs);
    expect(egress.filter(([, rule]) => !rule.cidr_ipv4 && !rule.referenced_security_group_id && !rule.prefix_list_id)).toEqual([]);
    expect(resourcesOf(stack, "aws_vpc_endpoint").map(([, e]) => String(e.service_name).split(".").slice(3).join(".")).sort()).toEqual(["ecr.api", "ecr.dkr", "logs", "s3", "secretsmanager"]);
    const core = containersOf(workloadTaskDefinition(stack)).find((c) => c.name === "core");
    expect(core.environment).toEqual(expect.arrayContaining([{ name: "HTTPS_PROXY", value: env.proxy!.httpsUrl }]));
    expect(names(stack, "aws_ecr_pull_through_cache_rule")).toHaveLength(1);
  },
  "existing-target-group": (stack, env) => {
    expect(names(stack, "aws_lb")).toEqual([]);
    expect(names(stack, "aws_s3_bucket")).toEqual([]);
    const ingress = env.ingress.mode === "existing-target-group" ? env.ingress : undefined;
    expect(resourcesOf(stack, "aws_ecs_service").map(([, s]) => s.load_balancer)).toEqual([[{ container_name: "ui", container_port: 3000, target_group_arn: ingress!.targetGroupArn }]]);
    expect(resourcesOf(stack, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.from_port === 3000).map(([, r]) => r.referenced_security_group_id)).toEqual([ingress!.sourceSecurityGroupId]);
  },
  ha: (stack, env) => {
    expect(names(stack, "aws_ecs_service")).toEqual([1, 2, 3].map((n) => `ha_node-${n}_service_service`));
    expect(names(stack, "aws_service_discovery_private_dns_namespace")).toHaveLength(1);
    expect(names(stack, "aws_vpc")).toEqual([]);
    expect(resourcesOf(stack, "aws_cloudwatch_log_group").map(([, g]) => g.retention_in_days)).toEqual(resourcesOf(stack, "aws_cloudwatch_log_group").map(() => env.logs.retentionDays));
  },
  "adopt-and-upgrade": (stack, env) => {
    const imports = ((stack as { import?: { to: string; id: string }[] }).import ?? []).map((i) => i.id).sort();
    const adopt = env.adopt!;
    expect(imports).toEqual([adopt.fileSystemId, ...Object.values(adopt.mountTargetIds), ...Object.values(adopt.accessPointIds)].sort());
    const containers = containersOf(workloadTaskDefinition(stack)).map((c) => c.name);
    expect(containers.filter((c) => c.startsWith("mongodb-fcv-"))).toEqual(["mongodb-fcv-5-0", "mongodb-fcv-6-0", "mongodb-fcv-7-0"]);
  },
};

describe("scenario examples", () => {
  it("are one folder per scenario, each with its promise checked here", () => {
    expect(examples.map((e) => e.folder)).toEqual(Object.keys(PROMISES).sort());
  });

  it.each(examples.map((e) => [e.folder, e] as const))("%s imports nothing from the project but the library's public entry point", (_folder, example) => {
    const file = join(ROOT, example.file);
    const imports = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);
    expect(imports.map((specifier) => (specifier.startsWith(".") ? relative(ROOT, resolve(dirname(file), specifier)) : specifier))).toEqual(["modules"]);
  });

  it.each(examples.map((e) => [e.folder, e] as const))("%s is valid, warns of nothing and synthesizes what its scenario promises", (folder, example) => {
    const env = parseEnvironment(example.input, example.file);
    expect(environmentWarnings([env], [example.file], "2026-12-01")).toEqual([]);
    PROMISES[folder](synthEnvironment(example.input), env);
  });

  it.each(examples.map((e) => [e.folder, e] as const))("%s has a README that names its environment file, every field it sets, and only fields the schema has", (folder, example) => {
    const readme = readFileSync(join(EXAMPLES, folder, "README.md"), "utf8");
    expect(readme).toContain("environment.ts");
    const fields = new Set(environmentFieldPaths());
    const topLevel = new Set([...fields].map((f) => f.split(".")[0].replace("[]", "")));
    const set = Object.keys(example.input as EnvironmentInput);
    expect(set.filter((field) => !readme.includes(`\`${field}`))).toEqual([]);
    const mentioned = [...readme.matchAll(/`([a-z][A-Za-z]*(?:\.[A-Za-z]+)*)`/g)].map((m) => m[1]).filter((t) => topLevel.has(t.split(".")[0]));
    expect(mentioned.filter((field) => !fields.has(field))).toEqual([]);
  });
});
