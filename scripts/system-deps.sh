#!/usr/bin/env bash
# Install the Debian packages the test suite uses, only those missing. Needs root (or sudo) and apt.
set -euo pipefail
# (grep reads the whole list: with pipefail, grep -q would close the pipe early and fc-list would "fail")
need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
# Calc converts the .xls files users still upload (paperwork/convert.py)
ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
fc-list 2>/dev/null | grep -i "Noto Sans CJK\|Noto Serif CJK" >/dev/null || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -i "ukai" >/dev/null || need+=(fonts-arphic-ukai)
# Simplified-Chinese TrueType faces for PDFs (paperwork/write/fonts.py): a Song serif and a Hei; pdffonts checks
fc-list 2>/dev/null | grep -i "UMing" >/dev/null || need+=(fonts-arphic-uming)
fc-list 2>/dev/null | grep -i "WenQuanYi Zen Hei" >/dev/null || need+=(fonts-wqy-zenhei)
command -v pdffonts >/dev/null 2>&1 || need+=(poppler-utils)
# The offline install test (qinglian/org/tests/test_offline_install.py) brings up the loopback of its namespace
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The several-app-server layout (make prod-local, its test): nginx in front, a shared cache (Valkey where
# Debian has it, else Redis; both speak the same protocol)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
if ! command -v valkey-server >/dev/null 2>&1 && ! command -v redis-server >/dev/null 2>&1; then
  if apt-cache policy valkey-server 2>/dev/null | grep -q "Candidate: [0-9]"; then need+=(valkey-server); else need+=(redis-server); fi
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "安装系统软件包：${need[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
