#!/usr/bin/env bash
# Build the installable app from a checkout:
#
#     bash scripts/build_app.sh
#
# writes dist/NER Studio/ (run dist/NER Studio/ner-studio; on macOS dist/NER Studio.app) and
# dist/ner-studio-<version>-<system>-<machine>.tar.gz (.zip on Windows). Creates .venv with
# scripts/venv.sh if there is none and installs PyInstaller into it if missing. The build runs
# at the lowest CPU priority (it takes a few minutes; set NICE=0 to run at normal priority).
# resources/models/default.pt must exist: it is the model the app ships with.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=$root/.venv/bin/python
[[ -x $python ]] || python=$root/.venv/Scripts/python.exe  # Windows venv layout
if [[ ! -x $python ]]; then
  bash scripts/venv.sh
  python=$root/.venv/bin/python
  [[ -x $python ]] || python=$root/.venv/Scripts/python.exe
fi
if ! "$python" -c "import PyInstaller" 2>/dev/null; then
  "$python" -m pip install -q "pyinstaller>=6.10"
fi
if [[ ! -f resources/models/default.pt ]]; then
  echo "warning: resources/models/default.pt is missing; the app will be built without its model" >&2
fi

started=$(date +%s)
nice_cmd=()
command -v nice >/dev/null && nice_cmd=(nice -n "${NICE:-19}")
"${nice_cmd[@]}" "$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$root/dist" --workpath "$root/build" "$root/build_app.spec"
archive=$("${nice_cmd[@]}" "$python" scripts/archive_app.py "$root/dist")
finished=$(date +%s)

echo "built $(ls -d "$root/dist/NER Studio.app" 2>/dev/null || echo "$root/dist/NER Studio") in $((finished - started)) s"
echo "app folder: $(du -sh "$root/dist/NER Studio" | cut -f1)   archive: $(du -h "$archive" | cut -f1) $archive"
