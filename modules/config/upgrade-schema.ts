/**
 * Environment settings for moving an older release's data to the
 * environment's release (`upgrade`): where MongoDB's feature-compatibility
 * walk stops and the MongoDB images its steps run, and the checks that keep
 * those images under the environment's image rules (digests, proxy-only
 * networks).
 */
import { z } from "zod";
import { FCV_WALK_IMAGES, FCV_WALK_VERSIONS } from "../upgrade/data-upgrade";
import type { ImageSpec } from "../workload/images";
import { matching } from "./fields";
import { IMAGE_DIGEST, IMAGE_REPOSITORY, IMAGE_TAG } from "./patterns";

const walkImage = (version: (typeof FCV_WALK_VERSIONS)[number]) =>
  z
    .strictObject({
      repository: matching(IMAGE_REPOSITORY)
        .default(FCV_WALK_IMAGES[version].repository)
        .describe(`Repository of the image (Docker Hub's official ${FCV_WALK_IMAGES[version].repository} by default; an ECR mirror behind a proxy).`),
      tag: matching(IMAGE_TAG).default(FCV_WALK_IMAGES[version].tag).describe(`Tag of the image: a MongoDB ${version}.x release.`),
      digest: matching(IMAGE_DIGEST).optional().describe("Digest of the image; when set the step pulls repository@digest. Required by images.requireDigests."),
    })
    .prefault({})
    .describe(
      `The image whose mongod sets FCV ${version} (MongoDB ${version}, with mongosh). Default: ${FCV_WALK_IMAGES[version].repository}:${FCV_WALK_IMAGES[version].tag}, the version CE's own setup uses.`,
    );

export const upgradeSchema = z
  .strictObject({
    fromRelease: z.enum(["5.0"]).describe("The release whose data the environment holds now."),
    featureCompatibilityVersion: z
      .enum(["7.0", "8.0"])
      .default("7.0")
      .describe("Where the MongoDB walk stops: 7.0, as CE's own setup leaves it, or 8.0 (needed before a later MongoDB 9)."),
    images: z
      .strictObject({ "5.0": walkImage("5.0"), "6.0": walkImage("6.0"), "7.0": walkImage("7.0") })
      .prefault({})
      .describe(
        "MongoDB images of the walk's steps, by the FCV each sets (the 8.0 step runs the release's own MongoDB image, images.mongodb). Override them to pull from a mirror or to pin digests.",
      ),
  })
  .optional()
  .describe(
    "Move the data of an older release to this one before its containers start (docs/upgrades.md): MongoDB's feature-compatibility walk in one-off containers of the task, RabbitMQ on a new directory. Set it with the release change; it is a no-op once done.",
  );

/** The upgrade settings after defaults. */
export type UpgradeSettings = NonNullable<z.output<typeof upgradeSchema>>;

/** The walk's images with the path of their settings, for checks that name the field. */
export function upgradeImages(upgrade: UpgradeSettings | undefined): { path: (string | number)[]; image: ImageSpec }[] {
  if (!upgrade) return [];
  return FCV_WALK_VERSIONS.map((version) => ({ path: ["upgrade", "images", version], image: upgrade.images[version] }));
}

/** images.requireDigests covers the walk's images too. */
export function checkUpgradeImageDigests(
  env: { images: { requireDigests: boolean }; upgrade?: UpgradeSettings },
  problem: (path: (string | number)[], message: string) => void,
): void {
  if (!env.images.requireDigests) return;
  for (const { path, image } of upgradeImages(env.upgrade)) {
    if (!image.digest) problem([...path, "digest"], `is required by images.requireDigests: the step pulls ${image.repository}:${image.tag}, which can change under the tag`);
  }
}
