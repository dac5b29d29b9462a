/**
 * Child process of `npm run bench`: loads the app and synthesizes every
 * shipped environment plus the bootstrap stack into a temporary directory,
 * then prints the elapsed time as JSON. With `--barrel`, every deep import of
 * a provider class (`@cdktf/provider-aws/lib/<resource>`) is served from the
 * package root instead: the same synth, built as if every module imported its
 * provider classes from the package root (a barrel import).
 */
const started = process.hrtime.bigint();
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Serves deep provider imports from the package barrel. */
function installBarrelImports(): void {
  const barrels = ["@cdktf/provider-aws", "@cdktf/provider-random"].map((name) => {
    const index = require.resolve(name);
    const text = readFileSync(index, "utf8");
    const exportsByDir = new Map<string, string>();
    for (const match of text.matchAll(/exports\.(\w+) = require\("\.\/([\w-]+)"\)/g)) exportsByDir.set(match[2], match[1]);
    return { name, exportsByDir, dir: dirname(index) };
  });
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = loader._load;
  loader._load = function load(request: string, parent: unknown, isMain: boolean) {
    for (const barrel of barrels) {
      const prefix = `${barrel.name}/lib/`;
      if (request.startsWith(prefix)) {
        const exported = barrel.exportsByDir.get(request.slice(prefix.length));
        if (exported) return (original.call(this, barrel.name, parent, isMain) as Record<string, unknown>)[exported];
      }
    }
    return original.call(this, request, parent, isMain);
  };
}

function main(): void {
  if (process.argv.includes("--barrel")) installBarrelImports();
  const outdir = mkdtempSync(join(tmpdir(), "ce-bench-synth-"));
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { buildApp } = require("../main") as typeof import("../main");
    const { environmentSources } = require("../environments") as typeof import("../environments");
    const { parseEnvironments } = require("../modules/config") as typeof import("../modules/config");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const loaded = process.hrtime.bigint();
    const app = buildApp(parseEnvironments(environmentSources()), { outdir });
    app.synth();
    const done = process.hrtime.bigint();
    const loadedModules = Object.keys(require.cache).filter((p) => p.includes("@cdktf/provider-")).length;
    process.stdout.write(
      JSON.stringify({
        seconds: Number(done - started) / 1e9,
        loadSeconds: Number(loaded - started) / 1e9,
        synthSeconds: Number(done - loaded) / 1e9,
        stacks: app.node.children.length,
        providerModules: loadedModules,
      }),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main();
