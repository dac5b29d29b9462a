/** The ui container: CE's web UI on port 3000, the port the load balancer reaches. */
import { healthCheck, HEALTH_CHECKS } from "./health-checks";
import { mountsOf, TaskContext, variables } from "./task-context";
import { ContainerDefinition, PORTS } from "./task-spec";

/** The ui container. */
export function uiContainer(context: TaskContext): ContainerDefinition {
  const { spec, shares } = context;
  const { release } = spec;
  return {
    name: "ui",
    image: spec.images.ui,
    essential: true,
    cpu: shares.cpu.ui,
    ...context.limit(shares.memory.ui),
    ...(release.ui.entryPoint ? { entryPoint: release.ui.entryPoint } : {}),
    portMappings: [{ containerPort: PORTS.ui, protocol: "tcp", name: "ui" }],
    environment: variables({ TLS_VERSION: spec.tlsVersion, CE_API_URL: "http://localhost", CE_API_PORT: PORTS.api, ...release.ui.environment }),
    secrets: [],
    mountPoints: mountsOf(release.ui.mounts),
    dependsOn: [{ containerName: "core", condition: "START" }],
    healthCheck: healthCheck(HEALTH_CHECKS.ui[release.ui.protocol]),
    logConfiguration: context.log,
    readonlyRootFilesystem: false,
    ...context.common,
  };
}
