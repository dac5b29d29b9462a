/** Jest global teardown: removes this run's plan cache. */
import { rmSync } from "node:fs";

export default function globalTeardown(): void {
  const dir = process.env.CE_PLAN_CACHE_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
