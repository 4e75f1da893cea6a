#!/usr/bin/env bash
# Create the virtualenv. A fresh Debian lacks the venv module (package python3-venv):
# install it when we may, otherwise say exactly what to run.
set -euo pipefail
python=$1 venv=$2
[ -x "$venv/bin/python" ] && exit 0
if "$python" -m venv "$venv" 2>/dev/null; then exit 0; fi
rm -rf "$venv"
ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$ver-venv" python3-venv
  exec "$python" -m venv "$venv"
fi
echo "Python's venv module is missing. Run: sudo apt-get install python$ver-venv  (then make again)" >&2
exit 1
