/**
 * Synthesis helpers: build a stack from an environment input and read the
 * synthesized Terraform JSON.
 */
import { Testing } from "cdktf";
import { buildApp } from "../../main";
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
