# Cloud Exchange init container (POSIX sh, runs as root before the databases).
# Prepares the task-local volumes; writes no secret value to the logs.
set -eu
umask 022
mongo_init_dir="${CE_MONGO_INIT_DIR:-/docker-entrypoint-initdb.d}"
ca_dir="${CE_CA_DIR:-/certificate}"
rabbitmq_conf_dir="${CE_RABBITMQ_CONF_DIR:-/rabbitmq-conf}"
keyfile_dir="${CE_MONGO_KEYFILE_DIR:-/mongo-keyfile}"
database_uid="${CE_DATABASE_UID:-1001}"

# 1. MongoDB's first-start script: creates Cloud Exchange's database user. The
#    image's entrypoint sources it only when the data directory is empty, with
#    the password from the mongodb container's own environment.
cat > "$mongo_init_dir/10-cloud-exchange-user.sh" <<'SCRIPT'
"${mongo[@]}" "$MONGO_INITDB_DATABASE" <<EOJS
db.createUser({ user: "$MONGODB_USERNAME", pwd: "$MONGODB_PASSWORD", roles: [{ role: "dbOwner", db: "$MONGO_INITDB_DATABASE" }] });
EOJS
SCRIPT
chmod 0644 "$mongo_init_dir/10-cloud-exchange-user.sh"
echo "init: wrote the MongoDB first-start script"

# 2. RabbitMQ settings derived from the task size.
printf '%s\n' "$CE_RABBITMQ_CONF" > "$rabbitmq_conf_dir/20-cloud-exchange.conf"
chmod 0644 "$rabbitmq_conf_dir/20-cloud-exchange.conf"
echo "init: wrote the RabbitMQ settings"

# 3. The custom CA certificate (e.g. of a TLS-inspecting proxy), when configured.
if [ -n "${CUSTOM_CA_CERT:-}" ]; then
  printf '%s\n' "$CUSTOM_CA_CERT" > "$ca_dir/cert.pem"
  chmod 0644 "$ca_dir/cert.pem"
  echo "init: installed the custom CA certificate"
fi

# 4. The MongoDB replica-set keyfile (HA), owned by the database user, mode 400.
if [ -n "${MONGO_REPLICA_KEY:-}" ]; then
  printf '%s' "$MONGO_REPLICA_KEY" > "$keyfile_dir/keyfile"
  chown "$database_uid:$database_uid" "$keyfile_dir/keyfile"
  chmod 0400 "$keyfile_dir/keyfile"
  echo "init: installed the replica-set keyfile"
fi
