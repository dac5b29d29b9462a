# One step of the MongoDB feature-compatibility walk from CE 5.0's data to
# CE 6.x (bash). Runs in a one-off container of the 6.x task, before the
# task's own mongod, on the mongo-data access point (uid 1001): starts this
# image's mongod on the data, loopback only, on a private port, with access
# control; checks the data is at the previous FCV; sets CE_FCV_TARGET
# (confirm: true from 7.0 on, as MongoDB requires); reads it back; stops
# mongod cleanly; records the target in CE_UPGRADE_MARKER.
#
# Resumable and safe to run on every start:
# - the marker at or past the target: nothing to do (mongod is not started);
# - no data (a fresh install): nothing to do;
# - the data already at the target: recorded, nothing else;
# - data newer than this image's mongod can open: nothing to do;
# - data at any other FCV, or a failure while setting or verifying it: exits
#   non-zero and records nothing, so the task's mongod never starts and the
#   data stays on its last good version.
#
# Environment: CE_FCV_TARGET (6.0, 7.0 or 8.0), CE_UPGRADE_MARKER;
# MONGO_ROOT_PASSWORD and CE_PREVIOUS_ROOT_PASSWORD (root is logged in with
# whichever works; read inside mongosh, never on a command line); optional
# CE_DB_PATH (/data/db), CE_UPGRADE_PORT (27018), CE_START_SECONDS (180),
# CE_MONGOD (mongod), CE_MONGO_SHELL (mongosh), CE_MONGOD_LOG,
# CE_WIREDTIGER_CACHE_GB (1: the step shares the task with RabbitMQ).
set -uo pipefail
target="$CE_FCV_TARGET"
marker="$CE_UPGRADE_MARKER"
db="${CE_DB_PATH:-/data/db}"
port="${CE_UPGRADE_PORT:-27018}"
mongod_bin="${CE_MONGOD:-mongod}"
shell="${CE_MONGO_SHELL:-mongosh}"
mongod_log="${CE_MONGOD_LOG:-/tmp/mongod-upgrade.log}"

log() { echo "mongodb-upgrade [FCV $target]: $*"; }
previous_of() { case "$1" in 6.0) echo 5.0 ;; 7.0) echo 6.0 ;; 8.0) echo 7.0 ;; *) return 1 ;; esac; }
# Whether version $1 is at least $2 (major.minor).
at_least() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; }

previous="$(previous_of "$target")" || { log "unknown target; expected 6.0, 7.0 or 8.0"; exit 64; }
recorded="$(cat "$marker" 2>/dev/null || true)"
if [ -n "$recorded" ] && at_least "$recorded" "$target"; then
  log "recorded at FCV $recorded already: nothing to do"
  exit 0
fi
if [ ! -e "$db/WiredTiger" ]; then
  log "no MongoDB data in $db (a new installation): nothing to upgrade"
  exit 0
fi

"$mongod_bin" --dbpath "$db" --port "$port" --bind_ip 127.0.0.1 --auth --wiredTigerCacheSizeGB "${CE_WIREDTIGER_CACHE_GB:-1}" > "$mongod_log" 2>&1 &
pid=$!
stop_mongod() {
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

AUTH="function rootWith(p) { try { return !!p && !!db.getSiblingDB('admin').auth('root', p); } catch (e) { return false; } }
  if (!rootWith(process.env.MONGO_ROOT_PASSWORD) && !rootWith(process.env.CE_PREVIOUS_ROOT_PASSWORD)) { print('AUTH_FAILED'); quit(2); }"
as_root() { "$shell" --quiet --host 127.0.0.1 --port "$port" --eval "$AUTH
  $1" 2>/dev/null | tail -n 1; }

ready=""
for _ in $(seq 1 "${CE_START_SECONDS:-180}"); do
  if ! kill -0 "$pid" 2>/dev/null; then
    # mongod refuses data whose FCV it cannot run; the log names the FCV it found.
    found="$(grep -oE "feature compatibility version value '[0-9]+\.[0-9]+'" "$mongod_log" | head -n 1 | grep -oE "[0-9]+\.[0-9]+")"
    if [ -n "$found" ] && at_least "$found" "$target"; then
      log "the data is at FCV $found, newer than this step's mongod can open: nothing to do"
      exit 0
    fi
    if [ -n "$found" ]; then
      log "the data is at FCV $found; this step needs $previous first: stopping, nothing changed"
      exit 2
    fi
    log "mongod stopped before it answered; its last lines:"
    tail -n 20 "$mongod_log"
    exit 4
  fi
  if [ "$("$shell" --quiet --host 127.0.0.1 --port "$port" --eval 'print(db.adminCommand({ ping: 1 }).ok)' 2>/dev/null | tail -n 1)" = "1" ]; then
    ready=yes
    break
  fi
  sleep 1
done
if [ -z "$ready" ]; then
  log "mongod did not answer in ${CE_START_SECONDS:-180} s"
  stop_mongod
  exit 4
fi

read_fcv() { as_root 'print(db.adminCommand({ getParameter: 1, featureCompatibilityVersion: 1 }).featureCompatibilityVersion.version)'; }
record() {
  printf '%s\n' "$target" > "$marker.tmp" && mv "$marker.tmp" "$marker"
}

current="$(read_fcv)"
if [ "$current" = "AUTH_FAILED" ]; then
  log "root could log in with neither the root nor the maintenance password"
  stop_mongod
  exit 5
fi
if [ "$current" = "$target" ]; then
  stop_mongod
  record
  log "the data is at FCV $target already: recorded"
  exit 0
fi
if [ "$current" != "$previous" ]; then
  log "the data is at FCV ${current:-unknown}; this step needs $previous first: stopping, nothing changed"
  stop_mongod
  exit 2
fi

confirm=""
at_least "$target" "7.0" && confirm=", confirm: true"
result="$(as_root "try { var r = db.adminCommand({ setFeatureCompatibilityVersion: '$target'$confirm }); print(r.ok ? 'SET' : 'FAILED ' + r.errmsg); } catch (e) { print('FAILED ' + String(e).replace(/\s+/g, ' ')); }")"
after="$(read_fcv)"
stop_mongod
if [ "$after" != "$target" ]; then
  log "setting FCV $target failed (${result:-no answer}); the data stays at FCV ${after:-$current}"
  exit 3
fi
record
log "FCV $current -> $target, verified and recorded"
exit 0
