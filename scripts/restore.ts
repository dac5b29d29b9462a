/**
 * `npm run restore -- <env> [recovery point ARN]`: the restore commands of
 * one environment (or of the JSON environment in CE_ENV_FILE), with its real
 * identifiers and the Terraform addresses its stack gives its file system.
 */
import { sourcesFromProcess } from "../main";
import { ConfigError, parseEnvironments } from "../modules/config";
import { fileSystemAddresses } from "../modules/restore/file-system-addresses";
import { renderRestore } from "../modules/restore/restore";

const RECOVERY_POINT = /^arn:aws(?:-us-gov|-cn)?:backup:([a-z0-9-]+):(\d{12}):recovery-point:[A-Za-z0-9-]+$/;

function fail(message: string): void {
  process.stderr.write(`restore: ${message}\n`);
  process.exitCode = 1;
}

try {
  const [name, recoveryPoint] = process.argv.slice(2);
  const environments = parseEnvironments(sourcesFromProcess().sources);
  const env = name ? environments.find((e) => e.name === name) : environments.length === 1 ? environments[0] : undefined;
  if (!env) {
    fail(`${name ? `no environment ${name}` : "name the environment"}: npm run restore -- <${environments.map((e) => e.name).join("|")}> [recovery point ARN]`);
  } else if (recoveryPoint && !RECOVERY_POINT.test(recoveryPoint)) {
    fail(`${recoveryPoint} is not a recovery point ARN (arn:aws:backup:<region>:<account>:recovery-point:<id>)`);
  } else if (recoveryPoint && (RECOVERY_POINT.exec(recoveryPoint)![1] !== env.region || RECOVERY_POINT.exec(recoveryPoint)![2] !== env.accountId)) {
    fail(`${recoveryPoint} is not in ${env.name}'s region ${env.region} and account ${env.accountId}, where its vault is`);
  } else if (env.standby && !env.standby.promoted) {
    fail(`${env.name} is a standby: its file system is ${env.standby.primary}'s replica; restore ${env.standby.primary}, or fail over first (npm run failover -- ${env.name})`);
  } else {
    process.stdout.write(`${renderRestore(env, fileSystemAddresses(env), { recoveryPointArn: recoveryPoint })}\n`);
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.message);
}
