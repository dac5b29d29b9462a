/**
 * The stack outputs reference (docs/outputs.md), generated from the code:
 * every output of every kind of stack, its description, its kind of value
 * and when it exists. The outputs are read from the synthesized stacks of a
 * set of probe environments that switch each optional part on and off; when
 * an output exists is the one condition below that matches exactly the
 * probes whose stack has it (an output no condition explains stops the
 * generation, naming it, so a new output cannot go undocumented).
 */
import { Testing } from "cdktf";
import { buildApp } from "../../modules/app";
import { Environment, EnvironmentInput, parseEnvironment } from "../../modules/config";

type Json = Record<string, any>;

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const CERTIFICATE = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/00000000-0000-4000-8000-000000000000`;

/** The probe environments: the defaults, and each optional part of the stack switched on or off. */
function probes(): Record<string, EnvironmentInput> {
  const base: EnvironmentInput = {
    name: "probe",
    accountId: ACCOUNT,
    region: REGION,
    availabilityZones: [`${REGION}a`, `${REGION}b`],
    state: { bucket: "probe-tfstate", region: REGION },
    ingress: { mode: "alb", certificateArn: CERTIFICATE },
  };
  const defender = {
    enabled: true,
    image: { repository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/prisma/fargate-updater`, tag: "1" },
    pccSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:PCCAccessSecret-Ab12Cd`,
    passRoles: ["apps-*"],
  };
  return {
    standalone: base,
    ha: { ...base, name: "probeha", variant: "ha", availabilityZones: [`${REGION}a`, `${REGION}b`, `${REGION}c`] },
    "no load balancer": { ...base, name: "probenone", ingress: { mode: "none" } },
    "existing target group": {
      ...base,
      name: "probetg",
      ingress: { mode: "existing-target-group", targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/ui/0123456789abcdef`, sourceCidrs: ["10.0.0.0/24"] },
    },
    "defender once": { ...base, name: "probedo", defender: { ...defender, run: { mode: "once" } } },
    "defender organization": {
      ...base,
      name: "probedorg",
      defender: { ...defender, deploymentMode: "organization", accounts: ["111111111111"], organizationalUnitIds: ["ou-ab12-cdef3456"], run: { mode: "scheduled", scheduleExpression: "rate(1 day)" } },
    },
  } as Record<string, EnvironmentInput>;
}

/** When an output exists: the conditions the reference can state, each as the environment decides it. */
const CONDITIONS: ReadonlyArray<{ readonly text: string; readonly holds: (env: Environment) => boolean }> = [
  { text: "always", holds: () => true },
  { text: '`ingress.mode` is `"alb"` (the stack creates the load balancer)', holds: (env) => env.ingress.mode === "alb" },
  { text: '`variant` is `"ha"`', holds: (env) => env.variant === "ha" },
  { text: "`defender.enabled` is true", holds: (env) => env.defender.enabled },
];

/** One output of a kind of stack. */
export interface OutputEntry {
  readonly name: string;
  readonly description: string;
  /** `string`, `list of strings` or `map of strings`. */
  readonly value: string;
  /** When the output exists, as the reference states it. */
  readonly when: string;
  /** The condition, evaluated on a validated environment. */
  readonly holds: (env: Environment) => boolean;
}

/** The synthesized stacks of each probe, by probe name and stack name. */
function synthesizedProbes(): { probe: string; env: Environment; stacks: Record<string, Json> }[] {
  return Object.entries(probes()).map(([probe, input]) => {
    const env = parseEnvironment(input, `probe ${probe}`);
    const app = buildApp([env], { outdir: "/nonexistent-outputs-reference" });
    const stacks: Record<string, Json> = {};
    for (const child of app.node.children) stacks[child.node.id] = JSON.parse(Testing.synth(child as never)) as Json;
    return { probe, env, stacks };
  });
}

/** The kind of a stack, by its name: the environment stack, the bootstrap stack or a member-role stack. */
export function stackKind(name: string): "environment" | "bootstrap" | "member" {
  if (name === "ce-state-bootstrap") return "bootstrap";
  return /-defender-member-\d{12}$/.test(name) ? "member" : "environment";
}

const valueKind = (value: unknown) => (Array.isArray(value) ? "list of strings" : typeof value === "object" && value !== null ? "map of strings" : "string");

/** Every output of every kind of stack, with when it exists. */
export function stackOutputs(): Record<"environment" | "bootstrap" | "member", OutputEntry[]> {
  const seen: Record<string, Map<string, { description: string; value: string; probes: Set<string> }>> = { environment: new Map(), bootstrap: new Map(), member: new Map() };
  const synthesized = synthesizedProbes();
  for (const { probe, stacks } of synthesized) {
    for (const [stackName, stack] of Object.entries(stacks)) {
      for (const [name, output] of Object.entries((stack.output ?? {}) as Record<string, Json>)) {
        const kind = seen[stackKind(stackName)];
        const entry = kind.get(name) ?? { description: String(output.description ?? ""), value: valueKind(output.value), probes: new Set<string>() };
        entry.probes.add(probe);
        kind.set(name, entry);
      }
    }
  }
  const result = { environment: [] as OutputEntry[], bootstrap: [] as OutputEntry[], member: [] as OutputEntry[] };
  for (const [kind, entries] of Object.entries(seen) as [keyof typeof result, (typeof seen)[string]][]) {
    for (const [name, entry] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
      const condition = CONDITIONS.find((c) => synthesized.every(({ probe, env }) => c.holds(env) === entry.probes.has(probe)));
      if (!condition) throw new Error(`output ${name} of the ${kind} stack exists for probes ${[...entry.probes].join(", ")}, which no condition in scripts/lib/outputs-reference.ts states; add one`);
      if (!entry.description) throw new Error(`output ${name} of the ${kind} stack has no description`);
      result[kind].push({ name, description: entry.description, value: entry.value, when: condition.text, holds: condition.holds });
    }
  }
  return result;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** docs/outputs.md. */
export function renderOutputsReference(): string {
  const outputs = stackOutputs();
  const table = (entries: OutputEntry[]) =>
    entries.length === 0
      ? ["None."]
      : ["| output | value | exists when | description |", "| --- | --- | --- | --- |", ...entries.map((e) => `| \`${e.name}\` | ${e.value} | ${cell(e.when)} | ${cell(e.description)} |`)];
  return [
    "# Stack outputs",
    "",
    "<!-- Generated by `npm run docs` from the synthesized stacks (scripts/lib/outputs-reference.ts). Do not edit by hand; a test fails when it is stale. -->",
    "",
    "Every output of every kind of stack the app synthesizes. A pipeline reads them after an apply with",
    "`terraform -chdir=cdktf.out/stacks/<stack> output -raw <name>` (a string) or `output -json <name>` (a list or a map);",
    "`npx cdktf deploy` prints them too. No output holds a secret value: `secret-arns` names the secrets, never their content.",
    "",
    "## Environment stacks (`ce-<name>`)",
    "",
    ...table(outputs.environment),
    "",
    "## The state bootstrap stack (`ce-state-bootstrap`)",
    "",
    ...table(outputs.bootstrap),
    "",
    "## Fargate Defender member-role stacks (`ce-<name>-defender-member-<account>`)",
    "",
    ...table(outputs.member),
    "",
  ].join("\n");
}
