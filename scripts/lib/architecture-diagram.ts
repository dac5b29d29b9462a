/**
 * Mermaid architecture diagrams drawn from the synthesized Terraform of the
 * shipped environments (one per variant): the VPC and its subnets per zone,
 * NAT gateways, the load balancer, the services and their containers, EFS
 * with its mount targets and access points, Cloud Map names, the secrets and
 * the state bucket. Written to docs/architecture.md by `npm run docs`; a test
 * fails when the committed diagrams differ from what the code produces.
 */
import { App, Testing } from "cdktf";
import { environmentSources } from "../../environments";
import { derive, Environment, parseEnvironments } from "../../modules/config";
import { CloudExchangeStack } from "../../modules/stacks/cloud-exchange-stack";

/** The app's output directory, never written: the stacks are read in memory (Testing.app() would leave a directory in the temp folder per call). */
const NOT_WRITTEN = "/nonexistent-not-written";

type Json = Record<string, any>;

const resources = (stack: Json, type: string): [string, Json][] => Object.entries(stack.resource?.[type] ?? {});
const refName = (value: unknown): string | undefined => (typeof value === "string" ? /^\$\{[a-z0-9_]+\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(value)?.[1] : undefined);
const id = (text: string) => text.replace(/[^A-Za-z0-9]/g, "_");
const label = (text: string) => text.replace(/"/g, "'");

/** The mermaid flowchart of one synthesized environment stack. */
export function diagramOf(stack: Json, env: Environment): string {
  const lines = ["flowchart TB"];
  const node = (key: string, text: string, shape: "box" | "db" | "round" = "box") => {
    const t = label(text);
    lines.push(`  ${key}${shape === "db" ? `[("${t}")]` : shape === "round" ? `(["${t}"])` : `["${t}"]`}`);
  };
  const edge = (from: string, to: string, text?: string) => lines.push(`  ${from} -->${text ? `|${label(text)}|` : ""} ${to}`);

  const subnets = new Map<string, { zone: string; cidr: string; tier: string }>();
  for (const [name, s] of resources(stack, "aws_subnet")) subnets.set(name, { zone: s.availability_zone, cidr: s.cidr_block, tier: s.tags?.Tier ?? "" });
  const vpc = resources(stack, "aws_vpc")[0]?.[1];
  const zones = env.availabilityZones;
  const services = resources(stack, "aws_ecs_service");
  const tasks = new Map(resources(stack, "aws_ecs_task_definition"));
  const discovery = new Map(resources(stack, "aws_service_discovery_service"));
  const namespace = resources(stack, "aws_service_discovery_private_dns_namespace")[0]?.[1];

  lines.push(`  subgraph vpc["${label(vpc ? `VPC ${vpc.cidr_block} (new)` : `existing VPC ${env.network.mode === "existing" ? env.network.vpcId : ""}`)}"]`);
  zones.forEach((zone, zi) => {
    lines.push(`    subgraph ${id(zone)}["${zone}"]`);
    for (const [name, s] of subnets) {
      if (s.zone === zone) lines.push(`      ${id(name)}["${s.tier} subnet ${s.cidr}"]`);
    }
    for (const [name, nat] of resources(stack, "aws_nat_gateway")) {
      const subnet = subnets.get(refName(nat.subnet_id) ?? "");
      if (subnet?.zone === zone) lines.push(`      ${id(name)}["NAT gateway"]`);
    }
    for (const [name, svc] of services) {
      const inZone = (svc.network_configuration.subnets as string[]).some((ref) => {
        const s = subnets.get(refName(ref) ?? "");
        return s ? s.zone === zone : env.network.mode === "existing" && env.network.privateSubnetIds.indexOf(ref) === zi;
      });
      const pinned = (svc.network_configuration.subnets as string[]).length === 1;
      if (!inZone || (!pinned && zi > 0)) continue;
      const task = tasks.get(refName(svc.task_definition) ?? "");
      const containers = task ? (JSON.parse(task.container_definitions.replace(/\$\$\{/g, "${")) as Json[]).map((c) => c.name).join(", ") : "";
      const dns = svc.service_registries ? discovery.get(refName(svc.service_registries.registry_arn) ?? "") : undefined;
      const dnsName = dns && namespace ? `<br/>${dns.name}.${namespace.name}` : "";
      const release = `CE ${derive(env).release.version}`;
      lines.push(`      ${id(name)}["ECS service ${svc.name}${pinned ? "" : " (task in any private subnet)"}<br/>${release}, ${task ? `${Number(task.cpu) / 1024} vCPU / ${Number(task.memory) / 1024} GiB` : ""}<br/>${containers}${dnsName}"]`);
    }
    for (const [name] of resources(stack, "aws_efs_mount_target")) {
      if (name.endsWith(`_${zone}`)) lines.push(`      ${id(name)}["EFS mount target"]`);
    }
    lines.push("    end");
  });
  const lb = resources(stack, "aws_lb")[0];
  if (lb) {
    const listeners = resources(stack, "aws_lb_listener").map(([, l]) => `${l.protocol} ${l.port}${l.default_action?.[0]?.type === "redirect" ? " → HTTPS" : ""}`);
    lines.push(`    alb["internal ALB ${lb[1].name}<br/>${listeners.join(", ")}"]`);
  }
  if (namespace) lines.push(`    cloudmap["Cloud Map namespace ${namespace.name}"]`);
  lines.push("  end");

  const ingress = env.ingress;
  if (lb) {
    node("users", `clients in ${derive(env).albAllowedCidrs.join(", ")}`, "round");
    edge("users", "alb", "HTTPS");
    const target = resources(stack, "aws_lb_target_group")[0]?.[1];
    for (const [name] of services) edge("alb", id(name), `UI :3000${target ? ` (${target.protocol})` : ""}`);
  } else if (ingress.mode === "existing-target-group") {
    node("tg", "existing target group");
    for (const [name] of services) edge("tg", id(name), "UI :3000");
  } else {
    node("exec", "operators: ECS Exec port forwarding", "round");
    for (const [name] of services) edge("exec", id(name), "SSM");
  }

  const fs = resources(stack, "aws_efs_file_system")[0];
  if (fs) {
    const points = resources(stack, "aws_efs_access_point").map(([, p]) => p.root_directory.path);
    node("efs", `EFS (KMS, backed up)<br/>${points.join("<br/>")}`, "db");
    for (const [name] of resources(stack, "aws_efs_mount_target")) edge(id(name), "efs", "NFS/TLS");
    for (const [name] of services) edge(id(name), id(resources(stack, "aws_efs_mount_target").find(([mt]) => mt.endsWith(`_${subnetZoneOf(stack, name, subnets) ?? zones[0]}`))?.[0] ?? "efs"));
  }
  const secrets = resources(stack, "aws_secretsmanager_secret").map(([, s]) => s.name);
  node("secrets", secrets.length > 0 ? `Secrets Manager (KMS)<br/>${secrets.join("<br/>")}` : "Secrets Manager: existing secrets", "db");
  for (const [name] of services) lines.push(`  secrets -.->|ECS secrets| ${id(name)}`);
  const nats = resources(stack, "aws_nat_gateway");
  if (nats.length > 0) node("internet", "Netskope tenant, plugins, registries", "round");
  for (const [name] of nats) edge(id(name), "internet");
  if (namespace) {
    const ids = services.map(([name]) => id(name));
    ids.forEach((from, i) => lines.push(`  ${from} <-->|replica set, RabbitMQ cluster| ${ids[(i + 1) % ids.length]}`));
    for (const from of ids) lines.push(`  ${from} -.->|registers| cloudmap`);
  }
  const backend = stack.terraform?.backend?.s3;
  if (backend) node("state", `Terraform state s3://${backend.bucket}/${backend.key}`, "db");
  return lines.join("\n");
}

function subnetZoneOf(stack: Json, serviceName: string, subnets: Map<string, { zone: string }>): string | undefined {
  const svc = stack.resource.aws_ecs_service[serviceName];
  const subnet = subnets.get(refName(svc.network_configuration.subnets[0]) ?? "");
  return subnet?.zone;
}

/** docs/architecture.md: one diagram per variant, from the shipped environments. */
export function renderArchitecture(): string {
  const environments = parseEnvironments(environmentSources());
  // The most production-like environment of each variant: one that runs (not a held standby), the largest, then one with a certificate.
  const rank = (e: Environment) => [
    e.standby && !e.standby.promoted ? 0 : 1,
    e.size.preset === "large" ? 2 : e.size.preset === "medium" ? 1 : 0,
    e.ingress.mode === "alb" && e.ingress.certificateArn ? 1 : 0,
  ];
  const pick = (variant: string) =>
    environments
      .filter((e) => e.variant === variant)
      .sort((a, b) => {
        const [x, y] = [rank(a), rank(b)];
        return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
      })[0];
  const sections: string[] = [
    "# Architecture",
    "",
    "<!-- Generated by `npm run docs` from the synthesized stacks of the shipped environments. Do not edit by hand; a test fails when it is stale. -->",
    "",
    "Drawn from the Terraform each variant synthesizes, so the picture is what `terraform plan` would create.",
    "See [ha.md](ha.md) for how the HA nodes work together and [task-contract.md](task-contract.md) for the containers.",
  ];
  for (const variant of ["standalone", "ha"]) {
    const env = pick(variant);
    if (!env) continue;
    const stack = JSON.parse(Testing.synth(new CloudExchangeStack(new App({ outdir: NOT_WRITTEN }), derive(env).stackName, { environment: env })));
    sections.push("", `## ${variant === "ha" ? "Three-node HA" : "Standalone"} (ce-${env.name})`, "", "```mermaid", diagramOf(stack, env), "```");
  }
  return `${sections.join("\n")}\n`;
}
