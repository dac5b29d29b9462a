/**
 * Printed procedures (restore, failover) as shell steps the operator runs
 * one at a time in one shell, in the project directory: each step is a
 * function that returns non-zero after a line starting with STOP that names
 * what to fix, so nothing after a failed check runs, and the step can be run
 * again. Steps hand their results to later steps in files named after the
 * environment, so a later step also works in a new shell.
 */

/** One step of a printed procedure. */
export interface ShellStep {
  /** What the step does, and as whom; printed above it. */
  readonly title: string;
  /** The function body: shell lines, each ending the step with `return 1` after a STOP line when it fails. */
  readonly commands: readonly string[];
  /** The step's label (1, 2, ..., or a letter for a step run only when asked for). */
  readonly label: string;
}

/** The shell text of a step: its function and the call that says ok or STOP. */
export function stepScript(step: ShellStep): string {
  const name = `ce_step_${step.label.replace(/[^A-Za-z0-9]/g, "_")}`;
  return [
    `${name}() {`,
    ...step.commands,
    "}",
    `if ${name}; then echo "ok: step ${step.label} done"; else echo "step ${step.label} stopped: fix what STOP names, then run step ${step.label} again"; false; fi`,
  ].join("\n");
}

/** The whole procedure: a header of comment lines, then each step under its title. */
export function renderSteps(header: readonly string[], steps: readonly ShellStep[]): string {
  return [...header.map((line) => `# ${line}`), "", ...steps.flatMap((step) => [`# ${step.label}. ${step.title}`, stepScript(step), ""])].join("\n");
}
