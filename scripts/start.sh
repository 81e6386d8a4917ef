#!/usr/bin/env bash
# Install NER Studio into .venv and start it (with the default model and the sample document).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/venv.sh"
exec "$root/.venv/bin/ner-studio" "$@"
