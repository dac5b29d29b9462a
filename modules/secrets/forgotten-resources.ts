/**
 * `removed` blocks with `destroy = false`: resources an earlier version of
 * the stack managed that Terraform must now forget without touching what
 * they stand for. In a state that never held them the blocks do nothing.
 * Plain Terraform (1.7+); cdktf 0.21 has no class for them, so this element
 * writes the blocks itself.
 */
import { TerraformElement } from "cdktf";
import { Construct } from "constructs";

/** Props of {@link ForgottenResources}. */
export interface ForgottenResourcesProps {
  /** Addresses (`type.name`) Terraform forgets. */
  readonly addresses: readonly string[];
}

/** Tells Terraform to drop these addresses from the state and leave the objects alone. */
export class ForgottenResources extends TerraformElement {
  private readonly addresses: readonly string[];

  constructor(scope: Construct, id: string, props: ForgottenResourcesProps) {
    super(scope, id);
    this.addresses = props.addresses;
  }

  override toTerraform(): Record<string, unknown> {
    return { removed: this.addresses.map((from) => ({ from, lifecycle: { destroy: false } })) };
  }
}
