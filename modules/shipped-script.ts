/**
 * Shell scripts shipped beside the modules (`modules/<area>/scripts/`) that
 * containers run. Each file is read once per process: every task definition
 * of every stack embeds the same text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const cache = new Map<string, string>();

/** The text of a shipped script, e.g. `shippedScript(__dirname, "init.sh")` from the module beside `scripts/`. */
export function shippedScript(moduleDir: string, name: string): string {
  const path = join(moduleDir, "scripts", name);
  let text = cache.get(path);
  if (text === undefined) {
    text = readFileSync(path, "utf8");
    cache.set(path, text);
  }
  return text;
}
