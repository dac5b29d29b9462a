/**
 * `npm run purge-state-secrets`: reads a pulled Terraform state on standard
 * input, writes it without the generated values an environment created
 * before 0.2.0 keeps there (modules/secrets/state-purge.ts), and says on
 * standard error what it removed. docs/runbooks.md shows the whole
 * procedure (pull, purge, push, then the state bucket's older versions).
 */
import { readFileSync } from "node:fs";
import { purgeGeneratedValues, TerraformStateFile } from "../modules/secrets/state-purge";

const input = readFileSync(0, "utf8");
let state: TerraformStateFile;
try {
  state = JSON.parse(input) as TerraformStateFile;
  if (!Array.isArray(state.resources)) throw new Error("no resources list");
} catch (error) {
  process.stderr.write(`purge-state-secrets: standard input is not a Terraform state (${(error as Error).message}); pipe \`terraform state pull\` into it\n`);
  process.exit(1);
}
const purge = purgeGeneratedValues(state);
process.stdout.write(`${JSON.stringify(purge.state, null, 2)}\n`);
process.stderr.write(
  purge.versions.length + purge.randomValues.length === 0
    ? "purge-state-secrets: the state holds no generated value; nothing to push\n"
    : `purge-state-secrets: removed the values of ${purge.versions.join(", ") || "no secret version"}; ` +
        `${purge.randomValues.length > 0 ? `removed ${purge.randomValues.join(", ")}` : "no random provider resource"}; push the output with terraform state push\n`,
);
