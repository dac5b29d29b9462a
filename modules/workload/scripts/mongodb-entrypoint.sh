# MongoDB entrypoint for releases with TLS inside the task (bash). Starts
# mongod through the image's own entrypoint with the flags given as
# arguments, replacing this shell, so mongod receives ECS's SIGTERM (CE's
# compose file keeps it in the background behind bash, where it never gets
# one). Once mongod answers, in the background:
# - when CE_PREVIOUS_ROOT_PASSWORD is set (root's password before 0.2.0 of
#   this project, which moved root off the maintenance password), it moves
#   root back to MONGO_INITDB_ROOT_PASSWORD, the maintenance password CE's
#   core logs in as root with: on a standalone mongod or the primary; a
#   secondary waits for the change to replicate;
# - when MONGO_BACKUP_PASSWORD is set, it makes sure the logical backup's
#   user ce-backup exists with MongoDB's backup role and that password
#   (created, or updated when the secret changed): on a standalone mongod or
#   the primary; a secondary leaves it to replication;
# - when MONGODB_AUTOCOMPACT_ENABLED is true it turns on CE 6.1's autoCompact
#   (standalone, PRIMARY or SECONDARY; like CE, it waits as long as it takes
#   for an HA member to become one).
# It logs in as root with passwords read inside mongosh from the environment:
# never on a command line, never in the log; over TLS with the task's client
# certificate when CE_MONGO_TLS_DIR is set (an HA member accepts nothing else).
set -euo pipefail
delay="${CE_AUTOCOMPACT_DELAY_SECONDS:-30}"
poll="${CE_AUTOCOMPACT_POLL_SECONDS:-30}"
# 0: no limit.
attempts="${CE_AUTOCOMPACT_ATTEMPTS:-0}"
tls=()
if [ -n "${CE_MONGO_TLS_DIR:-}" ]; then
  tls=(--tls --tlsCAFile "$CE_MONGO_TLS_DIR/tls_cert_ca.crt" --tlsCertificateKeyFile "$CE_MONGO_TLS_DIR/tls_cert_key.pem")
fi

# Whether another attempt may follow attempt $1.
another() { [ "$attempts" -eq 0 ] || [ "$1" -lt "$attempts" ]; }

# Runs JavaScript as root; prints its last output line.
as_root() {
  mongosh "${tls[@]}" --quiet --eval "
    if (!db.getSiblingDB('admin').auth('root', process.env.MONGO_INITDB_ROOT_PASSWORD)) { print('AUTH_FAILED'); quit(3); }
    $1" 2>/dev/null | tail -n 1
}

move_root_password() {
  local result attempt=0
  while attempt=$((attempt + 1)); do
    result="$(mongosh "${tls[@]}" --quiet --eval "
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
      CURRENT) echo "mongodb: root uses the maintenance password"; return 0 ;;
      MOVED) echo "mongodb: root moved back to the maintenance password from its former own password"; return 0 ;;
    esac
    another "$attempt" || break
    sleep "$poll"
  done
  echo "mongodb: root does not use the maintenance password: neither password worked or this node never saw the change (${result:-no answer})"
}

ensure_backup_user() {
  local result attempt=0
  while attempt=$((attempt + 1)); do
    result="$(as_root "
      var admin = db.getSiblingDB('admin');
      var hello = db.adminCommand({ hello: 1 });
      var roles = [{ role: 'backup', db: 'admin' }];
      if (hello.setName && !hello.isWritablePrimary) { print(hello.setName && hello.secondary ? 'SECONDARY' : 'WAIT'); }
      else if (admin.getUser('ce-backup') === null) { admin.createUser({ user: 'ce-backup', pwd: process.env.MONGO_BACKUP_PASSWORD, roles: roles }); print('CREATED'); }
      else { admin.updateUser('ce-backup', { pwd: process.env.MONGO_BACKUP_PASSWORD, roles: roles }); print('UPDATED'); }" || true)"
    case "$result" in
      CREATED) echo "mongodb: created the backup user"; return 0 ;;
      UPDATED) echo "mongodb: the backup user has the backup password"; return 0 ;;
      SECONDARY) echo "mongodb: the backup user is the primary's to keep (this member is a secondary)"; return 0 ;;
    esac
    another "$attempt" || break
    sleep "$poll"
  done
  echo "mongodb: the backup user was not checked: mongod never became ready as root (${result:-no answer})"
}

enable_auto_compact() {
  local state result attempt=0
  while attempt=$((attempt + 1)); do
    state="$(as_root 'try { var s = db.adminCommand({ replSetGetStatus: 1 }); print(s.ok ? s.myState : "STANDALONE"); } catch (e) { print(/NotYetInitialized|no replset config/.test(String(e)) ? "UNINITIALIZED" : "STANDALONE"); }' || true)"
    case "$state" in
      1|2|STANDALONE)
        result="$(as_root "db.adminCommand({ autoCompact: false }); var r = db.adminCommand({ autoCompact: true, freeSpaceTargetMB: ${MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB:-1024}, runOnce: ${MONGODB_AUTOCOMPACT_RUN_ONCE:-false} }); print(r.ok ? 'ENABLED' : 'FAILED ' + r.codeName);" || true)"
        echo "mongodb: autoCompact ${result:-no answer} (freeSpaceTargetMB ${MONGODB_AUTOCOMPACT_FREE_SPACE_TARGET_MB:-1024})"
        return 0
        ;;
    esac
    another "$attempt" || break
    sleep "$poll"
  done
  echo "mongodb: autoCompact not enabled: mongod never became ready"
}

if [ -n "${CE_PREVIOUS_ROOT_PASSWORD:-}" ] || [ -n "${MONGO_BACKUP_PASSWORD:-}" ] || [ "${MONGODB_AUTOCOMPACT_ENABLED:-false}" = "true" ]; then
  (
    sleep "$delay"
    if [ -n "${CE_PREVIOUS_ROOT_PASSWORD:-}" ]; then move_root_password; fi
    if [ -n "${MONGO_BACKUP_PASSWORD:-}" ]; then ensure_backup_user; fi
    if [ "${MONGODB_AUTOCOMPACT_ENABLED:-false}" = "true" ]; then enable_auto_compact; fi
  ) &
fi
exec docker-entrypoint.sh mongod "$@"
