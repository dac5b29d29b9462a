/**
 * Jest's test order on a machine with no timings of a previous run (a clean
 * clone, CI): the suites known to be long first, so no worker sits idle at
 * the end while one long suite runs alone. Jest's own order (the last run's
 * failures first, then the longest) applies as soon as it has timings; the
 * rest keep Jest's fallback, largest file first. Either way the HA runner
 * suite starts last (LAST_SUITES). Only the order comes from here: nothing is
 * skipped, and no test reads a time.
 */
const Sequencer = require("@jest/test-sequencer").default;

/** Path fragments of the long suites, longest first (their order is all that matters). */
const LONG_SUITES = [
  "/__tests__/app/your-environments.test.ts",
  "/__tests__/runner/shipped-tasks.test.ts",
  "/__tests__/plan/",
  "/__tests__/restore/restore.test.ts",
  "/__tests__/policy/policy-plan.test.ts",
  "/__tests__/docs/commands.test.ts",
  "/__tests__/workload/scripts.test.ts",
  "/__tests__/upgrade/mongodb-fcv-walk.test.ts",
  "/__tests__/config/fuzz.test.ts",
  "/__tests__/standby/failover.test.ts",
];

/**
 * Suites that start last: the HA runner suite's three RabbitMQ nodes need the CPU a Fargate task would
 * have for their health checks' CLI to answer in 10 s; beside the offline plans' start (a dozen
 * provider processes at once) they were starved on 2 cores, and the plans' provider start timed out.
 */
const LAST_SUITES = ["/__tests__/runner/ha-cluster.test.ts"];

const isLast = (path) => LAST_SUITES.some((fragment) => path.includes(fragment));

/** Without timings: the long suites in LONG_SUITES' order, then the rest, then LAST_SUITES. */
const rank = (path) => {
  if (isLast(path)) return LONG_SUITES.length + 1;
  const i = LONG_SUITES.findIndex((fragment) => path.includes(fragment));
  return i === -1 ? LONG_SUITES.length : i;
};

/** With timings: Jest's order (longest first would start the HA runner suite beside the fork test's copy and the plans), LAST_SUITES moved to the end. */
const lastOnly = (path) => (isLast(path) ? 1 : 0);

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const key = sorted.some((test) => test.duration != null) ? lastOnly : rank;
    // A stable sort keeps Jest's order within each key.
    return [...sorted].sort((a, b) => key(a.path) - key(b.path));
  }
}

module.exports = SlowFirstSequencer;
