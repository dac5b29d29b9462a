/** The documents generated from code, by path relative to the project root. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentSources } from "../../environments";
import { parseEnvironments } from "../../modules/config";
import { estimate, renderEstimates } from "../../modules/cost/estimate";
import { renderArchitecture } from "./architecture-diagram";
import { renderEnvironmentJsonSchema, renderEnvironmentReference } from "./environment-reference";
import { renderOutputsReference } from "./outputs-reference";
import { renderPipelineExamples } from "./pipeline-policy";
import { renderPipelineWorkflow } from "./pipeline-workflow";

const ROOT = join(__dirname, "..", "..");

/** Replaces the text between `<!-- <marker>:start -->` and `<!-- <marker>:end -->` in a file. */
export function withSection(file: string, marker: string, content: string): string {
  const text = readFileSync(join(ROOT, file), "utf8");
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} ... ${end} section`);
  return `${text.slice(0, from + start.length)}\n${content}${text.slice(to)}`;
}

/** The `npm run cost` output of the shipped environments, as shown in the README. */
export function renderShippedCosts(): string {
  return renderEstimates(parseEnvironments(environmentSources()).map((env) => estimate(env)));
}

/** Each generated file (path from the project root) and the function that renders its wanted content. */
export function generatedDocuments(): Record<string, () => string> {
  return {
    "docs/environment-reference.md": renderEnvironmentReference,
    "docs/environment.schema.json": renderEnvironmentJsonSchema,
    "docs/architecture.md": renderArchitecture,
    "docs/outputs.md": renderOutputsReference,
    ...Object.fromEntries(Object.entries(renderPipelineExamples()).map(([file, content]) => [file, () => content])),
    "examples/github-actions/cloud-exchange.yml": renderPipelineWorkflow,
    "README.md": () => withSection("README.md", "cost", renderShippedCosts()),
  };
}

/**
 * Directories whose every file is generated: one there that the code no
 * longer produces (the pipeline roles of an environment removed) is stale,
 * and `npm run docs` removes it.
 */
export const GENERATED_DIRECTORIES: readonly string[] = ["examples/pipeline"];

/** Files in a generated directory that the code no longer produces, by path from the project root. */
export function staleGeneratedFiles(documents: Readonly<Record<string, unknown>> = generatedDocuments()): string[] {
  return GENERATED_DIRECTORIES.flatMap((dir) => {
    let files: string[] = [];
    try {
      files = readdirSync(join(ROOT, dir));
    } catch {
      return [];
    }
    return files.map((file) => `${dir}/${file}`).filter((file) => !(file in documents));
  }).sort();
}
