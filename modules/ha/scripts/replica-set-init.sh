# Cloud Exchange HA replica-set init (bash). Runs in every node's task once
# its mongod is healthy, and exits 0 when this node is a replica-set member.
#
# It never re-initiates or splits the set:
# - a node whose mongod already holds a replica-set config is done;
# - a node without one joins through the current primary (rs.add), which is
#   also how a node whose data was lost gets its data back (initial sync);
# - only the seed node (node 1) initiates, only when no other node is a
#   member, and only if the shared EFS directory holds no marker saying the
#   set was initiated before (so node 1 losing its data while the others are
#   unreachable waits instead of starting a second set).
#
# Environment: CE_NODE_HOST, CE_NODE_HOSTS (comma-separated), CE_SEED_HOST,
# CE_REPLICA_SET, CE_SHARED_DIR, MONGO_ROOT_PASSWORD (the maintenance
# password, from Secrets Manager; CE_PREVIOUS_ROOT_PASSWORD too, root's former
# password, while the mongodb container moves root back to it);
# optional CE_MONGO_TLS_DIR (connect over TLS with the task's client
# certificate: CE 6.x members accept nothing else), CE_POLL_SECONDS (default
# 15) and CE_MAX_ROUNDS (default: no limit; the script exits 3 after that many
# rounds without becoming a member).
set -uo pipefail
# mongosh reads the password from the environment inside JavaScript: it is never on a command line.
shell="${CE_MONGO_SHELL:-$(command -v mongosh)}"
poll="${CE_POLL_SECONDS:-15}"
max_rounds="${CE_MAX_ROUNDS:-0}"
round=0
port=27017
self="$CE_NODE_HOST:$port"
marker="$CE_SHARED_DIR/replica-set-initiated"
IFS=',' read -r -a hosts <<< "$CE_NODE_HOSTS"
tls=()
if [ -n "${CE_MONGO_TLS_DIR:-}" ]; then
  tls=(--tls --tlsCAFile "$CE_MONGO_TLS_DIR/tls_cert_ca.crt" --tlsCertificateKeyFile "$CE_MONGO_TLS_DIR/tls_cert_key.pem")
fi

log() { echo "replica-set-init [$CE_NODE_HOST]: $*"; }

# Runs JavaScript on a host as root; prints its last output line (nothing if unreachable).
on_host() {
  timeout 30 "$shell" "${tls[@]}" --quiet --host "$1" --port "$port" --eval "
    function rootWith(p) { try { return !!p && !!db.getSiblingDB('admin').auth('root', p); } catch (e) { return false; } }
    if (!rootWith(process.env.MONGO_ROOT_PASSWORD) && !rootWith(process.env.CE_PREVIOUS_ROOT_PASSWORD)) { print('ERROR authentication failed'); quit(2); }
    $2" 2>/dev/null | tail -n 1
}

# MEMBER <primary or -> | UNINITIALIZED | ERROR <reason>; empty when unreachable.
status_of() {
  on_host "$1" '/*ce:status*/
    try {
      var s = db.adminCommand({ replSetGetStatus: 1 });
      if (s.ok) {
        var p = s.members.filter(function (m) { return m.stateStr === "PRIMARY"; })[0];
        print("MEMBER " + (p ? p.name : "-"));
      } else if (s.code === 94) { print("UNINITIALIZED"); } else { print("ERROR " + s.codeName); }
    } catch (e) {
      if (e.code === 94 || /NotYetInitialized|no replset config/.test(String(e))) { print("UNINITIALIZED"); }
      else { print("ERROR " + String(e).replace(/\s+/g, " ")); }
    }'
}

initiate() {
  on_host "$CE_NODE_HOST" "/*ce:initiate*/
    try {
      var r = rs.initiate({ _id: '$CE_REPLICA_SET', members: [{ _id: 0, host: '$self' }] });
      print(r.ok ? 'INITIATED' : 'ERROR ' + r.errmsg);
    } catch (e) { print('ERROR ' + String(e).replace(/\s+/g, ' ')); }"
}

# Adds this node through the primary; PRESENT when the config already lists it.
join_through() {
  on_host "${1%:*}" "/*ce:add*/
    try {
      var hosts = rs.conf().members.map(function (m) { return m.host; });
      if (hosts.indexOf('$self') >= 0) { print('PRESENT'); }
      else { var r = rs.add({ host: '$self' }); print(r.ok ? 'ADDED' : 'ERROR ' + r.errmsg); }
    } catch (e) { print('ERROR ' + String(e).replace(/\s+/g, ' ')); }"
}

while true; do
  round=$((round + 1))
  if [ "$max_rounds" -gt 0 ] && [ "$round" -gt "$max_rounds" ]; then
    log "not a member after $max_rounds rounds; giving up"
    exit 3
  fi
  local_status="$(status_of "$CE_NODE_HOST")"
  case "$local_status" in
    MEMBER*)
      log "member of replica set $CE_REPLICA_SET (primary: ${local_status#MEMBER })"
      if [ ! -e "$marker" ]; then
        printf '%s member %s found it initiated at %s\n' "$CE_REPLICA_SET" "$self" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$marker"
      fi
      exit 0
      ;;
    UNINITIALIZED) ;;
    *)
      log "local mongod not ready (${local_status:-unreachable}); retrying"
      sleep "$poll"
      continue
      ;;
  esac

  primary=""
  members=0
  for host in "${hosts[@]}"; do
    [ "$host" = "$CE_NODE_HOST" ] && continue
    peer="$(status_of "$host")"
    case "$peer" in
      MEMBER*)
        members=$((members + 1))
        candidate="${peer#MEMBER }"
        [ "$candidate" != "-" ] && primary="$candidate"
        ;;
    esac
  done

  if [ "$members" -gt 0 ]; then
    if [ -z "$primary" ]; then
      log "the replica set has no primary yet; waiting"
    else
      result="$(join_through "$primary")"
      log "joining through $primary: ${result:-no answer}"
    fi
  elif [ "$CE_NODE_HOST" = "$CE_SEED_HOST" ]; then
    if [ -e "$marker" ]; then
      log "no member reachable, but the set was initiated before ($(head -n 1 "$marker")); not starting a second set, waiting"
    else
      result="$(initiate)"
      log "initiating replica set $CE_REPLICA_SET: ${result:-no answer}"
      if [ "$result" = "INITIATED" ]; then
        printf '%s initiated by %s at %s\n' "$CE_REPLICA_SET" "$self" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$marker"
      fi
    fi
  else
    log "waiting for the seed node $CE_SEED_HOST to initiate the replica set"
  fi
  sleep "$poll"
done
