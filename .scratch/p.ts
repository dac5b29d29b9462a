import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { buildApp } from "../main";
import { environmentSources } from "../environments";
import { parseEnvironments } from "../modules/config";
import { planStack, stackFromDirectory } from "../__tests__/plan/harness";
async function main() {
  const out = mkdtempSync(join(tmpdir(), "x-"));
  const app = buildApp(parseEnvironments(environmentSources()), { outdir: out });
  app.synth();
  const keep = mkdtempSync(join(tmpdir(), "keep-"));
  const r = await planStack(stackFromDirectory(join(out, "stacks", "ce-prod"), "ce-prod"), { keepPlanIn: keep });
  console.log(r.validation.valid, r.validation.diagnostics.map(d=>d.summary), r.plan.resource_changes?.length, r.generatedSecrets.length, r.seconds);
  const text = JSON.stringify(r.plan);
  console.log("found in plan json:", r.generatedSecrets.filter((v) => text.includes(v)).length);
  const bin = readFileSync(join(keep, "tfplan"));
  console.log("tfplan bytes", bin.length);
}
main().catch((e) => { console.error(e); process.exit(1); });
