# One step of the MongoDB feature-compatibility walk from CE 5.0's data to
# CE 6.x (bash). Runs in a one-off container of the 6.x task, before the
# task's own mongod, on the mongo-data access point (uid 1001): starts this
# image's mongod on the data, loopback only, on a private port, with access
# control; checks the data is at the previous FCV; sets CE_FCV_TARGET
# (confirm: true from 7.0 on, as MongoDB requires); reads it back; stops
# mongod and checks it stopped cleanly; records the target in
# CE_UPGRADE_MARKER.
#
# Resumable and safe to run on every start:
# - the marker at or past the target: nothing to do (mongod is not started);
# - no data (a fresh install): nothing to do;
# - the data already at the target: recorded, nothing else;
# - data newer than this image's mongod can open (mongod refuses it and
#   names the FCV it found): nothing to do;
# - data older than the previous FCV, a failure while setting or verifying
#   it, a mongod that does not stop cleanly, or a SIGTERM (ECS stopping the
#   task; forwarded to mongod): exits non-zero and records nothing, so the
#   task's mongod never starts and the data stays on its last good version.
#
# Environment: CE_FCV_TARGET (5.0, 6.0, 7.0 or 8.0), CE_UPGRADE_MARKER;
# MONGO_ROOT_PASSWORD and CE_PREVIOUS_ROOT_PASSWORD (root is logged in with
# whichever works; read inside mongosh, never on a command line); optional
# CE_DB_PATH (/data/db), CE_UPGRADE_PORT (27018), CE_START_SECONDS (180),
# CE_STOP_SECONDS (100), CE_MONGOD (mongod), CE_MONGO_SHELL (mongosh),
# CE_MONGOD_LOG, CE_WIREDTIGER_CACHE_GB (1: the step shares the task with
# RabbitMQ).
set -uo pipefail
target="$CE_FCV_TARGET"
marker="$CE_UPGRADE_MARKER"
db="${CE_DB_PATH:-/data/db}"
port="${CE_UPGRADE_PORT:-27018}"
mongod_bin="${CE_MONGOD:-mongod}"
shell="${CE_MONGO_SHELL:-mongosh}"
mongod_log="${CE_MONGOD_LOG:-/tmp/mongod-upgrade.log}"
pid=""

log() { echo "mongodb-upgrade [FCV $target]: $*"; }
# The FCV a step starts from; 4.4 is the oldest the walk takes (MongoDB 5.0 opens nothing older).
previous_of() { case "$1" in 5.0) echo 4.4 ;; 6.0) echo 5.0 ;; 7.0) echo 6.0 ;; 8.0) echo 7.0 ;; *) return 1 ;; esac; }
# Whether version $1 is at least $2 (major.minor).
at_least() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; }

# The FCV mongod found in the data when it refused to start on it, from its
# log (empty when the log names none). mongod logs JSON lines, so the refusal
# is the "error" attribute of "Wrong mongod version", its double quotes
# escaped (\"); plain-text logs carry them unescaped. Each version words it
# differently (MongoDB's feature_compatibility_version_parser.cpp):
#   5.0      ... found 4.2, expected '4.4' or '4.9' or '5.0. See ...
#   6.0      ... Invalid feature compatibility version value, expected '5.0' or '5.3' or '6.0. See ...
#   7.0, 8.0 ... Invalid feature compatibility version value '4.4'; expected '6.0' or '6.3' or '7.0'. See ...
#   later    ... Invalid feature compatibility version value '4.4'. Expected one of the following versions: ...
# and each wraps it in the document it read: { _id: "featureCompatibilityVersion", version: "4.4" }.
# The document's version is read first, then the quoted value, then "found".
refused_fcv() {
  grep -E 'featureCompatibilityVersion|feature compatibility version' "$1" 2>/dev/null | grep -E 'UPGRADE PROBLEM|Invalid' | head -n 1 | sed -nE \
    -e 's/.*[{,][[:space:]]*version:[[:space:]]*\\?"([0-9]+\.[0-9]+)\\?".*/\1/p' -e 't' \
    -e "s/.*version value '([0-9]+\.[0-9]+)'.*/\1/p" -e 't' \
    -e 's/.*[[:space:]]found[[:space:]]+([0-9]+\.[0-9]+).*/\1/p'
}

# Stops mongod: SIGTERM, then up to CE_STOP_SECONDS for it to exit. Succeeds
# only when it exited, with status 0 (a clean shutdown).
stop_mongod() {
  [ -n "$pid" ] || return 0
  local stopping="$pid" deadline=$((SECONDS + ${CE_STOP_SECONDS:-100})) status
  pid=""
  kill -TERM "$stopping" 2>/dev/null
  while kill -0 "$stopping" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "mongod (pid $stopping) is still running ${CE_STOP_SECONDS:-100} s after SIGTERM"
      return 1
    fi
    sleep 0.2
  done
  wait "$stopping" 2>/dev/null
  status=$?
  if [ "$status" -ne 0 ]; then
    log "mongod exited with status $status when stopped, not cleanly; its last lines:"
    tail -n 20 "$mongod_log"
    return 1
  fi
}

