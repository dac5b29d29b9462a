/** The typing helper of environment files. */
import type { EnvironmentInput } from "./schema";

/**
 * Returns the environment unchanged; its only job is the type: an editor
 * checks every field while you type. Validation (defaults, cross-field
 * rules, clear messages) happens in `parseEnvironment(s)`, before anything
 * is built.
 */
export function defineEnvironment(environment: EnvironmentInput): EnvironmentInput {
  return environment;
}
