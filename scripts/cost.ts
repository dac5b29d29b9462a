/**
 * `npm run cost`: an itemized monthly cost estimate of every environment
 * (or of the JSON environment in CE_ENV_FILE), from the price table in
 * modules/cost/prices.ts.
 */
import { sourcesFromProcess } from "../main";
import { ConfigError, parseEnvironments } from "../modules/config";
import { estimate, renderEstimates, UnknownRegionError } from "../modules/cost/estimate";

try {
  const { sources } = sourcesFromProcess();
  process.stdout.write(renderEstimates(parseEnvironments(sources).map((env) => estimate(env))));
} catch (error) {
  if (error instanceof ConfigError || error instanceof UnknownRegionError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
