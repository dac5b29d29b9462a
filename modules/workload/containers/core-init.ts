/**
 * core-init: copies the core image's built-in plugins and repositories to
 * EFS, and makes the custom plugins directory a package, as CE's setup does;
 * then exits.
 */
import { mountOf, TaskContext } from "./task-context";
import { ContainerDefinition } from "./task-spec";

/** The core-init container. */
export function coreInitContainer(context: TaskContext): ContainerDefinition {
  const { spec } = context;
  const nestedCustomPlugins = spec.release.core.mounts.some((m) => m.volume === "custom-plugins");
  return {
    name: "core-init",
    image: spec.images.core,
    ...context.helper,
    entryPoint: ["/bin/sh", "-c"],
    command: [
      "set -eu; cp -R /opt/netskope/plugins/. /data/ && echo 'core-init: copied the built-in plugins to EFS'; " +
        "cp -R /opt/netskope/repos/. /repos/ && echo 'core-init: copied the plugin repositories to EFS'" +
        (nestedCustomPlugins ? "; touch /data/custom_plugins/__init__.py && echo 'core-init: custom_plugins is a package'" : ""),
    ],
    portMappings: [],
    environment: [],
    secrets: [],
    mountPoints: [
      mountOf("plugins", "/data"),
      ...(nestedCustomPlugins ? [mountOf("custom-plugins", "/data/custom_plugins")] : []),
      mountOf("repos", "/repos"),
    ],
    logConfiguration: context.log,
    readonlyRootFilesystem: true,
    ...context.common,
  };
}
