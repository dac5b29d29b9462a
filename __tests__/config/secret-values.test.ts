/**
 * A secret pasted as a plain variable (application.extraEnvironment) under an
 * innocent name is refused by the shape of its value, and the refusal never
 * repeats the value. Attacker: none; the mistake is an operator's, and the
 * plain variable would land in the task definition, the state and the plan
 * for everyone who reads them.
 */
import { createHash } from "node:crypto";
import { problemsOf } from "../../modules/config";
import { secretShapeOf } from "../../modules/config/secret-values";
import { baseEnvironment } from "../support/fixtures";

const problems = (value: string) =>
  problemsOf({ source: "environments/test.ts", input: baseEnvironment({ application: { extraEnvironment: { SIEM_URL_OPTIONS: value } } }) }).problems.map((p) => `${p.path}: ${p.message}`);

describe("secret-looking values of plain variables", () => {
  const secrets: [string, string][] = [
    ["AKIA" + "ABCDEFGHIJKLMNOP", "an AWS access key ID"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "a private key"],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl", "a JSON Web Token"],
    ["ghp_" + "a".repeat(20) + "B".repeat(16), "a GitHub token"],
    ["xoxb-1234567890-abcdefghij", "a Slack token"],
    ["https://svc:Sup3rS3cret@siem.example.com/api", "a URL with a password"],
    ["Zq8v!Lr2#Wm5@Tx9$Kd3%Hp7^", "a long random-looking string"],
    ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "a long random-looking string"],
  ];

  it.each(secrets)("refuses %j as %s, naming the field and never showing the value", (value, what) => {
    const found = problems(value);
    expect(found).toEqual([
      `application.extraEnvironment.SIEM_URL_OPTIONS: has a value that looks like a secret (${what}): put it in Secrets Manager and give it as application.secretEnvironment.SIEM_URL_OPTIONS ({ secretArn, jsonKey? }), never as a plain variable (got ${value.length} characters, not shown because the value looks secret)`,
    ]);
    expect(found.join("\n")).not.toContain(value.slice(0, 12));
  });

  it("accepts the ordinary values a plain variable holds", () => {
    for (const value of [
      "INFO",
      "true",
      "8080",
      "https://siem.example.com/api/v2/events",
      "/opt/cloudexchange/plugins",
      "eu-west-1",
      "Europe/Berlin",
      "a sentence with several words in it",
      "ce-prod-node-1.ce.internal",
      "siem-collector-01.eu-west-1.corp.example",
      "CORE_WORKER_CONCURRENCY_LIMIT",
      "0.25",
    ]) {
      expect({ value, problems: problems(value) }).toEqual({ value, problems: [] });
    }
  });

  it("finds random keys in hex and base64: 1,000 of 32 bytes each", () => {
    // Deterministic stand-ins for random keys: SHA-256 digests are uniformly distributed bytes.
    const keys = Array.from({ length: 1000 }, (_, i) => createHash("sha256").update(`key ${i}`).digest());
    const missed = keys.flatMap((key) => [key.toString("hex"), key.toString("base64")].filter((text) => secretShapeOf(text) !== "a long random-looking string"));
    expect(missed).toEqual([]);
  });
});
