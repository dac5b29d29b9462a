/**
 * `npm run docs`: regenerates the documentation derived from code.
 * With `--check`, writes nothing and exits 1 when a file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedDocuments } from "./lib/generated-documents";

const ROOT = join(__dirname, "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const [file, render] of Object.entries(generatedDocuments())) {
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
if (check && stale > 0) process.exitCode = 1;
