#!/usr/bin/env bash
# Start a throw-away PostgreSQL on a free loopback port in a temp dir, run the given command with
# DATABASE_URL pointing at it, then stop it and remove the dir. PostgreSQL refuses to run as root, so as
# root the server runs as the `postgres` system user that the Debian package creates.
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$pg_bin/initdb" ] || { echo "找不到 PostgreSQL（请先运行 make system-deps）"; exit 1; }
dir=$(mktemp -d /tmp/qinglian-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; as_pg=(runuser -u postgres --); fi
cleanup() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$dir/data" -U qinglian --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U qinglian qinglian
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') 已在 127.0.0.1:$port 启动（临时目录 $dir）"
DATABASE_URL="postgres://qinglian@127.0.0.1:$port/qinglian" "$@"
