# RabbitMQ cluster membership of an HA node (bash functions, sourced by the
# RabbitMQ entrypoint before it starts the server). CE's own `start` joins a
# secondary with stop_app/reset/join_cluster and adds it to the quorum
# queues; on Fargate a node is a task that comes and goes, so this does the
# same, idempotently, every time a node starts:
#
# - a node with cluster state (its data directory is not empty) starts and
#   rejoins its cluster by itself; nothing is ever reset on the way down;
# - a node without state starts only once a cluster member answers, so a
#   node that cannot reach its peers waits (its health check fails) instead
#   of forming a cluster of its own; the one exception is the seed node of a
#   cluster that never formed (no marker in the shared directory);
# - a member still listed for this node's name (a replaced task whose data
#   was lost) is forgotten first, so the new node joins under the same name;
# - once the server runs it checks that it joined (peer discovery joins it at
#   boot; if that did not happen, it joins explicitly), then keeps every CE
#   quorum queue a member on this node and reports, every interval, one JSON
#   line and a status file the health check reads: a node running a cluster
#   of its own while the other nodes run theirs without it reports `outside`
#   and turns unhealthy.
#
# Parameters (environment): RABBITMQ_NODENAME, CE_RABBITMQ_PEERS (every node
# name, comma-separated), CE_RABBITMQ_SEED, CE_SHARED_DIR (marker),
# CE_QUORUM_QUEUES (comma-separated; empty for classic queues), and the
# optional CE_CLUSTER_STATUS_FILE, CE_JOIN_POLL_SECONDS (10),
# CE_JOIN_MAX_WAIT_SECONDS (0: forever), CE_MEMBERSHIP_INTERVAL_SECONDS (60),
# CE_CTL_TIMEOUT_SECONDS (30), RABBITMQ_MNESIA_BASE.

ce_cluster_status_file="${CE_CLUSTER_STATUS_FILE:-/tmp/ce-cluster-status}"
ce_self="$RABBITMQ_NODENAME"

ce_cluster_log() { echo "rabbitmq-cluster [$ce_self]: $*" >&2; }
ce_cluster_report() { printf '%s\n' "$1" > "$ce_cluster_status_file"; }

# Runs rabbitmqctl (or another CLI tool) against a node with a time limit; quiet.
ce_ctl() {
  local tool="$1" node="$2"
  shift 2
  # --foreground keeps the CLI in this process group: stopping the node's group stops it too.
  timeout --foreground "${CE_CTL_TIMEOUT_SECONDS:-30}" "$tool" -q -n "$node" "$@" 2>/dev/null
}

# `cluster_status` of a node as JSON; nothing when it is unreachable.
ce_cluster_status() { ce_ctl rabbitmqctl "$1" cluster_status --formatter json || true; }

# The nodes of a list field (disk_nodes, running_nodes) of a cluster_status JSON, one per line.
ce_status_field() { grep -o "\"$2\":\[[^]]*\]" <<< "$1" | grep -o '"[^",]*@[^",]*"' | tr -d '"' || true; }

# The nodes of a list field of `cluster_status` of a node, one per line; nothing when unreachable.
ce_cluster_field() { ce_status_field "$(ce_cluster_status "$1")" "$2"; }

ce_cluster_peers() { tr ',' '\n' <<< "$CE_RABBITMQ_PEERS" | grep -vx "$ce_self" || true; }

# Whether a peer's server listens on its distribution port (25672; CLI tools listen elsewhere),
# within 3 s: one TCP connection instead of a CLI that boots a VM to learn that nothing runs there.
ce_peer_reachable() { timeout 3 bash -c ": > /dev/tcp/${1#*@}/${RABBITMQ_DIST_PORT:-25672}" 2>/dev/null; }

# The running nodes a peer reports; nothing when it is unreachable.
ce_peer_running() { if ce_peer_reachable "$1"; then ce_cluster_field "$1" running_nodes; fi; }

