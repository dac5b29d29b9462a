/** Jest global teardown: removes this run's temp folder (plan cache, scratch modules, server data). */
import { leaveRunDirectory } from "./run-directory";

export default function globalTeardown(): void {
  leaveRunDirectory();
}
