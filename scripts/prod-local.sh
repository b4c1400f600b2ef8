#!/usr/bin/env bash
# The several-app-server layout on one machine (docs/deploy.md): nginx on 127.0.0.1:8080 in front of two
# gunicorn processes on loopback ports, one PostgreSQL, one Valkey/Redis (the shared cache: memo and rate-limit
# counters) and `qinglian worker`; uploads in one directory every app process uses.
#   scripts/prod-local.sh start | stop
# Everything lives under QINGLIAN_PROD_DIR (default var/prod-local): the database, the cache's log, the files,
# the generated nginx.conf, logs and pid files; the database and the files are kept between runs.
# Ports and sizes from the environment (the test uses other ports): QINGLIAN_PROD_FRONT_PORT (8080),
# QINGLIAN_PROD_APP_PORTS ("8101 8102"), QINGLIAN_PROD_PG_PORT (8132), QINGLIAN_PROD_CACHE_PORT (8179),
# QINGLIAN_PROD_WORKERS (gunicorn workers per app process, 2), QINGLIAN_PROD_DEMO_PEOPLE (2000; 0: no demo
# county), QINGLIAN_PROD_PG_OPTIONS (extra server options; the test turns fsync off).
# `. var/prod-local/env` points any `qinglian` command at the running layout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${QINGLIAN_PROD_DIR:-$root/var/prod-local}
front=${QINGLIAN_PROD_FRONT_PORT:-8080}
read -r -a apps <<<"${QINGLIAN_PROD_APP_PORTS:-8101 8102}"
pg_port=${QINGLIAN_PROD_PG_PORT:-8132}
cache_port=${QINGLIAN_PROD_CACHE_PORT:-8179}
workers=${QINGLIAN_PROD_WORKERS:-2}
people=${QINGLIAN_PROD_DEMO_PEOPLE:-2000}
pg_options=${QINGLIAN_PROD_PG_OPTIONS:-}
py=${QINGLIAN_PYTHON:-$root/.venv/bin/python}
qinglian=("$py" -m qinglian.cli)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)

say() { echo "$*"; }
die() { echo "$*" >&2; exit 1; }

environment() {
  # What every app process, the worker and the one-off commands share.
  export DATABASE_URL="postgres://qinglian@127.0.0.1:$pg_port/qinglian"
  export CACHE_URL="redis://127.0.0.1:$cache_port/0"
  export QINGLIAN_DATA_DIR="$dir/data"
  export QINGLIAN_SECRET_KEY; QINGLIAN_SECRET_KEY=$(cat "$dir/secret-key")
  export QINGLIAN_TRUSTED_PROXIES=127.0.0.1  # nginx: its X-Forwarded-For names the client
  export QINGLIAN_ALLOWED_HOSTS=127.0.0.1,localhost
  export QINGLIAN_BASE_URL="http://127.0.0.1:$front"
}

wait_http() {  # wait_http PORT SECONDS: until the login page answers
  "$py" - "$1" "$2" <<'PY'
import sys, time, urllib.request
port, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PY
}

