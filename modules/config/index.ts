/** The environment model: schema, validation, loading and derived settings. */
export * from "./cidr";
export * from "./define-environment";
export * from "./derive";
export * from "./errors";
export * from "./load";
export * from "./patterns";
export * from "./schema";
export * from "./sizing";
export { CE_NAME_PREFIX, DEFENDER_UPDATER_TASK, DefenderSettings, defenderNames, otherEnvironmentOfCluster, patternCanMatchPrefix, patternMatches, secretNameOf } from "./defender-schema";
