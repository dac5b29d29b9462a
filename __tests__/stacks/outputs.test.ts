/** Outputs: what an operator needs, ARNs but never secret values. */
import { baseEnvironment, CERTIFICATE_ARN, withExistingSecrets } from "../support/fixtures";
import { ref, synthEnvironment } from "../support/synth";

describe("outputs", () => {
  const stack = synthEnvironment(baseEnvironment({ ingress: { mode: "alb", certificateArn: CERTIFICATE_ARN } }));
  const outputs = stack.output ?? {};

  it("name the load balancer, cluster, services, file system, log group, secrets, backup vault and what a restore needs", () => {
    expect(Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.value]))).toEqual({
      "load-balancer-dns-name": ref("aws_lb", "ingress_load-balancer", "dns_name"),
      "ui-url": `https://${ref("aws_lb", "ingress_load-balancer", "dns_name")}`,
      "cluster-name": ref("aws_ecs_cluster", "cluster_cluster", "name"),
      "service-names": [ref("aws_ecs_service", "workload_service_service", "name")],
      "file-system-id": ref("aws_efs_file_system", "storage_file-system", "id"),
      "log-group-name": ref("aws_cloudwatch_log_group", "logs_containers", "name"),
      "backup-vault-name": ref("aws_backup_vault", "backup_vault_vault", "name"),
      "private-subnet-ids": ["eu-west-1a", "eu-west-1b"].map((zone) => ref("aws_subnet", `network_new-vpc_private-subnet_${zone}`, "id")),
      "task-security-group-id": ref("aws_security_group", "security-groups_tasks", "id"),
      "file-system-security-group-id": ref("aws_security_group", "security-groups_file-system", "id"),
      "secret-arns": {
        jwt_secret: ref("aws_secretsmanager_secret", "secrets_jwt-secret", "arn"),
        maintenance: ref("aws_secretsmanager_secret", "secrets_maintenance", "arn"),
        cluster: ref("aws_secretsmanager_secret", "secrets_cluster", "arn"),
      },
    });
    for (const output of Object.values(outputs)) expect(output.description).toMatch(/\w{5,}/);
  });

  it("never reference a secret value", () => {
    const text = JSON.stringify(outputs);
    expect(text).not.toMatch(/random_password|secret_string|aws_secretsmanager_secret_version/);
  });

  it("carry the existing secrets' ARNs in existing-secret mode", () => {
    const existing = synthEnvironment(withExistingSecrets(baseEnvironment()));
    expect(existing.output?.["secret-arns"].value).toEqual({
      jwt_secret: "arn:aws:secretsmanager:eu-west-1:210987654321:secret:ce/test/jwt-secret-AbCdEf",
      maintenance: "arn:aws:secretsmanager:eu-west-1:210987654321:secret:ce/test/maintenance-AbCdEf",
      cluster: "arn:aws:secretsmanager:eu-west-1:210987654321:secret:ce/test/cluster-AbCdEf",
    });
  });
});
