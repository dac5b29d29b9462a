# Cloud Exchange init container (POSIX sh, runs as root before the databases).
# Prepares the task-local volumes and, for releases with TLS inside the task,
# the certificates on EFS. Writes no secret value to the logs.
set -eu
umask 022
mongo_init_dir="${CE_MONGO_INIT_DIR:-/docker-entrypoint-initdb.d}"
ca_dir="${CE_CA_DIR:-/custom-ca}"
rabbitmq_conf_dir="${CE_RABBITMQ_CONF_DIR:-/rabbitmq-conf}"
keyfile_dir="${CE_MONGO_KEYFILE_DIR:-/mongo-keyfile}"
database_uid="${CE_DATABASE_UID:-1001}"

# 1. MongoDB's first-start script: creates Cloud Exchange's database user (and
#    the logical backup's user, with MongoDB's backup role, when the mongodb
#    container has its password). The
#    image's entrypoint sources it only when the data directory is empty, with
#    the password from the mongodb container's own environment. The values
#    reach the JavaScript as JSON strings, escaped by the script itself, so a
#    password with quotes or backslashes is data, never code.
cat > "$mongo_init_dir/10-cloud-exchange-user.sh" <<'SCRIPT'
shopt -u patsub_replacement 2>/dev/null || true
ce_json_string() {
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"; s="${s//$'\r'/\\r}"; s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}
"${mongo[@]}" "$MONGO_INITDB_DATABASE" <<EOJS
db.createUser({ user: $(ce_json_string "$MONGODB_USERNAME"), pwd: $(ce_json_string "$MONGODB_PASSWORD"), roles: [{ role: "dbOwner", db: $(ce_json_string "$MONGO_INITDB_DATABASE") }] });
EOJS
# The logical backup's user (MongoDB's built-in backup role), when the task has its password.
if [ -n "${MONGO_BACKUP_PASSWORD:-}" ]; then
"${mongo[@]}" admin <<EOJS
db.createUser({ user: "ce-backup", pwd: $(ce_json_string "$MONGO_BACKUP_PASSWORD"), roles: [{ role: "backup", db: "admin" }] });
EOJS
fi
SCRIPT
chmod 0644 "$mongo_init_dir/10-cloud-exchange-user.sh"
echo "init: wrote the MongoDB first-start script"

# 2. RabbitMQ settings derived from the task size (and, for HA on TLS, the
#    Erlang distribution's TLS options, which must not end in .conf).
printf '%s\n' "$CE_RABBITMQ_CONF" > "$rabbitmq_conf_dir/20-cloud-exchange.conf"
chmod 0644 "$rabbitmq_conf_dir/20-cloud-exchange.conf"
if [ -n "${CE_INTER_NODE_TLS:-}" ]; then
  printf '%s\n' "$CE_INTER_NODE_TLS" > "$rabbitmq_conf_dir/inter_node_tls.options"
  chmod 0644 "$rabbitmq_conf_dir/inter_node_tls.options"
fi
echo "init: wrote the RabbitMQ settings"

# 3. Mount points other containers need inside read-only task-local volumes
#    (CE_MOUNT_POINTS, colon-separated, in this container's view): the
#    runtime cannot make them there.
if [ -n "${CE_MOUNT_POINTS:-}" ]; then
  old_ifs="$IFS"; IFS=:
  for mount_point in $CE_MOUNT_POINTS; do mkdir -p "$mount_point"; done
  IFS="$old_ifs"
  echo "init: made the mount points $CE_MOUNT_POINTS"
fi

# 4. The custom CA certificate (e.g. of a TLS-inspecting proxy), when configured,
#    under the name the release's core reads (CE 6 takes only .crt files).
if [ -n "${CUSTOM_CA_CERT:-}" ]; then
  printf '%s\n' "$CUSTOM_CA_CERT" > "$ca_dir/${CE_CUSTOM_CA_FILE:-cert.pem}"
  chmod 0644 "$ca_dir/${CE_CUSTOM_CA_FILE:-cert.pem}"
  echo "init: installed the custom CA certificate"
fi

# 5. The MongoDB replica-set keyfile (HA), owned by the database user, mode 400.
if [ -n "${MONGO_REPLICA_KEY:-}" ]; then
  printf '%s' "$MONGO_REPLICA_KEY" > "$keyfile_dir/keyfile"
  chown "$database_uid:$database_uid" "$keyfile_dir/keyfile"
  chmod 0400 "$keyfile_dir/keyfile"
  echo "init: installed the replica-set keyfile"
fi

# 6. TLS inside the task (CE 6.x), on EFS, shared by every node of an HA
#    cluster: a CA whose key only this container sees, one leaf certificate
#    for MongoDB, RabbitMQ and core (SAN: CE's names and the node names), and
#    the UI's own certificate unless the operator installed one. Each is made
#    once and renewed when it expires within CE_TLS_RENEW_DAYS or when
#    CE_TLS_ROTATION changes; nodes take turns through a lock directory.
[ -n "${CE_TLS_DIR:-}" ] || exit 0
tls_dir="$CE_TLS_DIR"
ca_key_dir="$CE_TLS_CA_DIR"
ui_dir="$CE_UI_CERT_DIR"
renew_seconds=$(( ${CE_TLS_RENEW_DAYS:-30} * 86400 ))
key_bits="${CE_TLS_KEY_BITS:-4096}"
settings="rotation=${CE_TLS_ROTATION:-0} san=$CE_TLS_SAN"

lock="$tls_dir/.generating"
waited=0
until mkdir "$lock" 2>/dev/null; do
  # A lock older than ten minutes belongs to a node that died while generating.
  if [ -n "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then rmdir "$lock" 2>/dev/null || true; continue; fi
  [ "$waited" -ge 600 ] && { echo "init: another node holds $lock for 10 minutes; giving up" >&2; exit 1; }
  sleep 2; waited=$((waited + 2))
done
trap 'rmdir "$lock" 2>/dev/null || true' EXIT
work="$(mktemp -d "$ca_key_dir/.work.XXXXXX")"
trap 'rm -rf "$work"; rmdir "$lock" 2>/dev/null || true' EXIT

expiring() { ! openssl x509 -checkend "$renew_seconds" -noout -in "$1" >/dev/null 2>&1; }

if [ ! -s "$ca_key_dir/tls_cert_ca.key" ] || [ ! -s "$tls_dir/tls_cert_ca.crt" ] || expiring "$tls_dir/tls_cert_ca.crt"; then
  openssl req -x509 -newkey "rsa:$key_bits" -nodes -sha256 -days "$CE_TLS_CA_DAYS" -subj "/CN=CloudExchangeCA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
  chmod 0600 "$work/ca.key"; chmod 0644 "$work/ca.crt"
  mv "$work/ca.key" "$ca_key_dir/tls_cert_ca.key"
  mv "$work/ca.crt" "$tls_dir/tls_cert_ca.crt"
  rm -f "$tls_dir/tls_cert.crt"
  echo "init: generated the internal CA"
fi

if [ ! -s "$tls_dir/tls_cert.crt" ] || [ ! -s "$tls_dir/tls_cert_key.pem" ] || expiring "$tls_dir/tls_cert.crt" \
  || [ "$(cat "$tls_dir/.settings" 2>/dev/null)" != "$settings" ]; then
  printf '[req_ext]\nextendedKeyUsage = serverAuth, clientAuth\nsubjectAltName = %s\n' "$CE_TLS_SAN" > "$work/ext.cnf"
  openssl req -new -newkey "rsa:$key_bits" -nodes -sha256 -subj "/CN=localhost" -keyout "$work/leaf.key" -out "$work/leaf.csr" 2>/dev/null
  openssl x509 -req -sha256 -days "$CE_TLS_LEAF_DAYS" -in "$work/leaf.csr" -CA "$tls_dir/tls_cert_ca.crt" \
    -CAkey "$ca_key_dir/tls_cert_ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -extfile "$work/ext.cnf" -extensions req_ext -out "$work/leaf.crt" 2>/dev/null
  cat "$work/leaf.crt" "$work/leaf.key" > "$work/leaf.pem"
  chmod 0644 "$work/leaf.crt"; chmod 0600 "$work/leaf.key" "$work/leaf.pem"
  mv "$work/leaf.key" "$tls_dir/tls_cert_key.key"
  mv "$work/leaf.pem" "$tls_dir/tls_cert_key.pem"
  mv "$work/leaf.crt" "$tls_dir/tls_cert.crt"
  printf '%s' "$settings" > "$tls_dir/.settings"
  echo "init: generated the internal TLS certificate"
fi

# The UI's HTTPS certificate: made here only when the operator installed none
# (an operator's cte_cert.crt is never touched), renewed like the leaf.
if [ ! -s "$ui_dir/cte_cert.crt" ] || { [ -e "$ui_dir/.generated" ] && { expiring "$ui_dir/cte_cert.crt" \
  || [ "$(cat "$ui_dir/.generated")" != "$settings" ]; }; }; then
  printf '[ext]\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost\n' > "$work/ui.cnf"
  openssl req -x509 -newkey "rsa:$key_bits" -nodes -sha256 -days "$CE_TLS_UI_DAYS" -subj "/CN=localhost" \
    -extensions ext -config "$work/ui.cnf" -keyout "$work/ui.key" -out "$work/ui.crt" 2>/dev/null
  chmod 0600 "$work/ui.key"; chmod 0644 "$work/ui.crt"
  mv "$work/ui.key" "$ui_dir/cte_cert_key.key"
  mv "$work/ui.crt" "$ui_dir/cte_cert.crt"
  printf '%s' "$settings" > "$ui_dir/.generated"
  echo "init: generated the UI's HTTPS certificate"
fi

# RabbitMQ reads the certificate under CE's names next to its settings, as the
# database user (the copies are task-local and go with the task).
for pair in "tls_cert.crt:rabbitmq_cert.crt" "tls_cert_key.key:rabbitmq_cert_key.key" "tls_cert_ca.crt:rabbitmq_cert_ca.crt"; do
  cp "$tls_dir/${pair%%:*}" "$rabbitmq_conf_dir/${pair#*:}"
  chown "$database_uid:$database_uid" "$rabbitmq_conf_dir/${pair#*:}"
done
chmod 0600 "$rabbitmq_conf_dir/rabbitmq_cert_key.key"

ce_report_certificate internal "$tls_dir/tls_cert.crt"
ce_report_certificate internal-ca "$tls_dir/tls_cert_ca.crt"
ce_report_certificate ui "$ui_dir/cte_cert.crt"
