/**
 * The suite's test order (support/slow-first-sequencer.cjs): the long suites
 * first on a machine without timings, Jest's own order once it has them, and
 * the HA runner suite last in both, so its three nodes never start beside
 * the fork test's copy and the offline plans.
 */
import Sequencer from "@jest/test-sequencer";

const SlowFirstSequencer = require("../support/slow-first-sequencer.cjs");

type OrderedTest = { path: string; duration?: number };
const suite = (path: string, duration?: number): OrderedTest => ({ path: `/repo/__tests__/${path}`, duration });
const names = (tests: OrderedTest[]) => tests.map((t) => t.path.replace("/repo/__tests__/", ""));

/** The order the project's sequencer gives, when Jest's own sort returns `jestOrder`. */
function orderOf(jestOrder: OrderedTest[]): string[] {
  const spy = jest.spyOn(Sequencer.prototype, "sort").mockImplementation(() => jestOrder as never);
  try {
    return names(SlowFirstSequencer.prototype.sort.call(Object.create(SlowFirstSequencer.prototype), jestOrder));
  } finally {
    spy.mockRestore();
  }
}

describe("the test order", () => {
  it("starts the long suites first on a machine without timings, and the HA runner suite last", () => {
    const order = orderOf([suite("config/cidr.test.ts"), suite("runner/ha-cluster.test.ts"), suite("plan/offline-plan.test.ts"), suite("app/your-environments.test.ts")]);
    expect(order).toEqual(["app/your-environments.test.ts", "plan/offline-plan.test.ts", "config/cidr.test.ts", "runner/ha-cluster.test.ts"]);
  });

  it("keeps Jest's order once it has timings, but still starts the HA runner suite last", () => {
    const order = orderOf([suite("runner/ha-cluster.test.ts", 490), suite("app/your-environments.test.ts", 650), suite("config/cidr.test.ts", 1), suite("plan/offline-plan.test.ts", 120)]);
    expect(order).toEqual(["app/your-environments.test.ts", "config/cidr.test.ts", "plan/offline-plan.test.ts", "runner/ha-cluster.test.ts"]);
  });
});
