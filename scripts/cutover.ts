/**
 * `npm run cutover`: the cut-over commands of every adopt-mode environment
 * (or of the JSON environment in CE_ENV_FILE), with its real identifiers and
 * the Terraform addresses its stack gives the adopted resources.
 */
import { sourcesFromProcess } from "../main";
import { ConfigError, parseEnvironments } from "../modules/config";
import { adoptedAddresses } from "../modules/upgrade/adopted-addresses";
import { renderCutover } from "../modules/upgrade/cutover";

try {
  const adopting = parseEnvironments(sourcesFromProcess().sources).filter((env) => env.adopt);
  if (adopting.length === 0) {
    process.stderr.write("cutover: no environment has adopt settings (docs/upgrades.md, Adopting an official-template deployment)\n");
    process.exitCode = 1;
  }
  for (const env of adopting) process.stdout.write(`${renderCutover(env, adoptedAddresses(env))}\n`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
