/**
 * What version 6 of the AWS provider removed or changed, for the Terraform a
 * stack synthesizes: CDK Terrain's AWS bindings (@cdktn/provider-aws) are for
 * AWS provider 6 only, so a stack that sets any of these would not move.
 * From the provider's "Version 6 Upgrade Guide"
 * (hashicorp/terraform-provider-aws, website/docs/guides/version-6-upgrade.html.markdown).
 */

type Json = Record<string, any>;

/** Resource types version 6 removed. */
export const REMOVED_RESOURCE_TYPES: readonly string[] = [
  "aws_simpledb_domain",
  "aws_worklink_fleet",
  "aws_worklink_website_certificate_authority_association",
  "aws_redshift_service_account",
  ...[
    "application", "custom_layer", "ecs_cluster_layer", "ganglia_layer", "haproxy_layer", "instance", "java_app_layer", "memcached_layer",
    "mysql_layer", "nodejs_app_layer", "permission", "php_app_layer", "rails_app_layer", "rds_db_instance", "stack", "static_web_layer", "user_profile",
  ].map((kind) => `aws_opsworks_${kind}`),
];

/** Arguments version 6 removed, by resource type, with what replaces them. */
export const REMOVED_ARGUMENTS: Record<string, Record<string, string>> = {
  aws_eip: { vpc: "domain" },
  aws_flow_log: { log_group_name: "log_destination" },
  aws_ecs_task_definition: { inference_accelerator: "(Elastic Inference ended)" },
  aws_instance: { cpu_core_count: "cpu_options.core_count", cpu_threads_per_core: "cpu_options.threads_per_core" },
  aws_launch_template: { elastic_gpu_specifications: "(Elastic Graphics ended)", elastic_inference_accelerator: "(Elastic Inference ended)" },
  aws_api_gateway_account: { reset_on_delete: "a removed block" },
  aws_api_gateway_deployment: { stage_name: "aws_api_gateway_stage", stage_description: "aws_api_gateway_stage", canary_settings: "aws_api_gateway_stage" },
  aws_batch_compute_environment: { compute_environment_name: "name", compute_environment_name_prefix: "name_prefix" },
  aws_batch_job_queue: { compute_environments: "compute_environment_order" },
  aws_dms_endpoint: { s3_settings: "aws_dms_s3_endpoint" },
  aws_dx_gateway_association: { vpn_gateway_id: "associated_gateway_id" },
  aws_eks_addon: { resolve_conflicts: "resolve_conflicts_on_create and resolve_conflicts_on_update" },
  aws_guardduty_organization_configuration: { auto_enable: "auto_enable_organization_members" },
  aws_networkmanager_core_network: { base_policy_region: "base_policy_regions" },
  aws_redshift_cluster: { snapshot_copy: "aws_redshift_snapshot_copy", logging: "aws_redshift_logging" },
  aws_sagemaker_notebook_instance: { accelerator_types: "instance_type" },
  aws_spot_instance_request: { block_duration_minutes: "(none)" },
  aws_ssm_association: { instance_id: "targets" },
};

/** Provider arguments version 6 removed. */
export const REMOVED_PROVIDER_ENDPOINTS: readonly string[] = ["opsworks", "simpledb", "sdb", "worklink"];

/** One thing a stack does that AWS provider 6 no longer accepts or reads differently. */
export interface Provider6Finding {
  readonly address: string;
  readonly message: string;
}

/** What in a synthesized stack would not move to AWS provider 6 as it is. */
export function provider6Findings(stack: Json): Provider6Finding[] {
  const findings: Provider6Finding[] = [];
  for (const [type, byName] of Object.entries((stack.resource ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [name, config] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      if (REMOVED_RESOURCE_TYPES.includes(type)) findings.push({ address, message: `resource type ${type} was removed` });
      for (const [argument, instead] of Object.entries(REMOVED_ARGUMENTS[type] ?? {})) {
        if (argument in config) findings.push({ address, message: `argument ${argument} was removed; use ${instead}` });
      }
      if ((type === "aws_lb_target_group" || type === "aws_alb_target_group") && [0, 1, "0", "1"].includes(config.preserve_client_ip)) {
        findings.push({ address, message: 'preserve_client_ip takes only "", true or false' });
      }
    }
  }
  const text = JSON.stringify(stack);
  for (const match of text.matchAll(/\$\{(aws_s3_bucket\.[A-Za-z0-9_-]+)\.region\}/g)) {
    findings.push({ address: match[1], message: "its region attribute is now Enhanced Region Support's; read bucket_region" });
  }
  for (const match of text.matchAll(/\$\{(data\.aws_region\.[A-Za-z0-9_-]+)\.name\}/g)) {
    findings.push({ address: match[1], message: "name is deprecated; read region" });
  }
  for (const provider of (stack.provider?.aws ?? []) as Json[]) {
    for (const endpoints of (provider.endpoints ?? []) as Json[]) {
      for (const key of REMOVED_PROVIDER_ENDPOINTS) if (key in endpoints) findings.push({ address: "provider.aws", message: `endpoints.${key} was removed` });
    }
  }
  return findings;
}
