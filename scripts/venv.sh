#!/usr/bin/env bash
# Create .venv (once) and install the project into it with the given extras, e.g. "test".
# Sourced by start.sh and test.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
extras=${1:-}
bash "$root/scripts/install_system_deps.sh"
if [[ ! -x $root/.venv/bin/python ]]; then
  python3 -m venv "$root/.venv"
  "$root/.venv/bin/pip" install -q --upgrade pip
fi
spec="$root"
[[ -n $extras ]] && spec="$root[$extras]"
# torch==2.13.0 is the CPU wheel on this machine; install it first so nothing pulls CUDA builds.
"$root/.venv/bin/pip" install -q torch==2.13.0
"$root/.venv/bin/pip" install -q -e "$spec"
