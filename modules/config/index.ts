/** The environment model: schema, validation, loading and derived settings. */
export * from "./cidr";
export * from "./define-environment";
export * from "./derive";
export * from "./errors";
export * from "./load";
export * from "./patterns";
export * from "./schema";
export * from "./sizing";
export { DEFENDER_UPDATER_TASK, DefenderSettings, defenderNames, otherEnvironmentOfCluster, secretNameOf } from "./defender-schema";
