/**
 * `npm run pin-images`: the `images` block of every environment (or of the
 * JSON environment in CE_ENV_FILE) with each image pinned by the digest its
 * registry serves now, and for an environment with `upgrade` the
 * `upgrade.images` block of the data upgrade's MongoDB images (which
 * images.requireDigests covers too), to paste into the environment file. Run
 * it where the registries are reachable, review the output, commit it. A
 * failure names the environment, the image, the registry host and the cause,
 * and exits 1.
 */
import { sourcesFromProcess } from "../main";
import { ConfigError, parseEnvironments, resolveImages } from "../modules/config";
import { upgradeImages } from "../modules/config/upgrade-schema";
import { IMAGE_NAMES } from "../modules/releases";
import { ImageDigestError, isEcr, registryImageOf, resolveDigest } from "../modules/supply-chain/image-digests";

/** One pinned entry `key: { repository, tag, digest }`, or for ECR the command that reads its digest (that needs AWS credentials). */
async function pinnedEntry(environment: string, key: string, repository: string, tag: string, indent: string): Promise<string> {
  if (isEcr(repository)) {
    const [host, ...path] = repository.split("/");
    const region = host.split(".")[3];
    return `${indent}// ${key}: aws ecr describe-images --region ${region} --repository-name ${path.join("/")} --image-ids imageTag=${tag} --query 'imageDetails[0].imageDigest'`;
  }
  try {
    const digest = await resolveDigest(registryImageOf(repository), tag);
    return `${indent}${key}: { repository: ${JSON.stringify(repository)}, tag: ${JSON.stringify(tag)}, digest: ${JSON.stringify(digest)} },`;
  } catch (error) {
    const reason = error instanceof ImageDigestError ? error.reason : (error as Error).message;
    throw new Error(`environment ${environment}, ${key} image ${repository}:${tag}: ${reason}`);
  }
}

async function main(): Promise<void> {
  const { sources } = sourcesFromProcess();
  for (const env of parseEnvironments(sources)) {
    const images = resolveImages(env);
    const lines = [`// ${env.name}: images pinned by digest (${new Date().toISOString().slice(0, 10)})`, "images: {", "  requireDigests: true,"];
    for (const name of IMAGE_NAMES) lines.push(await pinnedEntry(env.name, name, images[name].repository, images[name].tag, "  "));
    lines.push("},");
    const walk = upgradeImages(env.upgrade);
    if (walk.length > 0) {
      lines.push("// upgrade.images: the data upgrade's MongoDB images, inside the upgrade block", "images: {");
      for (const { path, image } of walk) lines.push(await pinnedEntry(env.name, JSON.stringify(path[path.length - 1]), image.repository, image.tag, "  "));
      lines.push("},");
    }
    lines.push("");
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `pin-images: ${(error as Error).message}`}\n`);
  process.exitCode = 1;
});
