#!/usr/bin/env bash
# 清廉台账离线安装：在不连互联网的服务器上，从本安装包把程序装进一个独立的 Python 虚拟环境。
#   ./install.sh [安装目录]        默认 /opt/qinglian；程序装在 安装目录/.venv，命令是 安装目录/.venv/bin/qinglian
#   PYTHON=/opt/python3.11/bin/python3.11 ./install.sh    指定 Python 3.11 解释器（默认用 PATH 中的 python3.11）
# 对同一目录再次运行即升级到本安装包的版本；数据在数据库和 QINGLIAN_DATA_DIR 中，不受影响（升级后运行 qinglian migrate）。
# Offline install (English): only the wheels in this bundle are used (pip --no-index); no network is needed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-/opt/qinglian}
python=${PYTHON:-python3.11}
version=$(head -n 1 "$here/VERSION")

die() {
    echo "安装失败：$*" >&2
    exit 1
}

case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "不支持本机的处理器架构 $(uname -m)：本安装包只含 x86_64（海光、兆芯、英特尔等）和 aarch64（鲲鹏、飞腾等）的程序包。" ;;
esac
if [ ! -d "$here/wheels/$arch" ]; then
    die "本安装包不含 $arch 的程序包（只含：$(sed -n 2p "$here/VERSION")）。请在联网的机器上运行 make bundle 重新构建完整的安装包。"
fi
command -v "$python" >/dev/null 2>&1 ||
    die "找不到 $python。请先安装 Python 3.11（见 deploy.md 的“麒麟 / 统信 UOS”一节），或用 PYTHON=解释器路径 ./install.sh 指定。"
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    die "$python 的版本是 $("$python" -c 'import platform; print(platform.python_version())')，须为 3.11。请用 PYTHON=解释器路径 指定 Python 3.11。"
fi
need=$(cat "$here/wheels/$arch/GLIBC")
have=$("$python" -c 'import platform; print(platform.libc_ver()[1] or "0.0")')
if ! "$python" -c 'import sys; v = [tuple(map(int, x.split("."))) for x in sys.argv[1:]]; sys.exit(v[1] < v[0])' "$need" "$have"; then
    die "本机 glibc 版本为 $have，本安装包的 $arch 程序包须 glibc $need 或更新（麒麟 V10、统信 UOS 20 均为 2.28）。"
fi
lacking=$(sed -n "s/^$arch: //p" "$here/MISSING.txt")
case "$lacking" in
    无* | "") ;;
    *) echo "注意：以下依赖在本安装包中没有 $arch 的程序包，须先在本机另行安装：$lacking（见 MISSING.txt）" >&2 ;;
esac

# Only this bundle: no index, no configuration or PIP_* variables of the machine (a mirror named there would be
# tried, and fail, on a machine with no network).
while read -r name; do unset "$name"; done < <(env | sed -n 's/^\(PIP_[A-Z_]*\)=.*/\1/p')
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1

if [ ! -x "$dest/.venv/bin/python" ]; then
    # --without-pip: pip comes from the bundle, so a Python without ensurepip (python3-venv not installed) works
    "$python" -m venv --without-pip "$dest/.venv" || die "无法在 $dest/.venv 建立虚拟环境（请检查目录权限）。"
fi
pip_wheel=$(ls "$here"/wheels/common/pip-*.whl)
echo "正在安装清廉台账 $version（$arch）到 $dest/.venv …"
if ! "$dest/.venv/bin/python" "$pip_wheel/pip" install -q --no-index \
    --find-links "$here/wheels/common" --find-links "$here/wheels/$arch" \
    --constraint "$here/constraints.txt" --upgrade pip "qinglian==$version"; then
    die "pip 未能装完程序包（见上面的 ERROR 行）。本安装包只含 CPython 3.11 的程序包；缺少的依赖见 MISSING.txt。"
fi
"$dest/.venv/bin/qinglian" --help >/dev/null || die "程序已安装，但 $dest/.venv/bin/qinglian 无法运行。"

cat <<EOF
已安装清廉台账 $version 到 $dest/.venv（命令：$dest/.venv/bin/qinglian）。
下一步（详见 deploy.md）：
  1. 在 /etc/qinglian.env 中写好 QINGLIAN_ENV=production、QINGLIAN_SECRET_KEY、QINGLIAN_ALLOWED_HOSTS、
     DATABASE_URL、QINGLIAN_DATA_DIR；
  2. set -a; . /etc/qinglian.env; set +a
     $dest/.venv/bin/qinglian migrate
     $dest/.venv/bin/qinglian keys init --if-missing      （密钥文件另行备份，不与数据库备份放在一起）
     $dest/.venv/bin/qinglian createuser --username admin --role sysadmin   （再各建一个 secadmin、auditor：三员分立）
  3. $dest/.venv/bin/qinglian system-check --deploy 无告警后，用 systemd 启动 qinglian serve 与 qinglian worker。
EOF
