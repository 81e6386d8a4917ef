#!/usr/bin/env bash
# Install NER Studio with its test extras into .venv and run the test suite headless.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/venv.sh" test || exit 1
cd "$root"
export QT_QPA_PLATFORM=offscreen
"$root/.venv/bin/python" -m pytest "$@"
status=$?
if [[ $status -eq 5 ]]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit $status
