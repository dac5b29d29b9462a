/**
 * `npm run failover -- <standby>`: the promotion of a standby environment
 * and the failback, with its and its primary's real identifiers (the
 * primary's from its environment file when it is loaded, else by the
 * standby's variant, which the two share).
 */
import { sourcesFromProcess } from "../main";
import { ConfigError, parseEnvironments } from "../modules/config";
import { renderFailover, servicesOf } from "../modules/standby/failover";

function fail(message: string): void {
  process.stderr.write(`failover: ${message}\n`);
  process.exitCode = 1;
}

try {
  const [name] = process.argv.slice(2);
  const environments = parseEnvironments(sourcesFromProcess().sources);
  const standbys = environments.filter((e) => e.standby);
  const env = name ? environments.find((e) => e.name === name) : standbys.length === 1 ? standbys[0] : undefined;
  if (!env) {
    fail(`${name ? `no environment ${name}` : "name the standby"}: npm run failover -- <${standbys.map((e) => e.name).join("|") || "standby"}>`);
  } else if (!env.standby) {
    fail(`${env.name} is no standby (standby: { primary, primaryRegion }); the standbys: ${standbys.map((e) => e.name).join(", ") || "none"}`);
  } else {
    const primary = environments.find((e) => e.name === env.standby!.primary);
    const facts = primary ? servicesOf(primary) : servicesOf({ ...env, name: env.standby.primary, cluster: {} });
    process.stdout.write(`${renderFailover(env, facts)}\n`);
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.message);
}
