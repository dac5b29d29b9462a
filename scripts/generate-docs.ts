/**
 * `npm run docs`: regenerates the documentation derived from code, and
 * removes what a generated directory holds that the code no longer produces
 * (the pipeline roles of a removed environment). With `--check`, writes and
 * removes nothing and exits 1 when a file is stale.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedDocuments, staleGeneratedFiles } from "./lib/generated-documents";

const ROOT = join(__dirname, "..");
const check = process.argv.includes("--check");
let stale = 0;
const documents = generatedDocuments();
for (const [file, render] of Object.entries(documents)) {
  const path = join(ROOT, file);
  const wanted = render();
  let current = "";
  try {
    current = readFileSync(path, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current === wanted) continue;
  stale++;
  if (check) console.error(`stale: ${file} (run npm run docs)`);
  else {
    writeFileSync(path, wanted);
    console.log(`wrote ${file}`);
  }
}
for (const file of staleGeneratedFiles(documents)) {
  stale++;
  if (check) console.error(`stale: ${file} (no longer generated; run npm run docs)`);
  else {
    rmSync(join(ROOT, file));
    console.log(`removed ${file}`);
  }
}
if (check && stale > 0) process.exitCode = 1;
