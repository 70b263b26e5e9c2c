# Sourced by scripts: puq_call METHOD PATH [BODY] sends one signed request to the daemon (docs/api.md)
# using PUQ_DAEMON_URL and PUQ_SECRET_FILE, and prints the answer. Needs curl and openssl.
puq_call() {
  local method="$1" path="$2" body="${3:-}"
  local secret ts nonce sig
  secret=$(tr -d ' \t\r\n' < "$PUQ_SECRET_FILE")
  ts=$(date +%s)
  nonce=$(openssl rand -hex 16)
  sig=$(printf '%s\n%s\n%s\n%s\n%s' "$ts" "$nonce" "$method" "$path" "$body" |
        openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.*= //')
  curl -sS -X "$method" "$PUQ_DAEMON_URL$path" \
    -H "X-Puq-Timestamp: $ts" -H "X-Puq-Nonce: $nonce" -H "X-Puq-Signature: $sig" \
    -H 'Content-Type: application/json' ${body:+--data-binary "$body"}
}
