/**
 * How much longer a command takes here than on the CPU Fargate reserves for
 * its task. On Fargate each task has its own vCPUs; on this machine every
 * running task (three HA nodes, each starting an Erlang VM for every
 * `rabbitmq-diagnostics ping`) shares the host's cores with whatever else
 * runs. A health check's timeout is what the task definition says times
 * this allowance: the ratio of runnable processes (the 1-minute load
 * average) to cores, at least 1 (a quiet machine keeps the definition's
 * timeout) and at most MAX_LOAD_ALLOWANCE (a bounded wait).
 */
import { availableParallelism, loadavg } from "node:os";

/** The most a health check's timeout is lengthened. */
export const MAX_LOAD_ALLOWANCE = 6;

/** The factor for a load average and a number of cores; 1 to MAX_LOAD_ALLOWANCE. */
export function loadAllowanceOf(load: number, cores: number): number {
  const ratio = load / Math.max(1, cores);
  return Math.min(MAX_LOAD_ALLOWANCE, Math.max(1, Number.isFinite(ratio) ? ratio : 1));
}

/** The factor for this machine now. */
export function hostLoadAllowance(): number {
  return loadAllowanceOf(loadavg()[0], availableParallelism());
}
