# Restore helper (bash), run once by npm run restore's commands as a one-off
# Fargate task of the environment's MongoDB image, with a file system
# mounted at its root (CE_RESTORE_ROOT, default /efs). Two modes:
#
# move: AWS Backup restores an EFS recovery point into a directory
#   aws-backup-restore_<timestamp> at the root of the new file system, never
#   to the root itself. This moves the newest such directory's data/ to
#   /data, where the environment's access points look, keeping whatever was
#   at /data aside as data.before-restore-<stamp>. Run as root (the files keep
#   their owners).
#
# load: loads the newest logical dump (data/backups/mongodb, or
#   CE_RESTORE_ARCHIVE) into a fresh MongoDB data directory of node 1, for
#   when MongoDB does not start on the file-level copy: the old directory is
#   kept aside, a private mongod (loopback, no network) starts on the new one,
#   mongorestore loads the dump (with its oplog when it has one, the HA dumps),
#   and mongod shuts down cleanly. In HA the other nodes' data directories and
#   the replica set's initiation marker are set aside too, so node 1 initiates
#   the set again and the others copy its data. Run as the database user.
#
# Every run ends with one JSON line: {"event":"ce-restore","mode":...,"ok":1|0}.
set -euo pipefail
mode="${1:?usage: restore-helper move|load}"
root="${CE_RESTORE_ROOT:-/efs}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

report() { printf '{"event":"ce-restore","mode":"%s","ok":%s}\n' "$mode" "$1"; }
fail() { echo "restore-helper: $*"; report 0; exit 1; }
aside() { if [ -e "$1" ]; then mv "$1" "$1.$2-$stamp"; echo "restore-helper: kept $1 as $1.$2-$stamp"; fi; }

move() {
  local restored
  restored="$(find "$root" -mindepth 1 -maxdepth 1 -type d -name 'aws-backup-restore_*' | sort | tail -n 1)"
  [ -n "$restored" ] || fail "no aws-backup-restore_* directory at the root of the file system: the restore job wrote nothing here"
  [ -d "$restored/data" ] || fail "$restored holds no data directory: not a recovery point of a Cloud Exchange file system"
  aside "$root/data" before-restore
  mv "$restored/data" "$root/data"
  rmdir "$restored" 2> /dev/null || echo "restore-helper: left $restored, which holds more than data/"
  echo "restore-helper: moved $restored/data to $root/data"
  report 1
}

load() {
  local data="$root/data" db archive oplog=()
  db="$data/mongo-data/data/db"
  archive="${CE_RESTORE_ARCHIVE:-$( { find "$data/backups/mongodb" -maxdepth 1 -name 'mongodb-*.archive.gz' 2> /dev/null || true; } | sort | tail -n 1)}"
  [ -n "$archive" ] && [ -s "$archive" ] || fail "no logical dump at $data/backups/mongodb (mongodb-*.archive.gz)"
  echo "restore-helper: loading $(basename "$archive")"
  aside "$db" before-load
  mkdir -p "$db"
  if [ "${CE_RESTORE_HA:-false}" = "true" ]; then
    for other in "$data"/nodes/node-*/mongo-data/data/db; do
      [ -e "$other" ] || continue
      aside "$other" before-load
      mkdir -p "$other"
    done
    aside "$data/ha-shared/replica-set-initiated" before-load
    oplog=(--oplogReplay)
  fi
  mongod --dbpath "$db" --bind_ip 127.0.0.1 --port 27017 --fork --logpath "${TMPDIR:-/tmp}/restore-mongod.log" > /dev/null || fail "mongod did not start on $db"
  for _ in $(seq 1 60); do
    mongosh --quiet --eval 'quit(db.adminCommand({ ping: 1 }).ok ? 0 : 1)' > /dev/null 2>&1 && break
    sleep 2
  done
  if ! mongorestore --archive="$archive" --gzip --drop "${oplog[@]}"; then
    mongod --dbpath "$db" --shutdown > /dev/null || true
    fail "mongorestore failed; $db holds a partial load (the former directory is beside it)"
  fi
  mongod --dbpath "$db" --shutdown > /dev/null || fail "mongod did not shut down cleanly"
  echo "restore-helper: loaded $(basename "$archive") into $db"
  report 1
}

case "$mode" in
  move) move ;;
  load) load ;;
  *) fail "unknown mode $mode (move or load)" ;;
esac
