/**
 * A password Terraform generates without keeping it: an ephemeral
 * `aws_secretsmanager_random_password` (Secrets Manager's GetRandomPassword,
 * called whenever Terraform opens it, during plan and apply) read through a
 * local. An ephemeral value is never written to the state or to a saved
 * plan; it may only flow into write-only arguments (`secret_string_wo`),
 * locals and other ephemeral values. Each plan or apply opens a new one, so a
 * value is only kept where a write-only argument stores it once (see
 * cloud-exchange-secrets.ts).
 *
 * cdktf 0.21 has no class for ephemeral blocks; this element writes the
 * block itself (plain Terraform JSON, no cdktf-only feature), and the local
 * gives the rest of the stack an ordinary reference to it.
 */
import { TerraformElement, TerraformLocal } from "cdktf";
import { Construct } from "constructs";

/** The ephemeral resource type behind a generated password. */
export const GENERATED_PASSWORD_TYPE = "aws_secretsmanager_random_password";

/** Props of {@link GeneratedPassword}. */
export interface GeneratedPasswordProps {
  /** Number of characters. */
  readonly length: number;
}

/** A random password of letters and digits (each kind at least once), never stored by Terraform. */
export class GeneratedPassword extends TerraformElement {
  /** The password, as a reference (an ephemeral value: only for write-only arguments and other ephemeral values). */
  readonly value: string;
  private readonly length: number;

  constructor(scope: Construct, id: string, props: GeneratedPasswordProps) {
    super(scope, id);
    this.length = props.length;
    const local = new TerraformLocal(this, "value", `\${ephemeral.${GENERATED_PASSWORD_TYPE}.${this.friendlyUniqueId}.random_password}`);
    local.overrideLogicalId(this.friendlyUniqueId);
    this.value = local.asString;
  }

  override toTerraform(): Record<string, unknown> {
    return {
      ephemeral: {
        [GENERATED_PASSWORD_TYPE]: {
          [this.friendlyUniqueId]: {
            password_length: this.length,
            exclude_punctuation: true,
            include_space: false,
            require_each_included_type: true,
          },
        },
      },
    };
  }
}
