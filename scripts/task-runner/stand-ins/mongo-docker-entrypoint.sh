#!/bin/bash
# The MongoDB image's entrypoint, as the official image's behaves where the
# tasks use it: on an empty data directory with MONGO_INITDB_ROOT_USERNAME
# and _PASSWORD set, it starts mongod on loopback (TLS allowed, not
# required; no replica set), creates root, runs /docker-entrypoint-initdb.d
# (*.sh sourced with "${mongo[@]}" a root shell, *.js through it), stops it;
# then replaces itself with the command (mongod and its flags), with --auth
# added when a root user is configured, as the official image does.
set -Eeuo pipefail
if [ "${1:0:1}" = '-' ]; then set -- mongod "$@"; fi
if [ "$1" = mongod ]; then
  dbpath=/data/db
  args=("$@")
  for ((i = 1; i < ${#args[@]}; i++)); do [ "${args[$i]}" = --dbpath ] && dbpath="${args[$((i + 1))]}"; done
  if [ ! -e "$dbpath/WiredTiger" ] && [ -n "${MONGO_INITDB_ROOT_USERNAME:-}" ] && [ -n "${MONGO_INITDB_ROOT_PASSWORD:-}" ]; then
    init=()
    for ((i = 1; i < ${#args[@]}; i++)); do
      case "${args[$i]}" in
        --bind_ip_all) ;;
        --bind_ip | --port | --replSet | --tlsMode) i=$((i + 1)) ;;
        *) init+=("${args[$i]}") ;;
      esac
    done
    tls_mode=disabled
    for arg in "${init[@]}"; do [ "$arg" = --tlsCertificateKeyFile ] && tls_mode=allowTLS; done
    mongod "${init[@]}" --bind_ip 127.0.0.1 --port 27017 --tlsMode "$tls_mode" &
    pid=$!
    mongo=(mongosh --host 127.0.0.1 --port 27017 --quiet)
    for _ in $(seq 1 300); do
      "${mongo[@]}" admin --eval 'quit(0)' >/dev/null 2>&1 && break
      kill -0 "$pid" 2>/dev/null || { echo "docker-entrypoint: mongod stopped during initialization" >&2; exit 1; }
      sleep 0.1
    done
    js_string() { local s="$1"; s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"; }
    "${mongo[@]}" admin <<EOJS
db.createUser({ user: $(js_string "$MONGO_INITDB_ROOT_USERNAME"), pwd: $(js_string "$MONGO_INITDB_ROOT_PASSWORD"), roles: [{ role: "root", db: "admin" }] });
EOJS
    mongo+=(--username="$MONGO_INITDB_ROOT_USERNAME" --password="$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase=admin)
    export MONGO_INITDB_DATABASE="${MONGO_INITDB_DATABASE:-test}"
    for f in /docker-entrypoint-initdb.d/*; do
      case "$f" in
        *.sh) echo "docker-entrypoint: running $f"; . "$f" ;;
        *.js) echo "docker-entrypoint: running $f"; "${mongo[@]}" "$MONGO_INITDB_DATABASE" < "$f" ;;
        *) [ -e "$f" ] && echo "docker-entrypoint: ignoring $f" ;;
      esac
    done
    "${mongo[@]}" admin --eval 'db.adminCommand({ shutdown: 1 })' >/dev/null 2>&1 || true
    wait "$pid" || true
    echo "docker-entrypoint: MongoDB init process complete; ready for start up."
  fi
  if [ -n "${MONGO_INITDB_ROOT_USERNAME:-}" ] && [ -n "${MONGO_INITDB_ROOT_PASSWORD:-}" ]; then
    case " $* " in *" --auth "*) ;; *) set -- "$@" --auth ;; esac
  fi
fi
exec "$@"
