/**
 * A permissions boundary on every IAM role under a scope (a stack): applied
 * as an aspect at synthesis, so no construct that creates a role can forget
 * it, and each role gets the boundary of the account it lives in.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Aspects, IAspect } from "cdktf";
import { IConstruct } from "constructs";

/** Props of {@link applyPermissionsBoundary}. */
export interface PermissionsBoundaryProps {
  /** Name of the customer managed policy (path `/`). */
  readonly policyName: string;
  /** Partition of the account. */
  readonly partition: string;
  /** Account the scope's roles live in. */
  readonly accountId: string;
}

/** The aspect that sets the boundary on each role it visits. */
class PermissionsBoundaryAspect implements IAspect {
  constructor(private readonly arn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.arn;
  }
}

/** Gives every IAM role under `scope` the boundary `arn:<partition>:iam::<account>:policy/<name>`. */
export function applyPermissionsBoundary(scope: IConstruct, props: PermissionsBoundaryProps): void {
  Aspects.of(scope).add(new PermissionsBoundaryAspect(`arn:${props.partition}:iam::${props.accountId}:policy/${props.policyName}`));
}
