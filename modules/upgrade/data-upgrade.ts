/**
 * Moving an environment's data from one CE release to another inside the
 * new release's own task, so ECS orders it (each step a container the next
 * waits for) and Terraform deploys it like any other change:
 *
 * - MongoDB: CE 5.0's data is at feature compatibility version 5.0 (4.4 on
 *   an older template's MongoDB); MongoDB moves one major version per binary
 *   and needs the previous FCV first, so the 6.x task walks it 4.4 -> 5.0
 *   (MongoDB 5.0, a no-op on 5.0 data) -> 6.0 (MongoDB 6.0) -> 7.0 (MongoDB
 *   7.0) before CE's MongoDB 8.0 starts, optionally -> 8.0 with CE's image
 *   (CE's own setup stops at 7.0). Each step is verified and recorded on EFS,
 *   so a failed step stops the task with the data on its last good version
 *   and the next start resumes (ce6-contract §10.2, §10.4).
 * - RabbitMQ: 4.x starts on a new, empty directory (the 6.x data layout);
 *   3.12's directory stays untouched until the operator removes it (§10.3).
 * - Secrets: kept. CE's users keep the maintenance password; root moves to
 *   its own password at the first start (the mongodb entrypoint).
 */
import { shippedScript } from "../shipped-script";
import type { ImageSpec } from "../workload/images";

/** One step of the FCV walk: the FCV it sets and the MongoDB image that sets it. */
export interface FcvStep {
  /** FCV after the step. */
  readonly featureCompatibilityVersion: "5.0" | "6.0" | "7.0" | "8.0";
  /** Image whose mongod runs the step (its major version equals the target). */
  readonly image: ImageSpec;
}

/** The FCVs the walk sets with official MongoDB images, in order. */
export const FCV_WALK_VERSIONS = ["5.0", "6.0", "7.0"] as const;

/** The MongoDB image of each step of the walk, by the FCV it sets. */
export type FcvWalkImages = Readonly<Record<(typeof FCV_WALK_VERSIONS)[number], ImageSpec>>;

/**
 * MongoDB images of the walk by default: the versions CE's own setup uses for
 * it (ta_cloud_exchange setup, 6.1.0: mongo:5.0.21, then 6.0.12, then 7.0.16).
 */
export const FCV_WALK_IMAGES = {
  "5.0": { repository: "mongo", tag: "5.0.21" },
  "6.0": { repository: "mongo", tag: "6.0.12" },
  "7.0": { repository: "mongo", tag: "7.0.16" },
} as const satisfies FcvWalkImages;

/** Container name of a step. */
export function fcvStepContainerName(step: FcvStep): string {
  return `mongodb-fcv-${step.featureCompatibilityVersion.replace(".", "-")}`;
}

/**
 * The steps that take CE 5.0's data (FCV 5.0, or 4.4) to a 6.x release whose
 * MongoDB image is `releaseImage`: 5.0, 6.0 and 7.0 with `walkImages` (the
 * environment's upgrade.images), and 8.0 with the release's own image when
 * asked.
 */
export function fcvWalkFrom50(releaseImage: ImageSpec, finalFeatureCompatibilityVersion: "7.0" | "8.0", walkImages: FcvWalkImages = FCV_WALK_IMAGES): FcvStep[] {
  const steps: FcvStep[] = FCV_WALK_VERSIONS.map((version) => ({ featureCompatibilityVersion: version, image: walkImages[version] }));
  if (finalFeatureCompatibilityVersion === "8.0") steps.push({ featureCompatibilityVersion: "8.0", image: releaseImage });
  return steps;
}

/** The step script (modules/upgrade/scripts/mongodb-fcv-step.sh). */
export function mongodbFcvStepScript(): string {
  return shippedScript(__dirname, "mongodb-fcv-step.sh");
}
