#!/usr/bin/env bash
# CI: build the packaged app and prove the frozen program works (called by .ci/run after the
# tests). Runs the self-test offscreen (window, bundled model, sample, CoNLL round trip), cut
# off from the network when the machine allows it, then the headless commands: tag the sample,
# fine-tune one epoch on the result (this imports the optimizer's lazily loaded torch parts),
# and evaluate. Fails on the first error; prints the time taken.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
started=$(date +%s)

bash scripts/build_app.sh

app="$root/dist/NER Studio/ner-studio"
export QT_QPA_PLATFORM=offscreen
# The run's own home: first start writes settings and a project there, never in the app folder.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config
touch "$home/.started"

offline=()
if command -v unshare >/dev/null && unshare -rn true 2>/dev/null; then
  offline=(unshare -rn)  # a private network namespace: no network at all, not even loopback
fi
echo "== self-test ${offline:+(without network)}"
timeout 300 "${offline[@]}" "$app" --self-test

echo "== headless commands"
timeout 300 "$app" predict default resources/samples/sample.txt -o "$home/sample.conll"
timeout 300 "$app" train "$home/sample.conll" "$home/sample.conll" -o "$home/tuned.pt" \
  --epochs 1 --hidden 16 --word-dim 16 --batch-size 8 --threads 1
timeout 300 "$app" evaluate "$home/tuned.pt" "$home/sample.conll"

echo "== PostgreSQL client (psycopg and its libpq are in the app)"
# No server at this socket: the app must load libpq, try, and say it cannot reach one.
timeout 60 "$app" project backup "postgresql://nobody@/none?host=$home/no-server" "$home/copy.nerstudio" \
  > "$home/pg.out" 2>&1 || true
if ! grep -q "cannot reach the database server" "$home/pg.out"; then
  cat "$home/pg.out" >&2
  echo "the frozen app cannot use psycopg" >&2
  exit 1
fi

written=$(find "$root/dist/NER Studio" -newer "$home/.started")
if [[ -n $written ]]; then
  echo "the app wrote into its own folder: $written" >&2
  exit 1
fi
echo "package smoke test passed in $(( $(date +%s) - started )) s"
