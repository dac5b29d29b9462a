# Shared by the init container and the RabbitMQ entrypoint (POSIX sh):
# prints one JSON log line per certificate with the days it has left, which
# the certificate-expiry metric filter reads. Prints nothing secret.
ce_report_certificate() {
  # $1: what the certificate is for; $2: its file.
  [ -r "$2" ] || return 0
  not_after="$(openssl x509 -enddate -noout -in "$2" 2>/dev/null | sed 's/^notAfter=//')"
  [ -n "$not_after" ] || return 0
  expires="$(date -u -d "$not_after" +%s 2>/dev/null || echo 0)"
  days_left=$(( (expires - $(date -u +%s)) / 86400 ))
  printf '{"event":"ce-certificate","certificate":"%s","notAfter":"%s","daysLeft":%d}\n' "$1" "$not_after" "$days_left"
}