# ECS stops a container with SIGTERM: stop mongod with it, record nothing.
on_term() {
  log "stopped by SIGTERM: stopping mongod, nothing recorded"
  stop_mongod
  exit 143
}
trap on_term TERM INT

# Leaves with $1 after stopping mongod; a mongod that does not stop cleanly makes it 6.
finish() {
  if ! stop_mongod; then
    log "nothing recorded; the next start checks the data again"
    exit 6
  fi
  exit "$1"
}

previous="$(previous_of "$target")" || { log "unknown target; expected 5.0, 6.0, 7.0 or 8.0"; exit 64; }
recorded="$(cat "$marker" 2>/dev/null || true)"
if [ -n "$recorded" ] && at_least "$recorded" "$target"; then
  log "recorded at FCV $recorded already: nothing to do"
  exit 0
fi
if [ ! -e "$db/WiredTiger" ]; then
  log "no MongoDB data in $db (a new installation): nothing to upgrade"
  exit 0
fi
if ! command -v "$shell" > /dev/null; then
  log "this image has no $shell (CE_MONGO_SHELL): set upgrade.images to an image that ships it"
  exit 64
fi

"$mongod_bin" --dbpath "$db" --port "$port" --bind_ip 127.0.0.1 --auth --wiredTigerCacheSizeGB "${CE_WIREDTIGER_CACHE_GB:-1}" > "$mongod_log" 2>&1 &
pid=$!

AUTH="function rootWith(p) { try { return !!p && !!db.getSiblingDB('admin').auth('root', p); } catch (e) { return false; } }
  if (!rootWith(process.env.MONGO_ROOT_PASSWORD) && !rootWith(process.env.CE_PREVIOUS_ROOT_PASSWORD)) { print('AUTH_FAILED'); quit(2); }"
as_root() { "$shell" --quiet --host 127.0.0.1 --port "$port" --eval "$AUTH
  $1" 2>/dev/null | tail -n 1; }

# mongod stopped before it answered: a refusal of the data's FCV, or something else.
refused() {
  local found
  wait "$pid" 2>/dev/null
  pid=""
  found="$(refused_fcv "$mongod_log")"
  if [ -n "$found" ] && at_least "$found" "$target"; then
    log "the data is at FCV $found, newer than this step's mongod can open: nothing to do"
    exit 0
  fi
  if [ -n "$found" ] && [ "$target" = "5.0" ]; then
    log "the data is at FCV $found, older than the walk starts from (4.4, the oldest MongoDB 5.0 opens): nothing changed. Bring it to FCV 4.4 first with MongoDB 4.4 (setFeatureCompatibilityVersion '4.4' on each older major version in turn), or restore a newer backup (docs/upgrades.md)"
    exit 2
  fi
  if [ -n "$found" ]; then
    log "the data is at FCV $found; this step needs $previous first: stopping, nothing changed"
    exit 2
  fi
  log "mongod stopped before it answered; its last lines:"
  tail -n 20 "$mongod_log"
  exit 4
}

ready=""
started=$SECONDS
while [ $((SECONDS - started)) -lt "${CE_START_SECONDS:-180}" ]; do
  kill -0 "$pid" 2>/dev/null || refused
  if [ "$("$shell" --quiet --host 127.0.0.1 --port "$port" --eval 'print(db.adminCommand({ ping: 1 }).ok)' 2>/dev/null | tail -n 1)" = "1" ]; then
    ready=yes
    break
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  log "mongod did not answer in ${CE_START_SECONDS:-180} s"
  finish 4
fi

read_fcv() { as_root 'print(db.adminCommand({ getParameter: 1, featureCompatibilityVersion: 1 }).featureCompatibilityVersion.version)'; }
record() {
  printf '%s\n' "$target" > "$marker.tmp" && mv "$marker.tmp" "$marker"
}

current="$(read_fcv)"
if [ "$current" = "AUTH_FAILED" ]; then
  log "root could log in with neither the root nor the maintenance password"
  finish 5
fi
if [ "$current" = "$target" ]; then
  if ! stop_mongod; then
    log "the data is at FCV $target already, but mongod did not stop cleanly: nothing recorded; the next start checks the data again"
    exit 6
  fi
  record
  log "the data is at FCV $target already: recorded"
  exit 0
fi
if [ "$current" != "$previous" ]; then
  log "the data is at FCV ${current:-unknown}; this step needs $previous first: stopping, nothing changed"
  finish 2
fi

confirm=""
at_least "$target" "7.0" && confirm=", confirm: true"
result="$(as_root "try { var r = db.adminCommand({ setFeatureCompatibilityVersion: '$target'$confirm }); print(r.ok ? 'SET' : 'FAILED ' + r.errmsg); } catch (e) { print('FAILED ' + String(e).replace(/\s+/g, ' ')); }")"
after="$(read_fcv)"
if [ "$after" != "$target" ]; then
  log "setting FCV $target failed (${result:-no answer}); the data stays at FCV ${after:-$current}"
  finish 3
fi
if ! stop_mongod; then
  log "FCV $current -> $target set, but mongod did not stop cleanly: nothing recorded; the next start checks the data again"
  exit 6
fi
record
log "FCV $current -> $target, verified and recorded"
exit 0
