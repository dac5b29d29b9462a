#!/bin/bash
# The RabbitMQ image's entrypoint: the official image's (it replaces itself
# with its command), on Debian's RabbitMQ 3.10 instead of CE's 4.2. Two
# adaptations, each printed: the settings 3.10 does not know
# (quorum_queue.continuous_membership_reconciliation.*, RabbitMQ 3.13+) are
# left out of a copy of conf.d the server reads, and RABBITMQ_FEATURE_FLAGS
# keeps only the flags 3.10 has (CE 6.1 names 4.x flags). Anything else 3.10
# refuses stops the server, as it would stop 4.2.
set -euo pipefail
if [ "${1:-}" = rabbitmq-server ]; then
  newer='^[[:space:]]*quorum_queue\.continuous_membership_reconciliation\.'
  dir="$(mktemp -d /tmp/rabbitmq-3.10-conf.XXXXXX)"
  for f in ${RABBITMQ_CONFIG_FILES:-/etc/rabbitmq/conf.d/*.conf}; do
    [ -e "$f" ] || continue
    { grep -n "$newer" "$f" || true; } | while IFS= read -r line; do
      echo "rabbitmq image (3.10): leaving out ${f##*/} line ${line%%:*}: ${line#*:} (a RabbitMQ 3.13+ setting)"
    done
    grep -v "$newer" "$f" > "$dir/${f##*/}" || true
  done
  export RABBITMQ_CONFIG_FILES="$dir/*.conf"
  if [ -n "${RABBITMQ_FEATURE_FLAGS:-}" ]; then
    known=",classic_mirrored_queue_version,drop_unroutable_metric,empty_basic_get_metric,implicit_default_bindings,maintenance_mode_status,quorum_queue,stream_queue,user_limits,virtual_host_metadata,"
    kept=()
    dropped=()
    IFS=, read -ra flags <<< "$RABBITMQ_FEATURE_FLAGS"
    for flag in "${flags[@]}"; do
      case "$known" in *",$flag,"*) kept+=("$flag") ;; *) dropped+=("$flag") ;; esac
    done
    echo "rabbitmq image (3.10): RABBITMQ_FEATURE_FLAGS without the flags 3.10 does not have: ${dropped[*]:-none}"
    RABBITMQ_FEATURE_FLAGS="$(IFS=,; echo "${kept[*]}")"
    export RABBITMQ_FEATURE_FLAGS
  fi
fi
exec "$@"
