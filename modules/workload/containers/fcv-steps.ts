/**
 * The data upgrade's MongoDB feature-compatibility steps (modules/upgrade):
 * one-off containers, one after another after init, all before the
 * release's mongod, each on the data access point as uid 1001.
 */
import { mongodbFcvStepScript } from "../../upgrade/data-upgrade";
import { mountOf, TaskContext, variables } from "./task-context";
import { ContainerDefinition, FCV_MARKER } from "./task-spec";

/** The step containers, in order (empty without a data upgrade). */
export function fcvStepContainers(context: TaskContext): ContainerDefinition[] {
  const { spec } = context;
  const steps: ContainerDefinition[] = [];
  for (const step of spec.dataUpgrade?.mongodbSteps ?? []) {
    steps.push({
      name: `mongodb-fcv-${step.featureCompatibilityVersion.replace(".", "-")}`,
      image: step.image,
      user: "1001:1001",
      ...context.helper,
      entryPoint: ["/bin/bash", "-c", mongodbFcvStepScript(), "mongodb-fcv-step"],
      portMappings: [],
      environment: variables({ CE_FCV_TARGET: step.featureCompatibilityVersion, CE_UPGRADE_MARKER: FCV_MARKER }),
      secrets: [
        { name: "MONGO_ROOT_PASSWORD", valueFrom: spec.secrets.maintenancePassword },
        { name: "CE_PREVIOUS_ROOT_PASSWORD", valueFrom: spec.secrets.formerRootPassword },
      ],
      mountPoints: [mountOf("mongo-data", "/data/db")],
      dependsOn: [{ containerName: steps.length > 0 ? steps[steps.length - 1].name : "init", condition: "SUCCESS" }],
      logConfiguration: context.log,
      // mongod and mongosh write to /tmp and $HOME while the step runs; CE's own containers have not started yet.
      readonlyRootFilesystem: false,
      // The step forwards ECS's stop signal to its mongod, which needs time to shut down cleanly.
      stopTimeout: 120,
      ...context.common,
    });
  }
  return steps;
}
