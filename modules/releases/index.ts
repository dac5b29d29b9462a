/**
 * The Cloud Exchange releases this project deploys, one record each
 * (release.ts). An environment names one with `release`; 6.1 is the
 * default. Adding a release is adding its record here, with its tests.
 */
import { CE_5_0 } from "./ce-5.0";
import { CE_6_0 } from "./ce-6.0";
import { CE_6_1 } from "./ce-6.1";
import { CloudExchangeRelease, ReleaseId } from "./release";

export * from "./release";

/** Every release by id. */
export const RELEASES: Readonly<Record<ReleaseId, CloudExchangeRelease>> = {
  "6.1": CE_6_1,
  "6.0": CE_6_0,
  "5.0": CE_5_0,
};

/** The release environments run unless they name another. */
export const DEFAULT_RELEASE: ReleaseId = "6.1";

/** The record of a release. */
export function releaseOf(id: ReleaseId): CloudExchangeRelease {
  return RELEASES[id];
}

/** The connection strings core gets: MongoDB as the release writes it, RabbitMQ as one URL per host joined with `;` (CE's format). */
export function connectionStrings(
  release: CloudExchangeRelease,
  topology: { readonly mongoHosts: readonly string[]; readonly replicaSet?: string; readonly rabbitmqHosts: readonly string[] },
  password: string,
): { mongo: string; rabbitmq: string } {
  return {
    mongo: release.mongoConnectionString(topology.mongoHosts, topology.replicaSet, password),
    rabbitmq: topology.rabbitmqHosts.map((host) => `${release.rabbitmq.scheme}://user:${password}@${host}`).join(";"),
  };
}
