#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: made in a temporary directory,
# listening on 127.0.0.1 (random free port) and a private socket, removed on exit.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  if [ "${ALLOW_NO_POSTGRES:-0}" = 1 ]; then
    echo "PostgreSQL is not installed: skipping the PostgreSQL run (ALLOW_NO_POSTGRES=1)." >&2
    exit 0
  fi
  echo "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin)." >&2
  echo "Install it with: sudo apt-get install postgresql  (or run with ALLOW_NO_POSTGRES=1)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/datacollab-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root: run the cluster as the postgres system user.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
# Durability is pointless for a throwaway cluster; speed is not.
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/datacollab"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