ce_has_state() {
  local dir="${RABBITMQ_MNESIA_BASE:-/var/lib/rabbitmq/mnesia}/$ce_self"
  [ -d "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]
}

# Before the server starts: decides whether this node may start, and which member it joins.
# Sets ce_join_target (empty: start as the cluster's first node, or with its own state).
ce_join_target=""
ce_forming=""
ce_cluster_gate() {
  ce_cluster_report "starting"
  if ce_has_state; then
    ce_cluster_log "has cluster state; rejoining its cluster"
    return 0
  fi
  local marker="${CE_SHARED_DIR:?}/rabbitmq-cluster-formed" waited=0 peer
  while true; do
    for peer in $(ce_cluster_peers); do
      if [ -n "$(ce_peer_running "$peer")" ]; then
        ce_join_target="$peer"
        break 2
      fi
    done
    if [ "$ce_self" = "${CE_RABBITMQ_SEED:?}" ] && [ ! -e "$marker" ]; then
      ce_forming=1
      ce_cluster_log "no member reachable and no cluster formed before: forming the cluster"
      return 0
    fi
    ce_cluster_report "waiting"
    if [ "${CE_JOIN_MAX_WAIT_SECONDS:-0}" -gt 0 ] && [ "$waited" -ge "$CE_JOIN_MAX_WAIT_SECONDS" ]; then
      ce_cluster_log "no cluster member reachable after ${waited}s; not forming a cluster of its own, giving up"
      exit 3
    fi
    ce_cluster_log "no data and no cluster member reachable; waiting (not forming a cluster of its own)"
    sleep "${CE_JOIN_POLL_SECONDS:-10}"
    waited=$((waited + ${CE_JOIN_POLL_SECONDS:-10}))
  done
  if ce_cluster_field "$ce_join_target" disk_nodes | grep -qx "$ce_self"; then
    # The cluster still lists this name: the node it was lost its data. Forget it, then join anew.
    ce_ctl rabbitmqctl "$ce_join_target" forget_cluster_node "$ce_self" >/dev/null \
      && ce_cluster_log "$ce_join_target forgot the lost $ce_self; joining again under the same name"
  fi
  ce_cluster_log "joining the cluster through $ce_join_target"
}

# Adds this node to every CE quorum queue that exists and lacks it; prints how many queues have
# fewer members than nodes.
ce_reconcile_queues() {
  [ -n "${CE_QUORUM_QUEUES:-}" ] || { echo 0; return 0; }
  local listing queue line members below=0 expected
  expected=$(tr ',' '\n' <<< "$CE_RABBITMQ_PEERS" | grep -c .)
  listing="$(ce_ctl rabbitmqctl "$ce_self" list_queues name type members --formatter json | tr -d '\n' | sed 's/},{/}\n{/g')"
  for queue in $(tr ',' ' ' <<< "$CE_QUORUM_QUEUES"); do
    line="$(grep "\"name\":\"$queue\"" <<< "$listing" || true)"
    [ -n "$line" ] || continue
    members="$(grep -o '"members":\[[^]]*\]' <<< "$line" | grep -o '"[^",]*@[^",]*"' | tr -d '"' || true)"
    if ! grep -qx "$ce_self" <<< "$members"; then
      ce_ctl rabbitmq-queues "$ce_self" add_member "$queue" "$ce_self" >/dev/null \
        && ce_cluster_log "added this node to quorum queue $queue" \
        && members="$(printf '%s\n%s' "$members" "$ce_self")"
    fi
    [ "$(grep -c . <<< "$members")" -lt "$expected" ] && below=$((below + 1))
  done
  echo "$below"
}

# After the server starts (in the background; ends with the server, whose pid is $1).
ce_cluster_watch() {
  set +e
  local server_pid="$1" disk running outside below peer others
  until ce_ctl rabbitmqctl "$ce_self" await_startup >/dev/null; do
    kill -0 "$server_pid" 2>/dev/null || return 0
    sleep 2
  done
  # Joins explicitly only on the join target's own word that this node is not running with it: a
  # status that cannot be read (the target busy or briefly unreachable) is no reason to reset a node.
  local target_view="" attempt
  if [ -n "$ce_join_target" ]; then
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      target_view="$(ce_cluster_status "$ce_join_target")"
      [ -n "$target_view" ] && break
      sleep 3
    done
    [ -n "$target_view" ] || ce_cluster_log "cannot read the cluster status of $ce_join_target; leaving the join to peer discovery"
  fi
  if [ -n "$target_view" ] && ! ce_status_field "$target_view" running_nodes | grep -qx "$ce_self"; then
    ce_cluster_log "peer discovery did not join it; joining $ce_join_target explicitly"
    ce_ctl rabbitmqctl "$ce_self" stop_app >/dev/null
    ce_ctl rabbitmqctl "$ce_self" reset >/dev/null
    ce_ctl rabbitmqctl "$ce_self" join_cluster "$ce_join_target" >/dev/null || ce_cluster_log "join_cluster $ce_join_target failed"
    ce_ctl rabbitmqctl "$ce_self" start_app >/dev/null
  fi
  if [ -n "$ce_forming" ]; then
    printf 'formed by %s at %s\n' "$ce_self" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$CE_SHARED_DIR/rabbitmq-cluster-formed"
  fi
  while kill -0 "$server_pid" 2>/dev/null; do
    local own
    own="$(ce_cluster_status "$ce_self")"
    disk="$(ce_status_field "$own" disk_nodes)"
    running="$(ce_status_field "$own" running_nodes)"
    outside=0
    if [ -n "$disk" ] && ! grep -qvx "$ce_self" <<< "$disk"; then
      # A cluster of just this node, while other nodes run a cluster of their own without it: a
      # split. (A peer still forming, alone or already with this node, is not one.)
      for peer in $(ce_cluster_peers); do
        others="$(ce_peer_running "$peer")"
        if [ "$(grep -c . <<< "$others")" -ge 2 ] && ! grep -qx "$ce_self" <<< "$others"; then outside=1; break; fi
      done
    fi
    below="$(ce_reconcile_queues)"
    ce_cluster_report "$([ "$outside" = 1 ] && echo outside || echo member)"
    printf '{"event":"ce-rabbitmq-membership","node":"%s","clusterNodes":%d,"runningNodes":%d,"outside":%d,"queuesBelowMembers":%d}\n' \
      "$ce_self" "$(grep -c . <<< "$disk")" "$(grep -c . <<< "$running")" "$outside" "$below"
    sleep "${CE_MEMBERSHIP_INTERVAL_SECONDS:-60}"
  done
}
