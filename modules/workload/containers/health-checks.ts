/**
 * The containers' health checks: ECS runs each command inside its container,
 * as its user, with the timings below (the contract's: every 10 s, 10 s
 * timeout, 10 retries, 60 s start period).
 */
import { CERTS_DIR } from "../../releases/ce-6.1";
import { ContainerDefinition, CLUSTER_STATUS_FILE, PORTS } from "./task-spec";

/** The contract's health-check timings for the databases and the UI. */
export const HEALTH_TIMING = { interval: 10, timeout: 10, retries: 10, startPeriod: 60 } as const;

/** mongosh's TLS options for the task's own MongoDB clients (releases with TLS inside the task). */
export const MONGO_CLIENT_TLS = `--tls --tlsCAFile ${CERTS_DIR}/tls_cert_ca.crt --tlsCertificateKeyFile ${CERTS_DIR}/tls_cert_key.pem`;

const MONGO_PING = `--quiet --eval 'quit(db.adminCommand({ ping: 1 }).ok ? 0 : 2)' || exit 1`;

/** Health-check commands of mongodb and rabbitmq, and of the UI per protocol. */
export const HEALTH_CHECKS = {
  /** A ping through the shell, without TLS (CE 5.0). */
  mongodb: `"$(command -v mongosh || command -v mongo)" ${MONGO_PING}`,
  /** A ping over TLS with the task's client certificate (CE 6.x; an HA member accepts nothing else). */
  mongodbTls: `mongosh ${MONGO_CLIENT_TLS} ${MONGO_PING}`,
  rabbitmq: "rabbitmq-diagnostics -q ping",
  /** An HA node is also unhealthy while it runs outside its cluster (rabbitmq-cluster.sh). */
  rabbitmqHa: `rabbitmq-diagnostics -q ping && [ "$(cat ${CLUSTER_STATUS_FILE} 2>/dev/null)" != outside ]`,
  ui: {
    HTTP: `curl -f http://localhost:${PORTS.ui} || exit 1`,
    HTTPS: `curl -kfsS -o /dev/null https://localhost:${PORTS.ui}/ || exit 1`,
  },
} as const;

/** A CMD-SHELL health check with the contract's timings. */
export function healthCheck(command: string): NonNullable<ContainerDefinition["healthCheck"]> {
  return { command: ["CMD-SHELL", command], ...HEALTH_TIMING };
}
