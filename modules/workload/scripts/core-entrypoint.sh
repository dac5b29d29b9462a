# Core entrypoint for releases whose core takes its connection strings
# composed at start (bash): builds MONGO_CONNECTION_STRING and
# RABBITMQ_CONNECTION_STRING from the escaped maintenance password ECS
# injected and the task's topology (CE_MONGO_CONNECTION_TEMPLATE and
# CE_RABBITMQ_CONNECTION_TEMPLATE, with @MAINTENANCE_PASSWORD_ESCAPED@ where
# the password goes), as CE's own load_env.sh does, then replaces itself with
# the release's entry point (the arguments). Prints nothing secret.
set -euo pipefail
: "${MAINTENANCE_PASSWORD_ESCAPED:?core-entrypoint: MAINTENANCE_PASSWORD_ESCAPED is missing (a key of the maintenance secret)}"
: "${CE_MONGO_CONNECTION_TEMPLATE:?core-entrypoint: CE_MONGO_CONNECTION_TEMPLATE is missing}"
: "${CE_RABBITMQ_CONNECTION_TEMPLATE:?core-entrypoint: CE_RABBITMQ_CONNECTION_TEMPLATE is missing}"
[ "$#" -gt 0 ] || { echo "core-entrypoint: no command to start" >&2; exit 64; }
# Bash 5.2 would read "&" in a replacement as the matched text; the password is data.
shopt -u patsub_replacement 2>/dev/null || true
placeholder="@MAINTENANCE_PASSWORD_ESCAPED@"
MONGO_CONNECTION_STRING="${CE_MONGO_CONNECTION_TEMPLATE//"$placeholder"/"$MAINTENANCE_PASSWORD_ESCAPED"}"
RABBITMQ_CONNECTION_STRING="${CE_RABBITMQ_CONNECTION_TEMPLATE//"$placeholder"/"$MAINTENANCE_PASSWORD_ESCAPED"}"
export MONGO_CONNECTION_STRING RABBITMQ_CONNECTION_STRING
unset CE_MONGO_CONNECTION_TEMPLATE CE_RABBITMQ_CONNECTION_TEMPLATE
echo "core-entrypoint: composed the MongoDB and RabbitMQ connection strings; starting $1"
exec "$@"
