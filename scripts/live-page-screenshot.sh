#!/usr/bin/env bash
# Checks the local run's live page in a real headless browser: runs a short local run, lets Debian's chromium
# render http://127.0.0.1:PORT/ while it streams, and writes a screenshot (default target/live-page.png).
# Needs: chromium (apt-get install chromium). Exits non-zero if the page never came up or chromium failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/live-page.png}"
port="${STREAMLEARN_UI_PORT:-18090}"
mkdir -p "$(dirname "$out")"
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install chromium" >&2; exit 2; }

log="$(mktemp)"
"$root/bin/streamlearn" local --limit 20000 --http-port 0 --metrics-port 0 --ui-port "$port" --linger 30 >"$log" 2>&1 &
run=$!
trap 'kill $run 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 120); do
  grep -q "live page on" "$log" && break
  kill -0 $run 2>/dev/null || { cat "$log" >&2; echo "the local run ended before the page came up" >&2; exit 1; }
  sleep 1
done
grep -q "live page on" "$log" || { echo "the live page did not come up in 120 s" >&2; exit 1; }
sleep 20 # let the charts fill while the run streams

profile="$(mktemp -d)"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --window-size=1200,900 \
  --virtual-time-budget=3000 --screenshot="$out" "http://127.0.0.1:$port/" >/dev/null 2>&1
rm -rf "$profile"
[ -s "$out" ] || { echo "chromium wrote no screenshot" >&2; exit 1; }
echo "screenshot: $out"
grep -E "summary|final snapshot" "$log" || true
