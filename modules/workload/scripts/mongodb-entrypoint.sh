# MongoDB entrypoint for releases with TLS inside the task (bash). Starts
# mongod through the image's own entrypoint with the flags given as
# arguments, replacing this shell, so mongod receives ECS's SIGTERM (CE's
# compose file keeps it in the background behind bash, where it never gets
# one). Once mongod answers, in the background:
# - when CE_PREVIOUS_ROOT_PASSWORD is set (data whose root user still has the
#   maintenance password, from before root had a secret of its own, or from
#   CE 5.0), it moves root to MONGO_INITDB_ROOT_PASSWORD: on a standalone
#   mongod or the primary; a secondary waits for the change to replicate;
# - when MONGODB_AUTOCOMPACT_ENABLED is true it turns on CE 6.1's autoCompact
#   (standalone, PRIMARY or SECONDARY).
# It logs in as root with passwords read inside mongosh from the environment:
# never on a command line, never in the log.
set -euo pipefail
delay="${CE_AUTOCOMPACT_DELAY_SECONDS:-30}"
poll="${CE_AUTOCOMPACT_POLL_SECONDS:-30}"
attempts="${CE_AUTOCOMPACT_ATTEMPTS:-60}"

# Runs JavaScript as root; prints its last output line.
as_root() {
  mongosh --quiet --eval "
    if (!db.getSiblingDB('admin').auth('root', process.env.MONGO_INITDB_ROOT_PASSWORD)) { print('AUTH_FAILED'); quit(3); }
    $1" 2>/dev/null | tail -n 1
}

move_root_password() {
  local result
  for _ in $(seq 1 "$attempts"); do
    result="$(mongosh --quiet --eval "
      function rootWith(password) {
        try { return !!db.getSiblingDB('admin').auth('root', password); } catch (e) { return false; }
      }
      if (rootWith(process.env.MONGO_INITDB_ROOT_PASSWORD)) { print('CURRENT'); }
      else if (!rootWith(process.env.CE_PREVIOUS_ROOT_PASSWORD)) { print('NEITHER'); }
      else {
        var hello = db.adminCommand({ hello: 1 });
        if (hello.setName && !hello.isWritablePrimary) { print('WAIT'); }
        else { db.getSiblingDB('admin').changeUserPassword('root', process.env.MONGO_INITDB_ROOT_PASSWORD); print('MOVED'); }
      }" 2>/dev/null | tail -n 1 || true)"
    case "$result" in
      CURRENT) echo "mongodb: root uses its own secret"; return 0 ;;
      MOVED) echo "mongodb: root moved from the maintenance password to its own secret"; return 0 ;;
    esac
    sleep "$poll"
  done
  echo "mongodb: root still uses the maintenance password: neither password worked or this node never saw the change (${result:-no answer})"
}

enable_auto_compact() {
  local state result
  for _ in $(seq 1 "$attempts"); do
    state="$(as_root 'try { var s = db.adminCommand({ replSetGetStatus: 1 }); print(s.ok ? s.myState : "STANDALONE"); } catch (e) { print(/NotYetInitialized|no replset config/.test(String(e)) ? "UNINITIALIZED" : "STANDALONE"); }' || true)"
    case "$state" in
      1|2|STANDALONE)
        result="$(as_root "db.adminCommand({ autoCompact: false }); var r = db.adminCommand({ autoCompact: true, freeSpaceTargetMB: ${MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB:-1024}, runOnce: ${MONGODB_AUTOCOMPACT_RUN_ONCE:-false} }); print(r.ok ? 'ENABLED' : 'FAILED ' + r.codeName);" || true)"
        echo "mongodb: autoCompact ${result:-no answer} (freeSpaceTargetMB ${MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB:-1024})"
        return 0
        ;;
    esac
    sleep "$poll"
  done
  echo "mongodb: autoCompact not enabled: mongod never became ready"
}

if [ -n "${CE_PREVIOUS_ROOT_PASSWORD:-}" ] || [ "${MONGODB_AUTOCOMPACT_ENABLED:-false}" = "true" ]; then
  (
    sleep "$delay"
    if [ -n "${CE_PREVIOUS_ROOT_PASSWORD:-}" ]; then move_root_password; fi
    if [ "${MONGODB_AUTOCOMPACT_ENABLED:-false}" = "true" ]; then enable_auto_compact; fi
  ) &
fi
exec docker-entrypoint.sh mongod "$@"
