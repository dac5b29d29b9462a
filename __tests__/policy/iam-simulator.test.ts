/**
 * The IAM simulator the security proofs rely on: each rule of IAM's
 * evaluation logic it implements, on small policies whose outcome AWS
 * documents, so a proof cannot pass because the simulator is too lenient.
 */
import { evaluate, evaluateAccess } from "../support/iam-simulator";

const ROLE = "arn:aws:iam::111111111111:role/deployer";
const OTHER_ACCOUNT_ROLE = "arn:aws:iam::222222222222:role/deployer";
const BUCKET_OBJECT = "arn:aws:s3:::bucket/key";
const allowAll = [{ Effect: "Allow", Action: "*", Resource: "*" }];

describe("IAM simulator", () => {
  it("lets an explicit deny in any policy win over every allow", () => {
    const deny = [{ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: BUCKET_OBJECT }];
    expect(evaluateAccess({ identity: allowAll, resource: deny }, { principal: ROLE, action: "s3:GetObject", resource: BUCKET_OBJECT, context: {} })).toBe("explicitly denied");
    expect(evaluateAccess({ identity: allowAll, boundary: [...allowAll, ...deny.map(({ Principal: _p, ...s }) => s)] }, { principal: ROLE, action: "s3:GetObject", resource: BUCKET_OBJECT })).toBe(
      "explicitly denied",
    );
  });

  it("limits an identity policy by the permissions boundary", () => {
    const boundary = [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }];
    const request = (action: string) => evaluateAccess({ identity: allowAll, boundary }, { principal: ROLE, action, resource: "*" });
    expect(request("logs:PutLogEvents")).toBe("allowed");
    expect(request("iam:CreateRole")).toBe("implicitly denied");
  });

  it("needs both the identity and the resource policy across accounts, either one in the same account", () => {
    const bucketPolicy = [{ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: BUCKET_OBJECT }];
    const get = (principal: string, identity: Record<string, unknown>[], resourceAccount: string) =>
      evaluateAccess({ identity, resource: bucketPolicy, resourceAccount }, { principal, action: "s3:GetObject", resource: BUCKET_OBJECT });
    expect(get(ROLE, [], "111111111111")).toBe("allowed");
    expect(get(ROLE, [], "333333333333")).toBe("implicitly denied");
    expect(get(ROLE, allowAll, "333333333333")).toBe("allowed");
    expect(get(OTHER_ACCOUNT_ROLE, allowAll, "111111111111")).toBe("implicitly denied");
  });

  it("treats an account-root principal as a delegation to that account's identity policies", () => {
    const keyPolicy = [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" }];
    const decrypt = (identity: Record<string, unknown>[]) =>
      evaluateAccess({ identity, resource: keyPolicy, resourcePolicyRequired: true }, { principal: ROLE, action: "kms:Decrypt", resource: "arn:aws:kms:eu-west-1:111111111111:key/k" });
    expect(decrypt([])).toBe("implicitly denied");
    expect(decrypt(allowAll)).toBe("allowed");
    expect(evaluateAccess({ identity: allowAll, resource: [], resourcePolicyRequired: true }, { principal: ROLE, action: "kms:Decrypt", resource: "arn:aws:kms:eu-west-1:111111111111:key/k" })).toBe(
      "implicitly denied",
    );
  });

  it("requires the VPC endpoint policy to allow a request that passes the endpoint", () => {
    const endpoint = [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:ResourceAccount": "111111111111" } } }];
    const put = (resourceAccount: string) => evaluateAccess({ identity: allowAll, endpoint, resourceAccount }, { principal: ROLE, action: "s3:PutObject", resource: "arn:aws:s3:::elsewhere/x" });
    expect(put("111111111111")).toBe("allowed");
    expect(put("999999999999")).toBe("implicitly denied");
  });

  it("evaluates the set qualifiers: ForAnyValue needs one value, ForAllValues every value (and holds for none)", () => {
    const any = [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": "aws:ssm:SessionId" } } }];
    const all = [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { "ForAllValues:StringLike": { "kms:EncryptionContextKeys": "aws:ssm:*" } } }];
    const decrypt = (statements: Record<string, unknown>[], keys?: string[]) =>
      evaluate(statements, { action: "kms:Decrypt", resource: "k", context: keys ? { "kms:EncryptionContextKeys": keys } : {} });
    expect(decrypt(any, ["aws:ssm:SessionId", "aws:ssm:TargetId"])).toBe("allowed");
    expect(decrypt(any, ["SecretARN"])).toBe("implicitly denied");
    expect(decrypt(any)).toBe("implicitly denied");
    expect(decrypt(all, ["aws:ssm:SessionId", "aws:ssm:TargetId"])).toBe("allowed");
    expect(decrypt(all, ["aws:ssm:SessionId", "SecretARN"])).toBe("implicitly denied");
    expect(decrypt(all)).toBe("allowed");
  });

  it("refuses to guess an operator it does not know", () => {
    const statements = [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } }];
    expect(() => evaluate(statements, { action: "s3:GetObject", resource: "x", context: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } })).toThrow(/does not know condition operator DateGreaterThan/);
  });
});
