#!/usr/bin/env bash
# A private PostgreSQL server for ORMLab (./dev pg, ./dev pg stop, and ./dev test):
# Debian's postgresql binaries, a data directory under .build/pg, no TCP listener, its Unix
# socket in the data directory, run as a non-root user (PostgreSQL refuses root; ./dev may run
# as root, then the server runs as the `postgres` system user the package creates).
# `start` is idempotent and prints the libpq connection string as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.build/pg"
data="$root/data"
log="$root/server.log"

bin=""
for dir in /usr/lib/postgresql/*/bin; do
  [ -x "$dir/initdb" ] && bin="$dir"
done
if [ -z "$bin" ]; then
  echo "ormlab: PostgreSQL's server programs are not installed (Debian: apt-get install postgresql; ./scripts/setup-system.sh does it)" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  if ! id "$owner" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin "$owner"
  fi
  as_owner() { runuser -u "$owner" -- "$@"; }
else
  owner="$(id -un)"
  as_owner() { "$@"; }
fi

connection_string() {
  # The database user is the server's owner; the socket directory is the data directory.
  echo "postgresql:///ormlab?host=$data&user=$owner"
}

case "${1:-start}" in
  start)
    mkdir -p "$root"
    chown "$owner" "$root"
    if [ ! -f "$data/PG_VERSION" ]; then
      echo "ormlab: creating a PostgreSQL data directory in $data" >&2
      as_owner "$bin/initdb" -D "$data" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w \
        -o "-c listen_addresses='' -c unix_socket_directories='$data' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
        start >/dev/null
    fi
    if ! as_owner "$bin/psql" -h "$data" -U "$owner" -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'ormlab'" | grep -q 1; then
      as_owner "$bin/createdb" -h "$data" -U "$owner" ormlab
    fi
    connection_string
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
      echo "ormlab: stopped the PostgreSQL server in $data" >&2
    else
      echo "ormlab: no PostgreSQL server is running in $data" >&2
    fi
    ;;
  url)
    connection_string
    ;;
  status)
    # Exit status 0 when the server is running.
    [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
    ;;
  *)
    echo "usage: ./dev pg [start|stop|status|url]" >&2
    exit 2
    ;;
esac
