/**
 * The init container: runs first, as root, from the RabbitMQ image (which
 * ships the openssl CLI), and exits. It writes the task-local volumes (the
 * MongoDB first-start script, RabbitMQ's settings, the custom CA, the HA
 * keyfile, the mount points other containers need inside read-only
 * task-local volumes) and, for releases with TLS inside the task, makes and
 * renews the certificates on EFS (scripts/init.sh).
 */
import { VolumeName } from "../../releases";
import { shippedScript } from "../../shipped-script";
import { mountOf, TaskContext, variables } from "./task-context";
import { ContainerDefinition, HaNodeSpec, INIT_PATHS } from "./task-spec";
import { CloudExchangeRelease } from "../../releases";

const script = (name: string) => shippedScript(`${__dirname}/..`, name);

/** The init container's script: the certificate report function, then init.sh. */
export function initScript(): string {
  return `${script("certificate-report.sh")}\n${script("init.sh")}`;
}

/** Where init mounts each task-local volume. */
export const INIT_MOUNTS: Readonly<Partial<Record<VolumeName, string>>> = {
  "mongo-init": INIT_PATHS.mongoInit,
  "custom-ca": INIT_PATHS.customCa,
  "rabbitmq-config": INIT_PATHS.rabbitmqConfig,
  "mongo-keyfile": INIT_PATHS.mongoKeyfile,
};

/** The leaf certificate's SAN: the release's names, plus the HA node names or the standalone node's name. */
export function subjectAltNames(release: CloudExchangeRelease, node?: HaNodeSpec, hostname?: string): string[] {
  return [...(release.tls?.subjectAltNames ?? []), ...(node?.nodeHostnames ?? (hostname ? [hostname] : [])).map((h) => `DNS:${h}`)];
}

/** The init container; `mountPoints` are the directories to make in task-local volumes (nested-mounts.ts). */
export function initContainer(context: TaskContext, mountPoints: ReadonlyMap<VolumeName, readonly string[]>): ContainerDefinition {
  const { spec, shares } = context;
  const { release, node } = spec;
  const tls = release.tls;
  const toMake = [...mountPoints].flatMap(([volume, paths]) => {
    const at = INIT_MOUNTS[volume];
    if (!at) throw new Error(`the init container does not mount the task-local volume ${volume}`);
    return paths.map((path) => `${at}/${path}`);
  });
  return {
    name: "init",
    image: spec.images.rabbitmq,
    user: "0",
    ...context.helper,
    entryPoint: ["/bin/sh", "-c"],
    command: [initScript()],
    portMappings: [],
    environment: variables({
      CE_RABBITMQ_CONF: release.rabbitmq.config(shares.memory.rabbitmq, node ? { nodeNames: node.nodeHostnames.map((h) => `rabbit@${h}`) } : undefined),
      CE_INTER_NODE_TLS: node ? release.rabbitmq.interNodeTls : undefined,
      CE_CUSTOM_CA_FILE: release.customCaFileName,
      CE_MOUNT_POINTS: toMake.length > 0 ? toMake.join(":") : undefined,
      ...(tls
        ? {
            CE_TLS_DIR: INIT_PATHS.internalCerts,
            CE_TLS_CA_DIR: INIT_PATHS.internalCa,
            CE_UI_CERT_DIR: INIT_PATHS.uiCertificate,
            CE_TLS_SAN: subjectAltNames(release, node, spec.hostname).join(","),
            CE_TLS_LEAF_DAYS: tls.leafDays,
            CE_TLS_CA_DAYS: tls.caDays,
            CE_TLS_UI_DAYS: tls.uiCertificateDays,
            CE_TLS_RENEW_DAYS: spec.internalTls.renewBeforeDays,
            CE_TLS_ROTATION: spec.internalTls.rotation,
          }
        : {}),
    }),
    secrets: [
      ...(spec.caCertificateSecretArn ? [{ name: "CUSTOM_CA_CERT", valueFrom: spec.caCertificateSecretArn }] : []),
      ...(node ? [{ name: "MONGO_REPLICA_KEY", valueFrom: spec.secrets.mongoReplicaKey }] : []),
    ],
    mountPoints: [
      mountOf("mongo-init", INIT_PATHS.mongoInit),
      mountOf("custom-ca", INIT_PATHS.customCa),
      mountOf("rabbitmq-config", INIT_PATHS.rabbitmqConfig),
      ...(node ? [mountOf("mongo-keyfile", INIT_PATHS.mongoKeyfile)] : []),
      ...(tls
        ? [mountOf("internal-certs", INIT_PATHS.internalCerts), mountOf("internal-ca", INIT_PATHS.internalCa), mountOf("ui-certificate", INIT_PATHS.uiCertificate)]
        : []),
    ],
    logConfiguration: context.log,
    readonlyRootFilesystem: true,
    ...context.common,
  };
}
