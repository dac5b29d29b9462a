/**
 * The runner lengthens a health check's timeout by the host's load (Fargate
 * reserves CPU per task; this machine shares its cores): never shorter than
 * the definition's, never more than the bound, and more load never less time.
 */
import fc from "fast-check";
import { loadAllowanceOf, MAX_LOAD_ALLOWANCE } from "../../scripts/task-runner/host-load";

describe("the host-load allowance of a health check's timeout", () => {
  it("keeps the definition's timeout on a machine with a core per runnable process", () => {
    expect(loadAllowanceOf(0, 2)).toBe(1);
    expect(loadAllowanceOf(2, 2)).toBe(1);
  });

  it("grows with runnable processes per core, up to its bound", () => {
    expect(loadAllowanceOf(6, 2)).toBe(3);
    expect(loadAllowanceOf(40, 2)).toBe(MAX_LOAD_ALLOWANCE);
  });

  it("is between 1 and its bound and never falls as the load rises", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), fc.integer({ min: 0, max: 256 }), (a, b, cores) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const [x, y] = [loadAllowanceOf(low, cores), loadAllowanceOf(high, cores)];
        return x >= 1 && y <= MAX_LOAD_ALLOWANCE && x <= y;
      }),
    );
  });
});
