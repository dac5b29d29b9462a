/**
 * Purging the generated values an environment created before 0.2.0 keeps in
 * its Terraform state. Until 0.2.0 the random provider generated the secrets
 * and each secret version stored its value in `secret_string`; since then
 * the values are written once through the write-only `secret_string_wo` and
 * the state holds none. Terraform keeps an old version's value untouched
 * (its value must not change), so the state still carries it until it is
 * purged: this turns a pulled state into one without the values, as if the
 * versions had been written write-only, and without the random provider's
 * resources. Nothing in AWS changes; `terraform state push` stores the result.
 */

/** A Terraform state file (the parts the purge reads). */
export interface TerraformStateFile {
  serial: number;
  resources: Array<{ mode: string; type: string; name: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
  [key: string]: unknown;
}

/** What {@link purgeGeneratedValues} changed, by address. */
export interface StatePurge {
  /** The purged state (serial increased, so `terraform state push` accepts it). */
  readonly state: TerraformStateFile;
  /** Secret versions whose value was removed. */
  readonly versions: string[];
  /** Random provider resources removed. */
  readonly randomValues: string[];
}

/** Removes every generated value from a pulled state (see the module comment). */
export function purgeGeneratedValues(input: TerraformStateFile): StatePurge {
  const state = JSON.parse(JSON.stringify(input)) as TerraformStateFile;
  const versions: string[] = [];
  const randomValues: string[] = [];
  state.resources = state.resources.filter((resource) => {
    const address = `${resource.type}.${resource.name}`;
    if (resource.mode === "managed" && resource.type === "random_password") {
      randomValues.push(address);
      return false;
    }
    if (resource.mode === "managed" && resource.type === "aws_secretsmanager_secret_version") {
      for (const instance of resource.instances) {
        if (instance.attributes.secret_string === null && instance.attributes.has_secret_string_wo === true) continue;
        Object.assign(instance.attributes, { secret_string: null, has_secret_string_wo: true });
        if (!versions.includes(address)) versions.push(address);
      }
    }
    return true;
  });
  if (versions.length > 0 || randomValues.length > 0) state.serial += 1;
  return { state, versions, randomValues };
}
