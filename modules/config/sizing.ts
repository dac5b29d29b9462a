/**
 * Size presets of the official CloudFormation template, expressed as Fargate
 * task sizes, and the table of CPU/memory combinations Fargate accepts.
 */

/** Names of the size presets, smallest first. */
export const SIZE_PRESET_NAMES = ["extra-small", "small", "medium", "large"] as const;
/** A size preset name. */
export type SizePresetName = (typeof SIZE_PRESET_NAMES)[number];

/** What a size preset decides. */
export interface SizePreset {
  /** Task CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Task memory in MiB. */
  readonly memory: number;
  /** A note shown in docs, e.g. where Fargate differs from the VM recommendation. */
  readonly note?: string;
}

/** The four presets of the official template (its CPUMapping and MemoryMapping); CE 6 keeps medium and large. */
export const SIZE_PRESETS: Readonly<Record<SizePresetName, SizePreset>> = {
  "extra-small": { cpu: 4096, memory: 8192, note: "CE 5.0 only." },
  small: {
    cpu: 8192,
    memory: 16384,
    note: "CE 5.0 only. Netskope's VM recommendation for Small is not a size Fargate offers; 8 vCPU / 16 GiB is the next size up.",
  },
  medium: { cpu: 8192, memory: 16384, note: "CE 6's Medium profile." },
  large: { cpu: 16384, memory: 32768, note: "CE 6's Large profile." },
};

/** One row of Fargate's Linux task-size table: a CPU value and its memory range. */
interface FargateCpuRow {
  readonly cpu: number;
  readonly minMemory: number;
  readonly maxMemory: number;
  readonly step: number;
  /** Extra values outside the regular range (256 CPU allows 512). */
  readonly extra?: readonly number[];
}

/**
 * Linux task sizes Fargate accepts (platform version 1.4.0), from the ECS
 * developer guide's "Task CPU and memory" table.
 */
export const FARGATE_TASK_SIZES: readonly FargateCpuRow[] = [
  { cpu: 256, minMemory: 1024, maxMemory: 2048, step: 1024, extra: [512] },
  { cpu: 512, minMemory: 1024, maxMemory: 4096, step: 1024 },
  { cpu: 1024, minMemory: 2048, maxMemory: 8192, step: 1024 },
  { cpu: 2048, minMemory: 4096, maxMemory: 16384, step: 1024 },
  { cpu: 4096, minMemory: 8192, maxMemory: 30720, step: 1024 },
  { cpu: 8192, minMemory: 16384, maxMemory: 61440, step: 4096 },
  { cpu: 16384, minMemory: 32768, maxMemory: 122880, step: 8192 },
];

/** The smallest task Cloud Exchange's four services can share (1 vCPU, 4 GiB). */
export const MINIMUM_TASK = { cpu: 1024, memory: 4096 } as const;

/** Memory values (MiB) Fargate accepts for a CPU value; empty when the CPU value is not offered. */
export function fargateMemoryOptions(cpu: number): number[] {
  const row = FARGATE_TASK_SIZES.find((r) => r.cpu === cpu);
  if (!row) return [];
  const values: number[] = [...(row.extra ?? [])];
  for (let m = row.minMemory; m <= row.maxMemory; m += row.step) values.push(m);
  return values;
}

/** True when Fargate runs a Linux task with this CPU and memory. */
export function isFargateTaskSize(cpu: number, memory: number): boolean {
  return fargateMemoryOptions(cpu).includes(memory);
}

/** Describes the allowed memory for a CPU value, for error messages. */
export function describeFargateMemory(cpu: number): string {
  const row = FARGATE_TASK_SIZES.find((r) => r.cpu === cpu);
  if (!row) {
    return `cpu must be one of ${FARGATE_TASK_SIZES.map((r) => r.cpu).join(", ")}`;
  }
  return `with cpu ${cpu}, memory must be ${row.minMemory}-${row.maxMemory} MiB in steps of ${row.step}`;
}
