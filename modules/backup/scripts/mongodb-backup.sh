# Logical MongoDB backup (bash), run by the one-off backup task from the
# release's own MongoDB image: mongodump --archive --gzip of every database,
# over TLS with the task's client certificate, as MongoDB's least-privilege
# backup user, into the directory only this task may write (EFS access point
# mongodb-backups). In HA it reads a secondary when one is up and includes
# the oplog, so the dump is of one moment across the replica set.
#
# The password reaches mongodump in a configuration file (mode 600, in the
# task's own /tmp, removed at exit), never on a command line or in the log.
# The dump is written under a temporary name and renamed when complete, so a
# dump on the file system is always whole; the newest CE_BACKUP_KEEP are kept.
# Each run ends with one JSON line (event ce-mongodb-backup, ok 1 or 0) that
# the alarms count.
set -euo pipefail
umask 077
dir="${CE_BACKUP_DIR:-/backups}"
keep="${CE_BACKUP_KEEP:-3}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
partial="$dir/.partial-mongodb-$stamp.archive.gz"
final="$dir/mongodb-$stamp.archive.gz"
config="$(mktemp "${TMPDIR:-/tmp}/mongodump.XXXXXX")"
started="$(date +%s)"
trap 'rm -f "$config" "$partial"' EXIT

report() {
  printf '{"event":"ce-mongodb-backup","ok":%s,"archive":"%s","bytes":%s,"seconds":%s}\n' "$1" "$2" "$3" "$(( $(date +%s) - started ))"
}

# A JSON string is a YAML double-quoted scalar: the password stays data whatever it holds.
yaml_string() {
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"; s="${s//$'\r'/\\r}"; s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}
printf 'password: %s\n' "$(yaml_string "$MONGO_BACKUP_PASSWORD")" > "$config"

oplog=()
if [ "${CE_BACKUP_OPLOG:-false}" = "true" ]; then oplog=(--oplog); fi

if ! mongodump --uri="$CE_BACKUP_URI" --config="$config" --archive="$partial" --gzip "${oplog[@]}"; then
  echo "mongodb-backup: mongodump failed; the previous dumps are kept"
  report 0 "" 0
  exit 1
fi
if [ ! -s "$partial" ]; then
  echo "mongodb-backup: mongodump wrote nothing; the previous dumps are kept"
  report 0 "" 0
  exit 1
fi
mv "$partial" "$final"
bytes="$(wc -c < "$final" | tr -d ' ')"
# The newest $keep dumps stay; the recovery points keep the older ones.
ls -1 "$dir" | grep -E '^mongodb-[0-9]{8}T[0-9]{6}Z\.archive\.gz$' | sort -r | tail -n +"$((keep + 1))" | while read -r old; do rm -f "$dir/$old"; done
echo "mongodb-backup: wrote $(basename "$final") ($bytes bytes)"
report 1 "$(basename "$final")" "$bytes"
