/**
 * The Cloud Exchange task's containers, as ECS container definitions, built
 * from the environment's release record (modules/releases): one builder per
 * container in containers/, so this file only puts them in order. Pure
 * functions; the task-definition construct serializes the result. The
 * contract they implement is docs/task-contract.md.
 *
 * Containers: init and core-init (prepare volumes, then exit), the data
 * upgrade's steps when there is one, mongodb, rabbitmq, core and ui
 * (essential), and in the HA variant replica-set-init.
 */
import { coreContainer } from "./containers/core";
import { coreInitContainer } from "./containers/core-init";
import { fcvStepContainers } from "./containers/fcv-steps";
import { initContainer } from "./containers/init";
import { mongodbContainer } from "./containers/mongodb";
import { mountPointsToMake } from "./containers/nested-mounts";
import { rabbitmqContainer } from "./containers/rabbitmq";
import { REPLICA_SET_INIT, replicaSetInitContainer } from "./containers/replica-set-init";
import { taskContext } from "./containers/task-context";
import { CloudExchangeTaskSpec, ContainerDefinition } from "./containers/task-spec";
import { uiContainer } from "./containers/ui";

export * from "./containers/task-spec";
export { containerShares, HELPER_MEMORY } from "./containers/shares";
export { HEALTH_CHECKS, HEALTH_TIMING, MONGO_CLIENT_TLS } from "./containers/health-checks";
export { initScript, subjectAltNames } from "./containers/init";
export { interNodeTlsArgs, rabbitmqEntrypointScript } from "./containers/rabbitmq";
export { noProxyList } from "./containers/task-context";

/** The containers of one Cloud Exchange task, init first. */
export function cloudExchangeContainers(spec: CloudExchangeTaskSpec): ContainerDefinition[] {
  const context = taskContext(spec);
  const upgradeSteps = fcvStepContainers(context);
  const others = [
    ...upgradeSteps,
    coreInitContainer(context),
    mongodbContainer(context, upgradeSteps[upgradeSteps.length - 1]?.name),
    rabbitmqContainer(context),
    coreContainer(context, spec.node ? REPLICA_SET_INIT : undefined),
    uiContainer(context),
    ...(spec.node ? [replicaSetInitContainer(context)] : []),
  ];
  const init = initContainer(context, mountPointsToMake(others));
  return [init, ...others];
}
