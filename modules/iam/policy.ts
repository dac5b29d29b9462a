/**
 * IAM policy documents as plain JSON, so the synthesized Terraform shows the
 * exact policy a reviewer approves (no data sources, nothing evaluated later).
 */

/** A condition block: operator → key → value(s). */
export type PolicyCondition = Record<string, Record<string, string | readonly string[] | boolean>>;

/** The principal of a resource policy statement. */
export type PolicyPrincipal = "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };

/** One statement of an IAM or resource policy. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: PolicyPrincipal;
  /** Actions (or, with NotAction, every action but these). */
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: PolicyCondition;
}

/** Serializes statements into a policy document. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * Trust policy for an AWS service, limited to this account (and optionally to
 * source ARNs) against the confused-deputy problem.
 */
export function serviceTrustPolicy(service: string, accountId: string, sourceArnPattern?: string): string {
  const condition: PolicyCondition = { StringEquals: { "aws:SourceAccount": accountId } };
  if (sourceArnPattern) condition.ArnLike = { "aws:SourceArn": sourceArnPattern };
  return policyDocument([
    { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: condition },
  ]);
}

/**
 * Statements letting a role pull images from ECR repositories: the token call
 * (which has no resource-level permissions) and the layer reads, limited to
 * the repositories. No statement when no image comes from ECR.
 */
export function ecrPullStatements(repositoryArns: string | readonly string[] | undefined, pullSid: string): PolicyStatement[] {
  if (repositoryArns === undefined || repositoryArns.length === 0) return [];
  return [
    { Sid: "GetEcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: pullSid,
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: typeof repositoryArns === "string" ? repositoryArns : [...repositoryArns],
    },
  ];
}

/** Statement denying any request to a bucket that does not use TLS (Security Hub S3.5). */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
