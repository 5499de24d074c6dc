#!/usr/bin/env bash
# What the tests need beyond scripts/setup.sh: headless Chromium with chromedriver and Selenium
# (dashboard test), and a running PostgreSQL server with a `lodestar` role and database (two-node
# broker test). Idempotent. Prints the broker URL for the tests on its last line.
set -euo pipefail
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
PACKAGES=(chromium chromium-driver postgresql)
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
echo "postgres://lodestar:lodestar@127.0.0.1:5432/lodestar_test"
