/**
 * `npm run pin-images`: the `images` block of every environment (or of the
 * JSON environment in CE_ENV_FILE) with each image pinned by the digest its
 * registry serves now, to paste into the environment file. Run it where the
 * registries are reachable, review the output, commit it.
 */
import { sourcesFromProcess } from "../main";
import { ConfigError, parseEnvironments, resolveImages } from "../modules/config";
import { IMAGE_NAMES } from "../modules/releases";
import { isEcr, registryImageOf, resolveDigest } from "../modules/supply-chain/image-digests";

async function main(): Promise<void> {
  const { sources } = sourcesFromProcess();
  for (const env of parseEnvironments(sources)) {
    const images = resolveImages(env);
    const lines = [`// ${env.name}: images pinned by digest (${new Date().toISOString().slice(0, 10)})`, "images: {", "  requireDigests: true,"];
    for (const name of IMAGE_NAMES) {
      const { repository, tag } = images[name];
      if (isEcr(repository)) {
        const [host, ...path] = repository.split("/");
        const region = host.split(".")[3];
        lines.push(
          `  // ${name}: aws ecr describe-images --region ${region} --repository-name ${path.join("/")} --image-ids imageTag=${tag} --query 'imageDetails[0].imageDigest'`,
        );
        continue;
      }
      const digest = await resolveDigest(registryImageOf(repository), tag);
      lines.push(`  ${name}: { repository: ${JSON.stringify(repository)}, tag: ${JSON.stringify(tag)}, digest: ${JSON.stringify(digest)} },`);
    }
    lines.push("},", "");
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `pin-images: ${(error as Error).message}`}\n`);
  process.exitCode = 1;
});
