/** The documents generated from code, by path relative to the project root. */
import { renderEnvironmentJsonSchema, renderEnvironmentReference } from "./environment-reference";

export function generatedDocuments(): Record<string, () => string> {
  return {
    "docs/environment-reference.md": renderEnvironmentReference,
    "docs/environment.schema.json": renderEnvironmentJsonSchema,
  };
}
