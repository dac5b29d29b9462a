# MongoDB entrypoint for releases with TLS inside the task (bash). Starts
# mongod through the image's own entrypoint with the flags given as
# arguments, replacing this shell, so mongod receives ECS's SIGTERM (CE's
# compose file keeps it in the background behind bash, where it never gets
# one). When MONGODB_AUTOCOMPACT_ENABLED is true it turns on CE 6.1's
# autoCompact once mongod answers (and, in a replica set, is PRIMARY or
# SECONDARY), logging in as root with the password read inside mongosh from
# the environment: never on a command line, never in the log.
set -euo pipefail
if [ "${MONGODB_AUTOCOMPACT_ENABLED:-false}" = "true" ]; then
  (
    sleep "${CE_AUTOCOMPACT_DELAY_SECONDS:-30}"
    as_root() {
      mongosh --quiet --eval "
        if (!db.getSiblingDB('admin').auth('root', process.env.MONGO_INITDB_ROOT_PASSWORD)) { print('AUTH_FAILED'); quit(3); }
        $1" 2>/dev/null | tail -n 1
    }
    for _ in $(seq 1 "${CE_AUTOCOMPACT_ATTEMPTS:-60}"); do
      state="$(as_root 'try { var s = db.adminCommand({ replSetGetStatus: 1 }); print(s.ok ? s.myState : "STANDALONE"); } catch (e) { print(/NotYetInitialized|no replset config/.test(String(e)) ? "UNINITIALIZED" : "STANDALONE"); }' || true)"
      case "$state" in
        1|2|STANDALONE)
          result="$(as_root "db.adminCommand({ autoCompact: false }); var r = db.adminCommand({ autoCompact: true, freeSpaceTargetMB: ${MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB:-1024}, runOnce: ${MONGODB_AUTOCOMPACT_RUN_ONCE:-false} }); print(r.ok ? 'ENABLED' : 'FAILED ' + r.codeName);" || true)"
          echo "mongodb: autoCompact ${result:-no answer} (freeSpaceTargetMB ${MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB:-1024})"
          exit 0
          ;;
      esac
      sleep "${CE_AUTOCOMPACT_POLL_SECONDS:-30}"
    done
    echo "mongodb: autoCompact not enabled: mongod never became ready"
  ) &
fi
exec docker-entrypoint.sh mongod "$@"
