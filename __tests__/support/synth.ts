/**
 * Synthesis helpers: build a stack from an environment input and read the
 * synthesized Terraform JSON.
 */
import { Testing } from "cdktf";
import { buildApp } from "../../modules/app";
import { derive, EnvironmentInput, parseEnvironment } from "../../modules/config";
import { CloudExchangeStack } from "../../modules/stacks/cloud-exchange-stack";

/** A resource block of the synthesized JSON. */
export type ResourceConfig = Record<string, any>;

/** The synthesized JSON of one stack. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, ResourceConfig>>;
  readonly data?: Record<string, Record<string, ResourceConfig>>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  readonly provider?: Record<string, ResourceConfig[]>;
  readonly terraform?: ResourceConfig;
  readonly [key: string]: unknown;
}

/** Builds the stack of an environment input and returns its synthesized JSON. */
export function synthEnvironment(input: EnvironmentInput): StackJson {
  const environment = parseEnvironment(input, "fixture");
  const app = Testing.app();
  const stack = new CloudExchangeStack(app, derive(environment).stackName, { environment });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

/** Builds the whole app of several environments and returns every stack's JSON by name. */
export function synthApp(inputs: readonly EnvironmentInput[]): Record<string, StackJson> {
  const environments = inputs.map((input, i) => parseEnvironment(input, `fixture ${i}`));
  const app = buildApp(environments, { outdir: "/nonexistent-not-written" });
  const stacks: Record<string, StackJson> = {};
  for (const child of app.node.children) {
    if ("toTerraform" in child) stacks[child.node.id] = JSON.parse(Testing.synth(child as never)) as StackJson;
  }
  return stacks;
}

/** All resources of a type as [name, config] pairs, sorted by name. */
export function resourcesOf(stack: StackJson, type: string): [string, ResourceConfig][] {
  return Object.entries(stack.resource?.[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** The single resource of a type; fails when there is not exactly one. */
export function onlyResource(stack: StackJson, type: string): ResourceConfig {
  const found = resourcesOf(stack, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map(([n]) => n).join(", ")}`);
  return found[0][1];
}

/** The standalone Cloud Exchange task definition (the stack has others, e.g. the logical backup's). */
export function workloadTaskDefinition(stack: StackJson): ResourceConfig {
  return resourceNamed(stack, "aws_ecs_task_definition", "workload_task_task-definition");
}

/** A resource by type and name; fails when missing. */
export function resourceNamed(stack: StackJson, type: string, name: string): ResourceConfig {
  const found = stack.resource?.[type]?.[name];
  if (!found) throw new Error(`no ${type}.${name}; have: ${Object.keys(stack.resource?.[type] ?? {}).join(", ")}`);
  return found;
}

/** The Terraform reference `${type.name.attribute}` of a resource. */
export const ref = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;

/** Parses a JSON policy string from the synthesized output. */
export function policyOf(json: string): { Statement: any[] } {
  return JSON.parse(json) as { Statement: any[] };
}

/** The container definitions of a task definition resource, parsed (Terraform escapes `$${` undone). */
export function containersOf(taskDefinition: ResourceConfig): any[] {
  return JSON.parse(taskDefinition.container_definitions.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{"));
}

/** The one container of a task definition with this name; fails when missing. */
export function containerNamed(taskDefinition: ResourceConfig, name: string): any {
  const found = containersOf(taskDefinition).find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/** Every resource of the stack as `type.name` → config, without cdktf metadata. */
export function resourceMap(stack: StackJson): Map<string, ResourceConfig> {
  const map = new Map<string, ResourceConfig>();
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      const { "//": _metadata, ...rest } = config;
      map.set(`${type}.${name}`, rest);
    }
  }
  return map;
}

/** Addresses added, removed and changed between two synthesized stacks. */
export function diffStacks(before: StackJson, after: StackJson): { added: string[]; removed: string[]; changed: string[] } {
  const a = resourceMap(before);
  const b = resourceMap(after);
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const changed = [...a.keys()].filter((k) => b.has(k) && JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k))).sort();
  return { added, removed, changed };
}
