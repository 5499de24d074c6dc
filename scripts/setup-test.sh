#!/usr/bin/env bash
# What the tests need beyond scripts/setup.sh: headless Chromium with chromedriver and Selenium
# (dashboard test), and a running PostgreSQL server with a `lodestar` role and database (two-node
# broker test), serving TLS with a certificate of a test CA made here (so the nodes connect with
# sslmode=verify-full). Idempotent. Prints the broker URL for the tests on its last line.
set -euo pipefail
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
PACKAGES=(chromium chromium-driver postgresql openssl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c 'import selenium, websocket' 2>/dev/null; then
  python3 -m pip install -q "selenium==4.51.0" >&2 2>/dev/null || python3 -m pip install -q --break-system-packages "selenium==4.51.0" >&2
fi

# PostgreSQL: start the Debian cluster, create the role and the database once.
if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
  CLUSTER=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  if [[ -z "$CLUSTER" ]]; then
    VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
    $SUDO pg_createcluster "$VERSION" main >&2
    CLUSTER="$VERSION main"
  fi
  # After an unclean shutdown pg_ctlcluster can report a failure while the server recovers and
  # comes up; whether it is up is checked below.
  $SUDO pg_ctlcluster $CLUSTER start >&2 || echo "pg_ctlcluster $CLUSTER start reported a failure; waiting for the server" >&2
fi
PSQL=(psql -v ON_ERROR_STOP=1 -qtA)
as_postgres() { if [[ $(id -u) -eq 0 ]]; then su postgres -c "$1"; else sudo -u postgres bash -c "$1"; fi; }
READY=0
for _ in $(seq 1 60); do as_postgres "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && { READY=1; break; }; sleep 0.5; done
if [[ $READY -ne 1 ]]; then
  echo "PostgreSQL is not accepting connections (see /var/log/postgresql/); the two-node test needs it" >&2
  exit 1
fi
if [[ "$(as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='lodestar'\"")" != "1" ]]; then
  as_postgres "psql -qc \"CREATE ROLE lodestar LOGIN PASSWORD 'lodestar'\"" >&2
fi
if [[ "$(as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='lodestar_test'\"")" != "1" ]]; then
  as_postgres "createdb -O lodestar lodestar_test" >&2
fi
# TLS: a test CA and a server certificate for 127.0.0.1/localhost, turned on with a reload.
TLS_DIR=/var/lib/postgresql/lodestar-tls
if [[ ! -f "$TLS_DIR/server.crt" ]]; then
  $SUDO mkdir -p "$TLS_DIR"
  $SUDO openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Lodestar test CA" \
    -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" 2>/dev/null
  $SUDO openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' | $SUDO tee "$TLS_DIR/san.ext" >/dev/null
  $SUDO openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
    -days 3650 -extfile "$TLS_DIR/san.ext" -out "$TLS_DIR/server.crt" 2>/dev/null
  $SUDO chown -R postgres:postgres "$TLS_DIR"
  $SUDO chmod 600 "$TLS_DIR/server.key" "$TLS_DIR/ca.key"
  $SUDO chmod 644 "$TLS_DIR/ca.crt" "$TLS_DIR/server.crt"
fi
if [[ "$(as_postgres "psql -qtAc 'SHOW ssl'")" != "on" || "$(as_postgres "psql -qtAc 'SHOW ssl_cert_file'")" != "$TLS_DIR/server.crt" ]]; then
  as_postgres "psql -qc \"ALTER SYSTEM SET ssl_cert_file = '$TLS_DIR/server.crt'\"" >&2
  as_postgres "psql -qc \"ALTER SYSTEM SET ssl_key_file = '$TLS_DIR/server.key'\"" >&2
  as_postgres "psql -qc \"ALTER SYSTEM SET ssl = on\"" >&2
  as_postgres "psql -qtAc 'SELECT pg_reload_conf()'" >/dev/null
  sleep 1
fi
echo "postgres://lodestar:lodestar@127.0.0.1:5432/lodestar_test?sslmode=verify-full&sslrootcert=$TLS_DIR/ca.crt"