start_postgres() {
  [ -x "$pg_bin/initdb" ] || die "找不到 PostgreSQL（请先运行 make system-deps）"
  mkdir -p "$dir/pg"
  [ ${#as_pg[@]} -eq 0 ] || chown postgres "$dir/pg"
  if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
    "${as_pg[@]}" "$pg_bin/initdb" -D "$dir/pg/data" -U qinglian --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w -o "-h 127.0.0.1 -p $pg_port -k $dir/pg $pg_options" \
    start >/dev/null || die "PostgreSQL 未能启动，见 $dir/pg/log"
  "${as_pg[@]}" "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U qinglian -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'qinglian'" | grep -q 1 ||
    "${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U qinglian qinglian
}

start_cache() {
  local server
  server=$(command -v valkey-server || command -v redis-server) || die "找不到 Valkey/Redis（请先运行 make system-deps）"
  # A cache only: nothing saved to disk (the memo and the counters are rebuilt from the database).
  "$server" --bind 127.0.0.1 --port "$cache_port" --daemonize yes --pidfile "$dir/run/cache.pid" \
    --logfile "$dir/log/cache.log" --dir "$dir/run" --save "" --appendonly no --maxmemory 256mb \
    --maxmemory-policy allkeys-lru >/dev/null
}

write_nginx_conf() {
  mkdir -p "$dir/nginx-tmp"
  {
    # nginx's workers drop to an unprivileged user only when it starts as root; this local layout keeps the
    # user who started it (a real server names its own, e.g. www-data, and owns the static folder to it).
    [ "$(id -u)" -eq 0 ] && echo "user root;"
    cat <<EOF
worker_processes 1;
daemon on;
pid $dir/run/nginx.pid;
error_log $dir/log/nginx-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    access_log $dir/log/nginx-access.log;
    client_body_temp_path $dir/nginx-tmp/body;
    proxy_temp_path $dir/nginx-tmp/proxy;
    fastcgi_temp_path $dir/nginx-tmp/fastcgi;
    uwsgi_temp_path $dir/nginx-tmp/uwsgi;
    scgi_temp_path $dir/nginx-tmp/scgi;
    client_max_body_size 25m;          # QINGLIAN_MAX_UPLOAD_BYTES (20 MB) and the form around it
    server_tokens off;
    # Any app process may answer any request: sessions, lockouts and uploads are shared (no sticky sessions).
    upstream qinglian {
$(for p in "${apps[@]}"; do echo "        server 127.0.0.1:$p max_fails=3 fail_timeout=10s;"; done)
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$front;
        location /static/ {            # collected by \`qinglian collectstatic\` (.gz beside each file)
            alias $dir/data/static/;
            gzip_static on;
            expires 10m;
            access_log off;
        }
        location / {
            proxy_pass http://qinglian;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_read_timeout 130s;   # gunicorn's --timeout is 120
            proxy_next_upstream error timeout http_502;
        }
    }
}
EOF
  } >"$dir/nginx.conf"
}

start() {
  mkdir -p "$dir/run" "$dir/log" "$dir/data"
  [ -f "$dir/run/nginx.pid" ] && die "已在运行（$dir）：请先运行 scripts/prod-local.sh stop"
  [ -s "$dir/secret-key" ] || "$py" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$dir/secret-key"
  chmod 600 "$dir/secret-key"
  start_postgres
  start_cache
  environment
  "${qinglian[@]}" migrate -v0
  "${qinglian[@]}" keys init --if-missing >/dev/null
  export -p | grep -E " (DATABASE_URL|CACHE_URL|QINGLIAN_[A-Z_]+)=" >"$dir/env"
  chmod 600 "$dir/env"
  if [ "$people" -gt 0 ]; then "${qinglian[@]}" demo --if-empty --people "$people" >"$dir/log/demo.log"; else : >"$dir/log/demo.log"; fi
  "${qinglian[@]}" collectstatic --noinput -v0
  for port in "${apps[@]}"; do
    # the one gunicorn command line of `qinglian serve` (lib.serving), one master per app process, each with
    # its own control socket where gunicorn has one (else both masters would claim ~/.gunicorn/gunicorn.ctl)
    setsid "$py" -c 'import os, sys; from gunicorn.config import KNOWN_SETTINGS
from qinglian.lib.serving import gunicorn_argv
a = gunicorn_argv(sys.argv[1], workers=int(sys.argv[2]), access_log=sys.argv[3])
a += ["--control-socket", sys.argv[4]] if any(s.name == "control_socket" for s in KNOWN_SETTINGS) else []
os.execv(a[0], a)' "127.0.0.1:$port" "$workers" "$dir/log/app-$port-access.log" "$dir/run/app-$port.ctl" \
      >>"$dir/log/app-$port.log" 2>&1 &
    echo $! >"$dir/run/app-$port.pid"
  done
  setsid "${qinglian[@]}" worker >>"$dir/log/worker.log" 2>&1 &
  echo $! >"$dir/run/worker.pid"
  for port in "${apps[@]}"; do
    wait_http "$port" 60 || die "127.0.0.1:$port 上的应用进程未能启动，见 $dir/log/app-$port.log"
  done
  write_nginx_conf
  /usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir" || die "nginx 未能启动，见 $dir/log/nginx-error.log"
  wait_http "$front" 10 || die "nginx 未能转发请求，见 $dir/log/nginx-error.log"
  say "清廉台账（多应用进程布局）已启动：http://127.0.0.1:$front/"
  say "  应用进程：${apps[*]/#/127.0.0.1:}；PostgreSQL 127.0.0.1:$pg_port；缓存 127.0.0.1:$cache_port；后台任务进程"
  say "  目录：$dir（nginx.conf、日志 log/、上传文件 data/files/；. $dir/env 后 qinglian 命令即作用于此）；停止：make prod-local-stop"
  sed -n "/演示账号/,\$p" "$dir/log/demo.log"  # the demo logins and their password
}

stop() {
  # TERM to every process at once, then up to 10 s for all of them, then KILL for any left; pid files removed
  local pids=() file pid
  for file in "$dir/run/nginx.pid" "$dir"/run/app-*.pid "$dir/run/worker.pid" "$dir/run/cache.pid"; do
    [ -f "$file" ] || continue
    pid=$(cat "$file"); rm -f "$file"
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  done
  for _ in $(seq 100); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ -f "$dir/pg/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null || true
  fi
  say "已停止（$dir）。"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) die "用法：scripts/prod-local.sh start|stop" ;;
esac
