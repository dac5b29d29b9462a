# RabbitMQ entrypoint (bash): installs the Erlang cookie from the secret the
# container receives; on an HA node, waits until it may start and watches
# its cluster membership (rabbitmq-cluster.sh, sourced before this script);
# applies the HA queue-mirroring policy once the node is up (CE 5.0);
# reports the days left on the certificate it serves every six hours
# (releases with TLS inside the task); then replaces itself with the server
# (CE_RABBITMQ_SERVER, default the image's entrypoint), so the server gets
# ECS's stop signal and nothing here runs on the way down.
set -euo pipefail
server="${CE_RABBITMQ_SERVER:-docker-entrypoint.sh rabbitmq-server}"
cookie_file="${HOME:-/var/lib/rabbitmq}/.erlang.cookie"
# Created owner-only: no moment exists when another user could read it.
(umask 077 && rm -f "$cookie_file" && printf '%s' "$RABBITMQ_COOKIE" > "$cookie_file")
chmod 600 "$cookie_file"
# HA: resolve this node's own long name locally, so the server and the
# health-check CLI never wait for the node's DNS record (other nodes still
# resolve it through Cloud Map).
if [ -n "${CE_RABBITMQ_HOSTNAME:-}" ]; then
  printf '{host, {127,0,0,1}, ["%s"]}.\n{lookup, [file, native]}.\n' "$CE_RABBITMQ_HOSTNAME" > "${ERL_INETRC:-$HOME/.inetrc}"
fi
if [ -n "${CE_RABBITMQ_PEERS:-}" ]; then
  ce_cluster_gate
  ce_cluster_watch "$$" &
fi
if [ "${CE_MIRROR_QUEUES:-false}" = "true" ]; then
  (
    until rabbitmqctl -q await_startup >/dev/null 2>&1; do sleep 5; done
    rabbitmqctl -q set_policy --apply-to queues ce-ha-all '.*' '{"ha-mode":"all","ha-sync-mode":"automatic"}' \
      && echo "rabbitmq: applied the ce-ha-all mirroring policy"
  ) &
fi
if [ -n "${CE_CERTIFICATE_FILE:-}" ]; then
  # $$ is this shell, which becomes the server below: the reports end with it.
  (
    while kill -0 "$$" 2>/dev/null; do
      ce_report_certificate internal "$CE_CERTIFICATE_FILE"
      ce_report_certificate internal-ca "${CE_CERTIFICATE_FILE%/*}/rabbitmq_cert_ca.crt"
      sleep "${CE_CERTIFICATE_REPORT_SECONDS:-21600}"
    done
  ) &
fi
# shellcheck disable=SC2086 # the server command is words
exec $server
