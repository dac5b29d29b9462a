/**
 * The policy suite: every control, by id, over every synthesized stack
 * (shipped environments, fixture variations, HA, bootstrap and member-role
 * stacks). A control passes when each finding is a listed exception; each
 * control must also catch its own violation in a mutated copy, and each
 * exception must still match a finding.
 */
import { environmentSources } from "../../environments";
import { derive, parseEnvironments } from "../../modules/config";
import { CONTROLS, Finding } from "./controls";
import { policyCorpus } from "./corpus";
import { EXCEPTIONS, excepted } from "./exceptions";

const corpus = policyCorpus();

/** Findings of a control in a stack that no exception covers. */
function unexcused(controlId: string, stackName: string, findings: Finding[]): Finding[] {
  return findings.filter((f) => !EXCEPTIONS.some((e) => excepted(controlId, stackName, f, e)));
}

describe("policy corpus", () => {
  it("covers every environment file, both variants, new and existing VPCs, every ingress mode, certificates on and off, and the extra stacks", () => {
    const names = Object.keys(corpus);
    const environments = parseEnvironments(environmentSources()).map((e) => derive(e).stackName);
    expect(names).toEqual(
      expect.arrayContaining([
        ...environments,
        "ce-newhttp",
        "ce-newhttps",
        "ce-exhttps",
        "ce-exnone",
        "ce-extg",
        "ce-haex",
        "ce-hagen",
        "ce-state-bootstrap",
        "ce-adopted",
        "ce-adopted6",
        "ce-exnone-defender-member-111111111111",
      ]),
    );
  });
});

describe.each(CONTROLS.map((c) => [`${c.id} ${c.title}`, c] as const))("%s", (_name, control) => {
  it("holds for every stack", () => {
    const violations = Object.entries(corpus).flatMap(([stack, json]) =>
      unexcused(control.id, stack, control.check(json)).map((f) => `${stack}: ${f.resource}: ${f.message}`),
    );
    expect(violations).toEqual([]);
  });

  it("fails when the property is removed", () => {
    const original = corpus[control.breaks.stack];
    expect(original).toBeDefined();
    expect(unexcused(control.id, control.breaks.stack, control.check(original))).toEqual([]);
    const mutated = JSON.parse(JSON.stringify(original));
    control.breaks.mutate(mutated);
    expect(unexcused(control.id, control.breaks.stack, control.check(mutated)).length).toBeGreaterThan(0);
  });
});

describe("policy exceptions", () => {
  it.each(EXCEPTIONS.map((e) => [`${e.control} ${e.stack} ${e.resource}${e.message ? ` (${e.message.slice(0, 40)})` : ""}`, e] as const))(
    "%s still matches a finding",
    (_name, exception) => {
      const control = CONTROLS.find((c) => c.id === exception.control);
      expect(control).toBeDefined();
      const matches = Object.entries(corpus).filter(
        ([stack, json]) => (exception.stack === "*" || exception.stack === stack) && control!.check(json).some((f) => excepted(control!.id, stack, f, exception)),
      );
      expect(matches.length).toBeGreaterThan(0);
    },
  );

  it("each give a reason", () => {
    for (const exception of EXCEPTIONS) expect(exception.reason.length).toBeGreaterThan(40);
  });
});
